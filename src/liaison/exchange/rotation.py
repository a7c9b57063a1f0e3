"""Key rotation with overlap: new keys are announced to every partner in a message signed with the
old ones, which the partner trusts; until the overlap ends both verify on either side.

A partner offline when the overlap ends has not heard of the new keys: until it acknowledges the
announcement, this node keeps the old keys and signs its calls, receipts and re-sealed envelopes
to that partner with them (`known_identity`), so the partner can still verify the announcement
and everything after it, however long it was away."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.exchange import envelope, keys, outbox, peers
from liaison.exchange.handlers import handle
from liaison.exchange.keys import Identity
from liaison.exchange.models import IncomingEnvelope, OutgoingEnvelope, Peer

KEYS_TYPE = "node.keys"


def unacknowledged_keys(session: Session, peer_id: int | None = None) -> list[str]:
    """The encryption key ids that unacknowledged announcements were sealed with, oldest first.
    Queued or refused, not accepted: named as states so the log's (peer, state, sequence) index
    reads only those rows, never a peer's whole accepted log, on every batch."""
    query = select(OutgoingEnvelope.header).where(
        OutgoingEnvelope.type == KEYS_TYPE, OutgoingEnvelope.state.in_(("queued", "rejected"))
    )
    if peer_id is not None:
        query = query.where(OutgoingEnvelope.peer_id == peer_id)
    return [str(orjson.loads(h)["from_key"]) for h in session.scalars(query.order_by(OutgoingEnvelope.id))]


def known_identity(session: Session, identity: Identity, peer_id: int) -> Identity:
    """This node as the partner knows it: the keys its oldest unacknowledged announcement was
    signed with, else the current ones."""
    for key in unacknowledged_keys(session, peer_id):
        known = identity.generation(key)
        if known is not None:
            return known
    return identity


def rotate(session: Session, overlap_days: int, actor: str, home: Path | None = None) -> tuple[Identity, int]:
    """New keys announced to every partner, written only once the announcements are queued in this
    transaction: the new identity and how many partners were told."""
    identity = keys.rotated(keys.load(home), overlap_days, set(unacknowledged_keys(session)))
    announced = announce(session, identity, actor)
    keys.save(identity, home)
    return identity, announced


def announce(session: Session, identity: Identity, actor: str) -> int:
    """Queue the new public keys to every active, verified peer, signed with the previous keys."""
    if not identity.previous:
        return 0
    previous = identity.previous[0]
    old = Identity(identity.node_id, identity.agency, previous.signing, previous.encryption)
    count = 0
    for peer in session.scalars(
        select(Peer).where(Peer.status == "active", Peer.fingerprint_verified.is_(True))
    ):
        outbox.enqueue(
            session,
            peer=peer,
            type=KEYS_TYPE,
            body={
                "signing_key": identity.signing_public,
                "encryption_key": identity.encryption_public,
                "previous_valid_until": envelope.timestamp(previous.valid_until),
            },
            handling_code="H0",
            owning_unit="",
            actor=actor,
            identity=old,
        )
        count += 1
    return count


@handle(KEYS_TYPE)
def on_keys(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A partner rotated: its new keys become current, the old ones verify until the overlap ends."""
    body = incoming.body["body"]
    peers.update_keys(
        session,
        peer,
        str(body["signing_key"]),
        str(body["encryption_key"]),
        envelope.parse_timestamp(str(body["previous_valid_until"])),
        f"node:{peer.node_id}",
    )
