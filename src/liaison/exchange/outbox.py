"""The interface other capabilities call to send: append to a peer's log in the caller's transaction.

`enqueue` takes the next sequence of the peer's log under a row lock (PostgreSQL `FOR UPDATE`;
SQLite's `BEGIN IMMEDIATE` already serialises writers), so sequences have no gaps and no
duplicates, seals and signs the envelope, records `submitted` evidence and audits. It does not
check approval or the record-access gate: its callers do. The delivery worker sends what it wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
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

__all__ = ["Attachment", "enqueue", "peer_for_agency", "usable"]


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
    usable(peer)
    check_handling_code(handling_code)
    if evaluation is not None and not envelope.EVALUATION.match(evaluation):
        raise Invalid(
            "The evaluation code is a source letter A, B, C or X and an information digit 1 to 4, "
            "such as B2.",
            fields={"evaluation": "Use a source letter A, B, C or X and a digit 1 to 4."},
        )
    limit = get_settings().exchange_max_attachment_bytes
    for attachment in attachments:
        if len(attachment.content) > limit:
            raise Invalid(
                "Attachment {name} is larger than the exchange limit of {limit} bytes.",
                name=attachment.name,
                limit=limit,
                reason="too_large",
            )
    identity = identity or keys.load()
    cursor = lock_cursor(session, peer.id)
    cursor.last_sequence += 1
    message_id, now = envelope.uuid7(), utcnow()
    sealed = envelope.seal(
        identity,
        recipient=peer.node_id,
        recipient_encryption_key=peer.encryption_key,
        message_id=message_id,
        sequence=cursor.last_sequence,
        created=now,
        type=type,
        body=body,
        handling_code=handling_code,
        thread=thread,
        in_reply_to=in_reply_to,
        evaluation=evaluation,
        releasability=releasability,
        attachments=attachments,
    )
    if len(sealed.ciphertext) > get_settings().exchange_max_body_bytes:
        raise Invalid(
            "The message body is larger than the exchange limit of {limit} bytes: send the content "
            "as an attachment.",
            limit=get_settings().exchange_max_body_bytes,
            reason="too_large",
        )
    outgoing = OutgoingEnvelope(
        peer_id=peer.id,
        sequence=cursor.last_sequence,
        message_id=message_id,
        type=type,
        thread=thread,
        in_reply_to=in_reply_to,
        handling_code=handling_code,
        owning_unit=owning_unit,
        releasability=releasability,
        evaluation=evaluation,
        actor=actor,
        header=sealed.header_bytes,
        signature=sealed.signature,
        ciphertext=sealed.ciphertext,
        attachments=len(attachments),
        state="queued",
        created_at=now,
    )
    session.add(outgoing)
    if sealed.chunks:
        session.flush()  # the chunks need the envelope's id
    for index, parts in enumerate(sealed.chunks):
        session.add_all(
            OutgoingChunk(envelope_id=outgoing.id, attachment=index, chunk=number, data=data)
            for number, data in enumerate(parts)
        )
    session.add(Evidence(message_id=message_id, stage="submitted", node=identity.node_id, user=actor, at=now))
    if audited:
        audit.record(
            session,
            actor,
            "send",
            "exchange_envelope",
            message_id,
            detail=f"{type} to {peer.node_id} #{cursor.last_sequence}",
            protected=outgoing,
        )
    return outgoing


def peer_for_agency(session: Session, agency_id: int) -> Peer | None:
    """The active, verified partner node of an agency, if it has one."""
    return session.scalar(
        select(Peer)
        .where(Peer.agency_id == agency_id, Peer.status == "active", Peer.fingerprint_verified.is_(True))
        .order_by(Peer.id)
        .limit(1)
    )
