"""Key rotation with overlap: new keys are announced to every partner in a message signed with the
old ones, which the partner trusts; until the overlap ends both verify on either side."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.exchange import envelope, outbox, peers
from liaison.exchange.handlers import handle
from liaison.exchange.keys import Identity
from liaison.exchange.models import IncomingEnvelope, Peer

KEYS_TYPE = "node.keys"


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
