"""Demo exchange data: two partner nodes (Russia's MVD, verified; Kazakhstan's anti-corruption
agency, waiting for its fingerprints to be compared), messages sent and one waiting for a
supervisor, and a note verbale in the correspondence log.

The partners' public keys are generated here and their private halves thrown away: a demo node
queues messages for them that no real node will ever read. Sending needs this node's own keys;
a demo node without them gets demo keys (`demo-node`), which `liaison node rotate` replaces.
Loading twice adds nothing (the partner node `ru-mvd` marks the demo as loaded).
"""

from __future__ import annotations

from datetime import date

from nacl.encoding import HexEncoder
from nacl.public import PrivateKey
from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.security.policy import SystemActor
from liaison.exchange import correspondence, dispatch, keys, messages
from liaison.exchange.message_schemas import CorrespondenceIn, MessageIn
from liaison.exchange.models import Cursor, Peer
from liaison.registry.models import Agency

UNIT = "international-cooperation"
OFFICER = SystemActor(username="demo.officer", role="officer", unit=UNIT)
SUPERVISOR = SystemActor(username="demo.supervisor", role="supervisor", unit=UNIT)


def _peer(session: Session, node_id: str, agency_ref: str, verified: bool) -> Peer:
    peer = Peer(
        node_id=node_id,
        agency_id=session.scalar(select(Agency.id).where(Agency.ref == agency_ref)),
        base_url=f"https://{node_id}.invalid",
        signing_key=SigningKey.generate().verify_key.encode(HexEncoder).decode(),
        encryption_key=PrivateKey.generate().public_key.encode(HexEncoder).decode(),
        fingerprint_verified=verified,
        status="active",
    )
    session.add(peer)
    session.flush()
    session.add(Cursor(peer_id=peer.id, last_sequence=0, last_acked=0, last_received=0))
    return peer


def load(session: Session, actor: str) -> None:
    if session.scalar(select(Peer.id).where(Peer.node_id == "ru-mvd")) is not None:
        return
    if not keys.exists():
        keys.init("demo-node")
    russia = _peer(session, "ru-mvd", "ru-mvd", verified=True)
    _peer(session, "kz-aca", "kz-anti-corruption-agency", verified=False)
    messages.compose(
        session, OFFICER,
        MessageIn(peer_id=russia.id, subject="Agenda of the working group on cybercrime",
                  body="We propose to meet in Hà Nội in the second week of April.", handling_code="H1"),
    )  # fmt: skip
    travel = messages.compose(
        session, OFFICER,
        MessageIn(peer_id=russia.id, subject="Travel pattern of a person sought",
                  body="Flights Hà Nội - Moscow every second month since 2024.", handling_code="H2",
                  evaluation="B2"),
    )  # fmt: skip
    if travel.dispatch_id is not None:
        dispatch.approve(session, SUPERVISOR, travel.dispatch_id, "Shared under the cooperation plan.")
    messages.compose(
        session, OFFICER,
        MessageIn(peer_id=russia.id, subject="Subscriber data of a telephone number",
                  body="Please identify the subscriber of +7 900 000 00 00.", handling_code="H2",
                  evaluation="C3"),
    )  # fmt: skip
    ours = session.scalar(select(Agency.id).where(Agency.ref == "vn-mps"))
    theirs = session.scalar(select(Agency.id).where(Agency.ref == "ru-mvd"))
    if ours is not None and theirs is not None:
        correspondence.record(
            session, OFFICER,
            CorrespondenceIn(direction="in", kind="note_verbale", reference="1204/MVD-2025",
                             dated=date(2025, 3, 3), from_agency_id=theirs, to_agency_id=ours,
                             subject="Proposal for the next meeting of the working group"),
        )  # fmt: skip
