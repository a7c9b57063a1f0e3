"""The interface other capabilities call to send: append to a peer's log in the caller's transaction.

`enqueue` takes the next sequence of the peer's log under a row lock (PostgreSQL `FOR UPDATE`;
SQLite's `BEGIN IMMEDIATE` already serialises writers), so sequences have no gaps and no
duplicates, seals and signs the envelope, records `submitted` evidence and audits; `enqueue_batch`
does the same for many envelopes at once, with one audit event summarising them. It does not
check approval or the record-access gate: its callers do. The delivery worker sends what it wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Invalid
from liaison.core.security.gate import check_handling_code
from liaison.core.settings import get_settings
from liaison.exchange import envelope, keys
from liaison.exchange.envelope import Attachment
from liaison.exchange.keys import Identity
from liaison.exchange.models import Cursor, Evidence, OutgoingChunk, OutgoingEnvelope, Peer

__all__ = ["Attachment", "Outgoing", "enqueue", "enqueue_batch", "peer_for_agency", "usable"]


def usable(peer: Peer) -> None:
    """Refuse, with the reason, a peer this node must not talk to."""
    if peer.status != "active":
        raise Conflict(
            "Partner node {node_id} is {status}; nothing is sent to or accepted from it.",
            node_id=peer.node_id,
            status=peer.status,
            reason=f"{peer.status}_peer",
        )
    if not peer.fingerprint_verified:
        raise Conflict(
            "The fingerprints of partner node {node_id} are not verified yet; an administrator "
            "verifies them with its operators first.",
            node_id=peer.node_id,
            reason="unverified_peer",
        )


def lock_cursor(session: Session, peer_id: int) -> Cursor:
    """The peer's cursor, locked for this transaction (made when missing); locked once per
    transaction, so a transaction queuing many envelopes pays for one lock."""
    transaction = session.get_transaction()
    held: dict[int, tuple[Any, Cursor]] = session.info.setdefault("exchange_cursors", {})
    if peer_id in held and held[peer_id][0] is transaction:
        return held[peer_id][1]
    cursor = session.scalar(
        select(Cursor)
        .where(Cursor.peer_id == peer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if cursor is None:
        cursor = Cursor(peer_id=peer_id, last_sequence=0, last_acked=0, last_received=0)
        session.add(cursor)
        session.flush()
    held[peer_id] = (transaction, cursor)
    return cursor


@dataclass(frozen=True)
class Outgoing:
    """One envelope of a batch for one peer: everything `enqueue` takes but the peer."""

    type: str
    body: dict[str, Any]
    handling_code: str
    owning_unit: str
    actor: str
    thread: str | None = None
    in_reply_to: str | None = None
    evaluation: str | None = None
    releasability: str | None = None
    attachments: Sequence[Attachment] = ()


def enqueue(
    session: Session,
    *,
    peer: Peer,
    type: str,
    body: dict[str, Any],
    handling_code: str,
    owning_unit: str,
    actor: str,
    thread: str | None = None,
    in_reply_to: str | None = None,
    evaluation: str | None = None,
    releasability: str | None = None,
    attachments: Sequence[Attachment] = (),
    identity: Identity | None = None,
    audited: bool = True,
) -> OutgoingEnvelope:
    """Append one signed, encrypted envelope to `peer`'s outgoing log and return it.

    Added beyond the shared signature (defaults keep every caller working): `identity` (this
    node's keys, default read from `$LIAISON_HOME/node/`) and `audited` (False only for the
    node's own evidence messages, which the audit trail records where they are made).
    """
    item = Outgoing(
        type,
        body,
        handling_code,
        owning_unit,
        actor,
        thread,
        in_reply_to,
        evaluation,
        releasability,
        attachments,
    )
    return enqueue_batch(session, peer=peer, items=[item], identity=identity, audited=audited)[0]


def _header_fields(item: Outgoing) -> dict[str, Any]:
    """What the signed header and the log row both keep of an envelope, by the same names."""
    names = ("type", "handling_code", "thread", "in_reply_to", "evaluation", "releasability")
    return {name: getattr(item, name) for name in names}


def _check(item: Outgoing) -> None:
    """Refuse, before anything is sealed, what no envelope may carry."""
    check_handling_code(item.handling_code)
    if item.evaluation is not None and not envelope.EVALUATION.match(item.evaluation):
        raise Invalid(
            "The evaluation code is a source letter A, B, C or X and an information digit 1 to 4, "
            "such as B2.",
            fields={"evaluation": "Use a source letter A, B, C or X and a digit 1 to 4."},
        )
    limit = get_settings().exchange_max_attachment_bytes
    for attachment in item.attachments:
        if len(attachment.content) > limit:
            raise Invalid(
                "Attachment {name} is larger than the exchange limit of {limit} bytes.",
                name=attachment.name,
                limit=limit,
                reason="too_large",
            )


def enqueue_batch(
    session: Session,
    *,
    peer: Peer,
    items: Sequence[Outgoing],
    identity: Identity | None = None,
    audited: bool = True,
) -> list[OutgoingEnvelope]:
    """Append many envelopes to `peer`'s log in the caller's transaction, in order, and return them.

    Why a batch: one cursor lock, one insert each for the envelopes and their evidence, and one
    audit event per actor, handling code and unit
    (naming the sequence range) instead of one of each per envelope, which made queuing the slow
    side of the exchange. Each envelope still gets its own `submitted` evidence; a single envelope
    keeps an audit event of its own, named by its message id.
    """
    usable(peer)
    for item in items:
        _check(item)
    identity = identity or keys.load()
    cursor = lock_cursor(session, peer.id)
    max_body = get_settings().exchange_max_body_bytes
    first = cursor.last_sequence + 1
    rows: list[dict[str, Any]] = []
    chunks: dict[int, tuple[tuple[bytes, ...], ...]] = {}  # sequence: the envelope's sealed chunks
    for item in items:
        cursor.last_sequence += 1
        message_id, now = envelope.uuid7(), utcnow()
        sealed = envelope.seal(
            identity,
            recipient=peer.node_id,
            recipient_encryption_key=peer.encryption_key,
            message_id=message_id,
            sequence=cursor.last_sequence,
            created=now,
            body=item.body,
            attachments=item.attachments,
            **_header_fields(item),
        )
        if len(sealed.ciphertext) > max_body:
            raise Invalid(
                "The message body is larger than the exchange limit of {limit} bytes: send the "
                "content as an attachment.",
                limit=max_body,
                reason="too_large",
            )
        rows.append(
            {
                "peer_id": peer.id,
                "sequence": cursor.last_sequence,
                "message_id": message_id,
                "owning_unit": item.owning_unit,
                "actor": item.actor,
                **_header_fields(item),
                "header": sealed.header_bytes,
                "signature": sealed.signature,
                "ciphertext": sealed.ciphertext,
                "attachments": len(item.attachments),
                "state": "queued",
                "reject_reason": "",
                "created_at": now,
            }
        )
        if sealed.chunks:
            chunks[cursor.last_sequence] = sealed.chunks
    if len(rows) == 1:
        envelopes = [_store_one(session, identity, rows[0], chunks)]
    else:
        envelopes = _store_many(session, identity, peer, rows, chunks, first, cursor.last_sequence)
    if audited:
        _audit_sent(session, peer, envelopes)
    return envelopes


def _submitted(identity: Identity, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "message_id": row["message_id"],
        "stage": "submitted",
        "node": identity.node_id,
        "user": row["actor"],
        "at": row["created_at"],
    }


def _store_one(
    session: Session,
    identity: Identity,
    row: dict[str, Any],
    chunks: dict[int, tuple[tuple[bytes, ...], ...]],
) -> OutgoingEnvelope:
    """One envelope joins the caller's unit of work, flushed with the rest of it (a caller queuing
    many one by one pays one flush, not three statements each)."""
    outgoing = OutgoingEnvelope(**row)
    session.add(outgoing)
    session.add(Evidence(**_submitted(identity, row)))
    parts_of = chunks.get(row["sequence"], ())
    if parts_of:
        session.flush()  # the chunks need their envelope's id
        for index, parts in enumerate(parts_of):
            session.add_all(
                OutgoingChunk(envelope_id=outgoing.id, attachment=index, chunk=number, data=data)
                for number, data in enumerate(parts)
            )
    return outgoing


def _store_many(
    session: Session,
    identity: Identity,
    peer: Peer,
    rows: list[dict[str, Any]],
    chunks: dict[int, tuple[tuple[bytes, ...], ...]],
    first: int,
    last: int,
) -> list[OutgoingEnvelope]:
    """One executemany each for the envelopes and their evidence (no RETURNING: an INSERT of many
    rows that returns their ids costs PostgreSQL's driver more than the rows), then the envelopes
    read back in sequence order, with their ids, for the chunks and the caller."""
    session.execute(insert(OutgoingEnvelope), rows)
    session.execute(insert(Evidence), [_submitted(identity, row) for row in rows])
    envelopes = list(
        session.scalars(
            select(OutgoingEnvelope)
            .where(
                OutgoingEnvelope.peer_id == peer.id,
                OutgoingEnvelope.sequence >= first,
                OutgoingEnvelope.sequence <= last,
            )
            .order_by(OutgoingEnvelope.sequence)
        )
    )
    for outgoing in envelopes:
        for index, parts in enumerate(chunks.get(outgoing.sequence, ())):
            session.execute(
                insert(OutgoingChunk),
                [
                    {"envelope_id": outgoing.id, "attachment": index, "chunk": number, "data": data}
                    for number, data in enumerate(parts)
                ],
            )
    return envelopes


def _audit_sent(session: Session, peer: Peer, envelopes: list[OutgoingEnvelope]) -> None:
    """One `send` event per actor, handling code and unit: the trail keeps who queued what for
    whom under the code that protects it, and each envelope's own evidence names it."""
    groups: dict[tuple[str, str, str], list[OutgoingEnvelope]] = {}
    for outgoing in envelopes:
        groups.setdefault((outgoing.actor, outgoing.handling_code, outgoing.owning_unit), []).append(outgoing)
    for (actor, _, _), group in groups.items():
        first, last = group[0], group[-1]
        if len(group) == 1:
            object_id, detail = first.message_id, f"{first.type} to {peer.node_id} #{first.sequence}"
        else:
            kinds = ", ".join(sorted({o.type for o in group}))
            object_id = f"{peer.node_id}#{first.sequence}-{last.sequence}"
            detail = (
                f"{len(group)} envelopes ({kinds}) to {peer.node_id} #{first.sequence}–#{last.sequence}, "
                f"from {first.message_id} to {last.message_id}"
            )
        audit.record(session, actor, "send", "exchange_envelope", object_id, detail=detail, protected=first)


def peer_for_agency(session: Session, agency_id: int) -> Peer | None:
    """The active, verified partner node of an agency, if it has one."""
    return session.scalar(
        select(Peer)
        .where(Peer.agency_id == agency_id, Peer.status == "active", Peer.fingerprint_verified.is_(True))
        .order_by(Peer.id)
        .limit(1)
    )
