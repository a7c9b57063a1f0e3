"""The exchange's tables: peers, the per-peer outgoing log, what came in, receipts and evidence.

The outgoing log is append-only and is the truth the delivery worker drains: a row is written in
the same transaction as the business change that causes it, so a crash loses neither.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from liaison.core.db import Base, Protected, Timestamped, utcnow

PEER_STATUSES = ("active", "suspended", "removed")
OUTGOING_STATES = ("queued", "accepted", "rejected")
EVIDENCE_STAGES = ("submitted", "accepted", "rejected", "delivered", "opened", "answered")


class Peer(Timestamped, Base):
    """A partner node: its agency, address and public keys, verified out of band by an admin."""

    __tablename__ = "exchange_peer"

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True, default=None)
    base_url: Mapped[str] = mapped_column(String(300))
    signing_key: Mapped[str] = mapped_column(String(64))
    encryption_key: Mapped[str] = mapped_column(String(64))
    previous_signing_key: Mapped[str | None] = mapped_column(String(64), default=None)
    previous_encryption_key: Mapped[str | None] = mapped_column(String(64), default=None)
    previous_valid_until: Mapped[datetime | None] = mapped_column(default=None)
    fingerprint_verified: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_reason: Mapped[str] = mapped_column(String(500), default="")


class Cursor(Base):
    """Per peer: the last sequence given out, acknowledged by the peer, and received from it."""

    __tablename__ = "exchange_cursor"

    peer_id: Mapped[int] = mapped_column(ForeignKey("exchange_peer.id"), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_acked: Mapped[int] = mapped_column(Integer, default=0)
    last_received: Mapped[int] = mapped_column(Integer, default=0)


class OutgoingEnvelope(Protected, Base):
    """One entry of a peer's append-only outgoing log: the signed envelope exactly as sent."""

    __tablename__ = "exchange_outgoing"
    __table_args__ = (
        UniqueConstraint("peer_id", "sequence"),
        Index("ix_exchange_outgoing_peer_state_sequence", "peer_id", "state", "sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("exchange_peer.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(60))
    thread: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    in_reply_to: Mapped[str | None] = mapped_column(String(36), default=None)
    releasability: Mapped[str | None] = mapped_column(String(200), default=None)
    evaluation: Mapped[str | None] = mapped_column(String(2), default=None)
    actor: Mapped[str] = mapped_column(String(80), default="")
    header: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    attachments: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    reject_reason: Mapped[str] = mapped_column(String(60), default="")
    receipt: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    acked_at: Mapped[datetime | None] = mapped_column(default=None)


class OutgoingChunk(Base):
    """One encrypted chunk of an outgoing attachment, and whether the peer holds it (resumable)."""

    __tablename__ = "exchange_outgoing_chunk"
    __table_args__ = (UniqueConstraint("envelope_id", "attachment", "chunk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("exchange_outgoing.id"), index=True)
    attachment: Mapped[int] = mapped_column(Integer)
    chunk: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    acked: Mapped[bool] = mapped_column(default=False)


class IncomingEnvelope(Protected, Base):
    """An accepted envelope from a peer: its header and decrypted body, under its handling code."""

    __tablename__ = "exchange_incoming"
    __table_args__ = (UniqueConstraint("peer_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("exchange_peer.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(60))
    thread: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    in_reply_to: Mapped[str | None] = mapped_column(String(36), default=None)
    header: Mapped[dict[str, Any]] = mapped_column(JSON)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncomingChunk(Base):
    """One encrypted attachment chunk received ahead of its envelope, its digest checked."""

    __tablename__ = "exchange_incoming_chunk"
    __table_args__ = (UniqueConstraint("peer_id", "message_id", "attachment", "chunk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("exchange_peer.id"))
    message_id: Mapped[str] = mapped_column(String(36), index=True)
    attachment: Mapped[int] = mapped_column(Integer)
    chunk: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Receipt(Base):
    """The signed answer this node gave for one sequence of a peer, repeated to any duplicate."""

    __tablename__ = "exchange_receipt"
    __table_args__ = (UniqueConstraint("peer_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("exchange_peer.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[str] = mapped_column(String(36), index=True)
    header_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(60), default="")
    receipt: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Evidence(Base):
    """One stage in the life of a message (e-CODEX style), with the signature that proves it."""

    __tablename__ = "exchange_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    node: Mapped[str] = mapped_column(String(64))
    user: Mapped[str] = mapped_column(String(80), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    signature: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


# x2's tables (dispatch approval, messages, correspondence), so `Base.metadata` is complete.
from liaison.exchange import message_models  # noqa: E402, F401
