"""Tables of what people exchange with partner nodes (helper x2's part of the exchange capability):
the approval of each dispatch, the messages in and out, and the correspondence log.

They live beside the protocol's tables (`exchange/models.py`: peers, the per-peer envelope logs,
evidence), which import this module so `Base.metadata` is complete. A `Dispatch` is the decision
to let something leave: it carries the envelope's type and body until a supervisor approves it,
and only then does `outbox.enqueue` write it to the per-peer log, in the approving transaction,
so a refused dispatch never enters the log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from liaison.core.db import Base, Protected, utcnow

ID_LENGTH = 36  # a UUID in text
THREAD_LENGTH = 64


class Dispatch(Protected, Base):
    """Something to send to one peer and the decision on it: pending, then sent or refused.

    `source_type`/`source_id` name the record it carries (a message, a request ...); the dispatch
    carries the strictest handling code of what it sends (`gate.inherit`), so an approver who
    could not read the source cannot read, and so cannot approve, the dispatch either.
    """

    __tablename__ = "exchange_dispatch"
    # a record's page asks what was sent of it, by `source_type` and `source_id`
    __table_args__ = (Index("ix_exchange_dispatch_source", "source_type", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("exchange_peer.id"), index=True)
    type: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(String(300), default="")
    source_type: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int | None] = mapped_column(Integer, default=None)
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    thread: Mapped[str | None] = mapped_column(String(THREAD_LENGTH), default=None)
    in_reply_to: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    evaluation: Mapped[str | None] = mapped_column(String(2), default=None)
    releasability: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), index=True)  # pending | waiting | sent | refused
    # A step of a record that travelled (a request's): kept `waiting` while the peer is suspended
    # or not verified, sent once it is usable again, instead of being refused.
    waits_for_peer: Mapped[bool] = mapped_column(default=False)
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None, index=True)


class Message(Protected, Base):
    """A free-text message to or from a peer, threaded, with its handling and evaluation codes.

    Outgoing: written when composed, sent when its dispatch is (`message_id` is then the
    envelope's). Incoming: written by the `message` handler from the accepted envelope; it keeps
    the provider's handling code, and `forward_permitted` records the provider's consent to pass
    H2 material on (never assumed).
    """

    __tablename__ = "exchange_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), index=True)  # out | in
    peer_id: Mapped[int] = mapped_column(ForeignKey("exchange_peer.id"), index=True)
    message_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None, unique=True)
    thread: Mapped[str] = mapped_column(String(THREAD_LENGTH), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(ID_LENGTH), default=None)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    evaluation: Mapped[str | None] = mapped_column(String(2), default=None)
    releasability: Mapped[str] = mapped_column(String(200), default="")
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_dispatch.id"), default=None)
    forwarded_from: Mapped[int | None] = mapped_column(ForeignKey("exchange_message.id"), default=None)
    forward_permitted: Mapped[bool] = mapped_column(default=False)
    first_opened_at: Mapped[datetime | None] = mapped_column(default=None)


class MessageOpening(Base):
    """Who opened an incoming message and when: the first opening per user is evidence for the sender."""

    __tablename__ = "exchange_message_opening"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("exchange_message.id"), index=True)
    username: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Correspondence(Protected, Base):
    """A note verbale or a letter, in or out: the diplomatic channel's paper trail."""

    __tablename__ = "exchange_correspondence"

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), index=True)  # out | in
    kind: Mapped[str] = mapped_column(String(20))  # note_verbale | letter
    reference: Mapped[str] = mapped_column(String(80), index=True)
    dated: Mapped[date] = mapped_column(Date, index=True)
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    subject: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(120), default="")
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    message_pk: Mapped[int | None] = mapped_column(ForeignKey("exchange_message.id"), default=None)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class HitAlert(Protected, Base):
    """A partner's confirmed screening hit on one of our persons sought (`hit.alert`): what it
    proposes (located, believed in the partner's country) waits for an officer here to accept or
    refuse; the owner's record changes only by its own officer's decision. Protected like the
    subject it is about."""

    __tablename__ = "exchange_hit_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("exchange_peer.id"), index=True)
    subject_id: Mapped[int] = mapped_column(Integer, index=True)  # no foreign key: another capability's
    message_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    alert: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    proposed_status: Mapped[str] = mapped_column(String(20), default="")
    proposed_country: Mapped[str] = mapped_column(String(2), default="")
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str] = mapped_column(String(12), default="")  # "" open | accepted | refused
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
