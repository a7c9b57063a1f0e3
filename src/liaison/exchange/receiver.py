"""The receiving side: every check before anything is stored, then exactly-once application.

A batch of envelopes from one peer is one transaction. Each envelope is checked (signature,
recipient, freshness, size, replay, order, type, attachment chunks) before it is stored; the
receiver answers each with a signed receipt. A receipt is `final` when it settles the sequence
(accepted, or rejected for good: unknown type, too large, refused by its handler); only a final
receipt moves the peer's cursor and is kept, so a duplicate gets the very same receipt again and
is applied once. A non-final rejection (bad signature, wrong recipient, out of order, replay,
missing chunks, stale) stores nothing and leaves the sequence for a correct envelope.

`stale` (a `created` outside the freshness window) is not final: the sender seals the same
envelope again with a fresh time (`worker`, `envelope.restamp`) and sends it again, so a long
outage or a clock that differs delays a business step instead of losing it. A re-sealed envelope
whose sequence was settled already (its first receipt lost on the way) is a duplicate: the same
message id at the same sequence gets the receipt kept for it, and is applied once.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from nacl.exceptions import CryptoError
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import manager_of_class

from liaison.core import audit
from liaison.core.db import unit_of_work, utcnow
from liaison.core.errors import DomainError
from liaison.core.settings import get_settings
from liaison.exchange import envelope, handlers, rotation
from liaison.exchange.keys import Identity
from liaison.exchange.models import Cursor, Evidence, IncomingChunk, IncomingEnvelope, Peer, Receipt
from liaison.exchange.outbox import lock_cursor

CLOCK_SKEW = timedelta(minutes=5)
HEADER_FIELDS = (
    "sender",
    "recipient",
    "message_id",
    "sequence",
    "created",
    "type",
    "handling_code",
    "body_sha256",
)


def node_actor(node_id: str) -> str:
    """How the audit trail names a partner node acting."""
    return f"node:{node_id}"[:80]


def peer_signing_keys(peer: Peer) -> list[str]:
    """The peer's current signing key, then its previous one while the overlap lasts."""
    found = [peer.signing_key]
    if peer.previous_signing_key and peer.previous_valid_until and peer.previous_valid_until > utcnow():
        found.append(peer.previous_signing_key)
    return found


def peer_encryption_keys(peer: Peer) -> list[str]:
    found = [peer.encryption_key]
    if peer.previous_encryption_key and peer.previous_valid_until and peer.previous_valid_until > utcnow():
        found.append(peer.previous_encryption_key)
    return found


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text, validate=True)


@dataclass
class Verdict:
    """The outcome for one envelope, before it becomes a signed receipt."""

    status: str
    reason: str = ""
    final: bool = False
    expected: int | None = None


def sign_receipt(
    identity: Identity, peer: Peer, header: dict[str, Any], header_bytes: bytes, verdict: Verdict
) -> dict[str, str]:
    """The receipt: who received what, accepted or rejected and why, signed by this node."""
    document: dict[str, Any] = {
        "v": envelope.VERSION,
        "receiver": identity.node_id,
        "sender": peer.node_id,
        "message_id": header.get("message_id"),
        "sequence": header.get("sequence"),
        "header_sha256": envelope.digest(header_bytes),
        "status": verdict.status,
        "reason": verdict.reason,
        "final": verdict.final,
        "stages": ["accepted", "delivered"] if verdict.status == "accepted" else [verdict.status],
        "at": envelope.timestamp(utcnow()),
    }
    if verdict.expected is not None:
        document["expected"] = verdict.expected
    data, signature = envelope.sign_document(identity, document)
    return {"receipt": b64(data), "signature": b64(signature)}


def _header(item: Any) -> tuple[bytes, bytes, bytes, dict[str, Any]] | None:
    """The envelope's header bytes, signature, body ciphertext and parsed header, or None."""
    try:
        header_bytes, signature, body = unb64(item["header"]), unb64(item["signature"]), unb64(item["body"])
        header = orjson.loads(header_bytes)
    except (KeyError, TypeError, ValueError, binascii.Error, orjson.JSONDecodeError):
        return None
    if not isinstance(header, dict) or any(field not in header for field in HEADER_FIELDS):
        return None
    if not isinstance(header["sequence"], int) or not isinstance(header["message_id"], str):
        return None
    return header_bytes, signature, body, header


