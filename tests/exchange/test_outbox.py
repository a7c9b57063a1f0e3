"""The outgoing log: gap-free sequences in the caller's transaction, refusals with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict, Invalid
from liaison.core.models import AuditEvent
from liaison.core.security.policy import CLI_ACTOR
from liaison.exchange import envelope, keys, outbox, peers
from liaison.exchange.models import Evidence, OutgoingEnvelope, Peer


def make_peer(session: Session, tmp_path: Path, node_id: str = "ru-mia", verified: bool = True) -> Peer:
    partner = keys.init(node_id, home=tmp_path / node_id)
    peer = peers.add(
        session,
        CLI_ACTOR,
        node_id=node_id,
        base_url="http://127.0.0.1:9",
        signing_key=partner.signing_public,
        encryption_key=partner.encryption_public,
    )
    if verified:
        peers.verify(session, CLI_ACTOR, node_id, keys.fingerprint(partner.signing_public))
    return peer


@pytest.fixture
def identity(tmp_path: Path) -> keys.Identity:
    return keys.init("vn-mps", home=tmp_path / "self")


def test_sequences_are_gap_free_per_peer_and_signed(
    engine: Engine, tmp_path: Path, identity: keys.Identity
) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session, tmp_path)
        for n in range(3):
            outbox.enqueue(
                session,
                peer=peer,
                type="message",
                body={"text": f"hello {n}"},
                handling_code="H1",
                owning_unit="international-cooperation",
                actor="officer",
                evaluation="B2",
                identity=identity,
            )
    with unit_of_work(engine) as session:
        rows = list(session.scalars(select(OutgoingEnvelope).order_by(OutgoingEnvelope.sequence)))
        assert [r.sequence for r in rows] == [1, 2, 3]
        assert all(envelope.verify(r.header, r.signature, [identity.signing_public]) for r in rows)
        stages = session.scalars(
            select(Evidence.stage).where(Evidence.message_id == rows[0].message_id)
        ).all()
        assert stages == ["submitted"]
        assert (
            session.scalar(select(AuditEvent).where(AuditEvent.object_id == rows[2].message_id)) is not None
        )


def test_a_rolled_back_business_change_leaves_no_envelope_and_no_gap(
    engine: Engine, tmp_path: Path, identity: keys.Identity
) -> None:
    with unit_of_work(engine) as session:
        peer_id = make_peer(session, tmp_path).id
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        peer = session.get(Peer, peer_id)
        assert peer is not None
        outbox.enqueue(
            session,
            peer=peer,
            type="message",
            body={},
            handling_code="H0",
            owning_unit="",
            actor="a",
            identity=identity,
        )
        raise RuntimeError("the business change failed")
    with unit_of_work(engine) as session:
        peer = session.get(Peer, peer_id)
        assert peer is not None
        sent = outbox.enqueue(
            session,
            peer=peer,
            type="message",
            body={},
            handling_code="H0",
            owning_unit="",
            actor="a",
            identity=identity,
        )
        assert sent.sequence == 1


@pytest.mark.parametrize("status", ["unverified", "suspended", "removed"])
def test_unverified_suspended_and_removed_peers_are_refused_with_the_reason(
    sqlite_engine: Engine, tmp_path: Path, identity: keys.Identity, status: str
) -> None:
    with unit_of_work(sqlite_engine) as session:
        peer = make_peer(session, tmp_path, verified=status != "unverified")
        if status != "unverified":
            peers.set_status(session, CLI_ACTOR, peer.node_id, status, "test")
        with pytest.raises(Conflict) as refused:
            outbox.enqueue(
                session,
                peer=peer,
                type="message",
                body={},
                handling_code="H0",
                owning_unit="",
                actor="a",
                identity=identity,
            )
        assert refused.value.extra["reason"] == f"{status}_peer"
        assert outbox.peer_for_agency(session, 1) is None


def test_a_batch_is_queued_in_one_transaction_with_one_audit_event_and_evidence_for_each(
    engine: Engine, tmp_path: Path, identity: keys.Identity
) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session, tmp_path)
        items = [
            outbox.Outgoing(
                type="message",
                body={"text": f"hello {n}"},
                handling_code="H1",
                owning_unit="international-cooperation",
                actor="officer",
            )
            for n in range(5)
        ]
        sent = outbox.enqueue_batch(session, peer=peer, items=items, identity=identity)
        assert [s.sequence for s in sent] == [1, 2, 3, 4, 5]
    with unit_of_work(engine) as session:
        ids = [s.message_id for s in sent]
        submitted = session.scalars(select(Evidence.message_id).where(Evidence.stage == "submitted")).all()
        assert sorted(submitted) == sorted(ids)
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "exchange_envelope")
        ).all()
        assert [(e.action, e.object_id, e.handling_code) for e in events] == [("send", "ru-mia#1-5", "H1")]
        assert ids[0] in events[0].detail and ids[-1] in events[0].detail


def test_a_batch_with_one_bad_item_queues_nothing(
    sqlite_engine: Engine, tmp_path: Path, identity: keys.Identity
) -> None:
    with unit_of_work(sqlite_engine) as session:
        peer_id = make_peer(session, tmp_path).id
    good = outbox.Outgoing(type="message", body={}, handling_code="H0", owning_unit="", actor="a")
    bad = outbox.Outgoing(
        type="message", body={}, handling_code="H0", owning_unit="", actor="a", evaluation="Z9"
    )
    with pytest.raises(Invalid), unit_of_work(sqlite_engine) as session:
        peer = session.get(Peer, peer_id)
        assert peer is not None
        outbox.enqueue_batch(session, peer=peer, items=[good, bad], identity=identity)
    with unit_of_work(sqlite_engine) as session:
        assert session.scalars(select(OutgoingEnvelope)).all() == []