class Batch:
    """One call's envelopes from one peer, checked and applied in one transaction."""

    def __init__(self, session: Session, identity: Identity, peer: Peer, careful: bool = False) -> None:
        self.session, self.identity, self.peer = session, identity, peer
        self.known = rotation.known_identity(session, identity, peer.id)  # signs the receipts
        self.careful = careful  # a savepoint per envelope, once a handler refused one in this batch
        self.cursor: Cursor = lock_cursor(session, peer.id)
        self.accepted: list[int] = []
        self.settings = get_settings()
        # sequence: header digest, receipt, signature, message id
        self.settled: dict[int, tuple[str, bytes, bytes, str]] = {}
        self.message_ids: set[str] = set()
        self.receipts: list[dict[str, Any]] = []
        self.evidence: list[dict[str, Any]] = []
        self.incoming: list[dict[str, Any]] = []  # accepted envelopes' rows, written in bulk by `close`

    def prefetch(self, items: list[Any]) -> None:
        """What this batch's envelopes need to know of earlier receipts, in two queries, not two each."""
        sequences, message_ids = set(), set()
        for item in items:
            parsed = _header(item)
            if parsed is not None:
                sequences.add(parsed[3]["sequence"])
                message_ids.add(str(parsed[3]["message_id"])[:36])
        for row in self.session.execute(
            select(
                Receipt.sequence,
                Receipt.header_digest,
                Receipt.receipt,
                Receipt.signature,
                Receipt.message_id,
            ).where(Receipt.peer_id == self.peer.id, Receipt.sequence.in_(sequences))
        ):
            self.settled[row.sequence] = (row.header_digest, row.receipt, row.signature, row.message_id)
        self.message_ids = set(
            self.session.scalars(
                select(Receipt.message_id).where(
                    Receipt.peer_id == self.peer.id, Receipt.message_id.in_(message_ids)
                )
            )
        )

    def refuse(self, header: dict[str, Any], verdict: Verdict) -> None:
        """Log a refusal in the audit trail (the batch commits, so the log stays)."""
        audit.record(
            self.session,
            node_actor(self.peer.node_id),
            "refuse",
            "exchange_envelope",
            str(header.get("message_id", "?"))[:80],
            detail=f"{verdict.reason} #{header.get('sequence')}"[:500],
        )

    def receive(self, item: Any) -> dict[str, str]:
        parsed = _header(item)
        if parsed is None:
            malformed = Verdict("rejected", "malformed")
            self.refuse({}, malformed)
            return sign_receipt(self.known, self.peer, {}, b"", malformed)
        header_bytes, signature, body, header = parsed
        checked = self.check(header_bytes, signature, body, header)
        if checked is None:  # a duplicate: the receipt given the first time
            _, kept, kept_signature, _ = self.settled[header["sequence"]]
            return {"receipt": b64(kept), "signature": b64(kept_signature)}
        verdict = checked
        if verdict.status == "accepted":
            verdict = self.apply(header_bytes, signature, body, header)
        if verdict.status != "accepted":
            self.refuse(header, verdict)
        receipt = sign_receipt(self.known, self.peer, header, header_bytes, verdict)
        if verdict.final:
            self.cursor.last_received = header["sequence"]
            data, signed = unb64(receipt["receipt"]), unb64(receipt["signature"])
            self.settled[header["sequence"]] = (
                envelope.digest(header_bytes),
                data,
                signed,
                header["message_id"][:36],
            )
            self.message_ids.add(header["message_id"][:36])
            self.receipts.append(
                {
                    "peer_id": self.peer.id,
                    "sequence": header["sequence"],
                    "message_id": header["message_id"][:36],
                    "header_digest": envelope.digest(header_bytes),
                    "status": verdict.status,
                    "reason": verdict.reason,
                    "receipt": data,
                    "signature": signed,
                    "at": utcnow(),
                }
            )
        return receipt

    def check(
        self, header_bytes: bytes, signature: bytes, body: bytes, header: dict[str, Any]
    ) -> Verdict | None:
        """Every check that needs nothing stored; None for an exact duplicate of a settled envelope."""
        if not envelope.verify(header_bytes, signature, peer_signing_keys(self.peer)):
            return Verdict("rejected", "bad_signature")
        if header["sender"] != self.peer.node_id:
            return Verdict("rejected", "wrong_sender")
        if header["recipient"] != self.identity.node_id:
            return Verdict("rejected", "wrong_recipient")
        if envelope.digest(body) != header["body_sha256"]:
            return Verdict("rejected", "bad_signature")  # the ciphertext is not what was signed
        sequence = header["sequence"]
        settled = self.settled.get(sequence)
        if settled is not None:
            if settled[0] == envelope.digest(header_bytes) or settled[3] == header["message_id"][:36]:
                return None  # the envelope settled, or the same one sealed again with a fresh time
            return Verdict("rejected", "replay")
        if header["message_id"][:36] in self.message_ids:
            return Verdict("rejected", "replay")
        expected = self.cursor.last_received + 1
        if sequence != expected:
            return Verdict("rejected", "out_of_order", expected=expected)
        try:
            created = envelope.parse_timestamp(header["created"])
        except (TypeError, ValueError):
            return Verdict("rejected", "malformed", final=True)
        now = utcnow()
        if (
            created < now - timedelta(hours=self.settings.exchange_freshness_hours)
            or created > now + CLOCK_SKEW
        ):
            return Verdict("rejected", "stale")  # not final: the sender seals it again and resends
        if len(body) > self.settings.exchange_max_body_bytes or any(
            a.get("size", 0) > self.settings.exchange_max_attachment_bytes
            for a in header.get("attachments", [])
        ):
            return Verdict("rejected", "too_large", final=True)
        if handlers.handler_for(header["type"]) is None:
            return Verdict("rejected", "unknown_type", final=True)
        if header.get("attachments") and not self.chunks_complete(header):
            return Verdict("rejected", "missing_chunks")
        return Verdict("accepted", final=True)

    def chunks_complete(self, header: dict[str, Any]) -> bool:
        held = {
            (row.attachment, row.chunk): row.digest
            for row in self.session.execute(
                select(IncomingChunk.attachment, IncomingChunk.chunk, IncomingChunk.digest).where(
                    IncomingChunk.peer_id == self.peer.id, IncomingChunk.message_id == header["message_id"]
                )
            )
        }
        return all(
            held.get((index, number)) == expected
            for index, attachment in enumerate(header["attachments"])
            for number, expected in enumerate(attachment["chunks"])
        )

    def apply(self, header_bytes: bytes, signature: bytes, body: bytes, header: dict[str, Any]) -> Verdict:
        """Decrypt and hand to the type's handler. The envelope's row joins the batch's one insert
        (`close`); once a handler refused one, each envelope is added in a savepoint instead, so a
        refusal undoes only that one."""
        try:
            opened = envelope.open_body(self.identity, header, body, peer_encryption_keys(self.peer))
        except (CryptoError, ValueError, orjson.JSONDecodeError):
            return Verdict("rejected", "undecryptable", final=True)
        row = {
            "peer_id": self.peer.id,
            "sequence": header["sequence"],
            "message_id": header["message_id"][:36],
            "type": header["type"],
            "thread": header.get("thread"),
            "in_reply_to": header.get("in_reply_to"),
            "header": header,
            "body": opened,
            "signature": signature,
            "handling_code": str(header["handling_code"])[:2],
            "owning_unit": self.settings.exchange_inbox_unit,
            "received_at": utcnow(),
        }
        savepoint = self.session.begin_nested() if self.careful else None
        if savepoint is not None:
            incoming = IncomingEnvelope(**row)
            self.session.add(incoming)  # undone with the savepoint if the handler refuses
        else:
            incoming = _unsaved(row)
            self.incoming.append(row)  # written with the batch: a refusal retries it carefully
        try:
            self.session.autoflush = True  # the handler works as in any transaction
            try:
                handlers.apply(self.session, self.peer, incoming)
            finally:
                self.session.autoflush = False
            if savepoint is not None:
                self.session.flush()
        except DomainError:
            if savepoint is None:
                raise _Careful() from None
            savepoint.rollback()
            return Verdict("rejected", "handler_refused", final=True)
        if savepoint is not None:
            savepoint.commit()
        self.accepted.append(header["sequence"])
        if header["type"] != "evidence":
            self.evidence.append(
                {
                    "message_id": incoming.message_id,
                    "stage": "accepted",
                    "node": self.identity.node_id,
                    "at": utcnow(),
                }
            )
        return Verdict("accepted", final=True)

    def close(self) -> None:
        """Write the receipts and evidence in bulk; one audit event for what the batch accepted
        (refusals have one each)."""
        if self.incoming:
            self.session.execute(insert(IncomingEnvelope), self.incoming)
        if self.receipts:
            self.session.execute(insert(Receipt), self.receipts)
        if self.evidence:
            self.session.execute(insert(Evidence), self.evidence)
        if self.accepted:
            audit.record(
                self.session,
                node_actor(self.peer.node_id),
                "receive",
                "exchange_peer",
                self.peer.id,
                detail=f"{len(self.accepted)} envelope(s), #{self.accepted[0]}..#{self.accepted[-1]}",
            )


_INCOMING = manager_of_class(IncomingEnvelope)


def _unsaved(row: dict[str, Any]) -> IncomingEnvelope:
    """The envelope its handler is given, its columns set as a load sets them (the constructor's
    attribute events, one per column, cost more than checking the envelope's signature)."""
    incoming: IncomingEnvelope = _INCOMING.new_instance()
    incoming.__dict__.update(row)
    return incoming


class _Careful(Exception):
    """A handler refused an envelope in a batch applied without savepoints: apply it again with them."""


def receive_batch(engine: Engine, identity: Identity, peer_id: int, items: list[Any]) -> list[dict[str, str]]:
    """Check and apply a batch in one transaction; a signed receipt for each envelope, in order.

    Without a savepoint per envelope first (they cost two round trips each); when a handler
    refuses one, the whole transaction rolls back and the batch is applied again with them."""
    try:
        return _receive_batch(engine, identity, peer_id, items, careful=False)
    except _Careful:
        return _receive_batch(engine, identity, peer_id, items, careful=True)


def _receive_batch(
    engine: Engine, identity: Identity, peer_id: int, items: list[Any], careful: bool
) -> list[dict[str, str]]:
    with unit_of_work(engine) as session:
        peer = session.get(Peer, peer_id)
        assert peer is not None
        batch = Batch(session, identity, peer, careful)
        batch.prefetch(items)
        with session.no_autoflush:
            receipts = [batch.receive(item) for item in items]
        batch.close()
    return receipts


def receive_chunk(engine: Engine, identity: Identity, peer_id: int, item: Any) -> dict[str, Any]:
    """Keep one attachment chunk whose digest the signed header names; refuse any other."""
    with unit_of_work(engine) as session:
        peer = session.get(Peer, peer_id)
        assert peer is not None
        parsed = _header({**item, "body": ""}) if isinstance(item, dict) else None
        if parsed is None:
            return {"status": "rejected", "reason": "malformed"}
        header_bytes, signature, _, header = parsed
        reason = ""
        try:
            index, number, data = int(item["attachment"]), int(item["chunk"]), unb64(item["data"])
        except (KeyError, TypeError, ValueError, binascii.Error):
            return {"status": "rejected", "reason": "malformed"}
        if not envelope.verify(header_bytes, signature, peer_signing_keys(peer)):
            reason = "bad_signature"
        elif header["recipient"] != identity.node_id:
            reason = "wrong_recipient"
        elif not (0 <= index < len(header.get("attachments", []))) or not (
            0 <= number < len(header["attachments"][index]["chunks"])
        ):
            reason = "malformed"
        elif header["attachments"][index]["size"] > get_settings().exchange_max_attachment_bytes:
            reason = "too_large"
        elif envelope.digest(data) != header["attachments"][index]["chunks"][number]:
            reason = "bad_chunk_digest"
        if reason:
            audit.record(
                session,
                node_actor(peer.node_id),
                "refuse",
                "exchange_chunk",
                f"{header['message_id']}/{index}/{number}"[:80],
                detail=reason,
            )
            return {"status": "rejected", "reason": reason}
        exists = session.scalar(
            select(IncomingChunk.id).where(
                IncomingChunk.peer_id == peer.id,
                IncomingChunk.message_id == header["message_id"],
                IncomingChunk.attachment == index,
                IncomingChunk.chunk == number,
            )
        )
        if exists is None:
            session.add(
                IncomingChunk(
                    peer_id=peer.id,
                    message_id=header["message_id"][:36],
                    attachment=index,
                    chunk=number,
                    digest=envelope.digest(data),
                    data=data,
                )
            )
    return {"status": "accepted", "reason": ""}


def attachment(
    session: Session, identity: Identity, incoming: IncomingEnvelope, index: int
) -> tuple[str, str, bytes]:
    """An accepted message's attachment: name, media type and content, its digest checked."""
    peer = session.get(Peer, incoming.peer_id)
    assert peer is not None
    manifest = incoming.body["attachments"][index]
    parts = session.scalars(
        select(IncomingChunk.data)
        .where(IncomingChunk.message_id == incoming.message_id, IncomingChunk.attachment == index)
        .order_by(IncomingChunk.chunk)
    )
    sender_keys = peer_encryption_keys(peer)
    content = b"".join(envelope.open_chunk(identity, incoming.header, part, sender_keys) for part in parts)
    if envelope.digest(content) != manifest["sha256"]:
        raise CryptoError("attachment digest mismatch")
    return manifest["name"], manifest["media_type"], content
