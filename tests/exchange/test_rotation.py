"""Key rotation with overlap: the new keys travel signed by the old ones; both verify until the
overlap ends, then only the new ones; a partner away past the overlap still catches up. Two
databases with the receiver's checks called directly, then two real node processes."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Engine, func, select

from liaison.core.db import make_engine, unit_of_work, utcnow
from liaison.core.security.policy import CLI_ACTOR
from liaison.exchange import evidence, keys, outbox, peers, receiver, rotation
from liaison.exchange.models import Evidence, OutgoingEnvelope, Peer
from liaison.exchange.worker import Worker
from tests.exchange.conftest import Node, wait_for
from tests.exchange.test_delivery import count, send_pings


@pytest.fixture
def two_databases(sqlite_template: Path, tmp_path: Path) -> tuple[Engine, Engine]:
    engines = []
    for name in ("a", "b"):
        shutil.copy(sqlite_template, tmp_path / f"{name}.db")
        engines.append(make_engine(f"sqlite:///{tmp_path / name}.db"))
    return engines[0], engines[1]


def introduce(engine: Engine, partner: keys.Identity) -> None:
    with unit_of_work(engine) as session:
        peers.add(
            session,
            CLI_ACTOR,
            node_id=partner.node_id,
            base_url="http://127.0.0.1:9",
            signing_key=partner.signing_public,
            encryption_key=partner.encryption_public,
        )
        peers.verify(session, CLI_ACTOR, partner.node_id)


def queue(
    engine: Engine, identity: keys.Identity, type: str = "no.such.type", recipient: str = "node-b"
) -> None:
    with unit_of_work(engine) as session:
        outbox.enqueue(
            session,
            peer=peers.get(session, recipient),
            type=type,
            body={"answer": False},
            handling_code="H0",
            owning_unit="",
            actor="test",
            identity=identity,
        )


def deliver(a: Engine, b: Engine, b_identity: keys.Identity, since: int, sender: str = "node-a") -> list[str]:
    """Hand A's envelopes after `since` to B's receiver: the reason of each receipt."""
    with unit_of_work(a) as session:
        rows = session.scalars(
            select(OutgoingEnvelope)
            .where(OutgoingEnvelope.sequence > since)
            .order_by(OutgoingEnvelope.sequence)
        ).all()
        items = [
            {
                "header": receiver.b64(r.header),
                "signature": receiver.b64(r.signature),
                "body": receiver.b64(r.ciphertext),
            }
            for r in rows
        ]
    with unit_of_work(b) as session:
        peer_id = peers.get(session, sender).id
    receipts = receiver.receive_batch(b, b_identity, peer_id, items)
    return [envelope_reason(r) for r in receipts]


def envelope_reason(signed: dict[str, str]) -> str:
    document = orjson.loads(receiver.unb64(signed["receipt"]))
    return str(document["reason"] or document["status"])


def test_rotated_keys_are_announced_signed_by_the_old_and_both_verify_during_the_overlap(
    two_databases: tuple[Engine, Engine], tmp_path: Path
) -> None:
    a, b = two_databases
    a_home, b_home = tmp_path / "home-a", tmp_path / "home-b"
    old, b_identity = keys.init("node-a", home=a_home), keys.init("node-b", home=b_home)
    introduce(a, b_identity)
    introduce(b, old)
    queue(a, old)  # 1: signed with the old key
    with unit_of_work(a) as session:
        new, announced = rotation.rotate(
            session, 7, "test", home=a_home
        )  # 2: the new keys, signed with the old
    assert announced == 1 and new.signing_public != old.signing_public
    assert keys.load(a_home) == new
    queue(a, new)  # 3: signed with the new key
    # "no.such.type" is refused only after the signature passed: unknown_type, not bad_signature
    assert deliver(a, b, b_identity, 0) == ["unknown_type", "accepted", "unknown_type"]
    with unit_of_work(b) as session:
        peer = peers.get(session, "node-a")
        assert (peer.signing_key, peer.previous_signing_key) == (new.signing_public, old.signing_public)
        assert peer.previous_valid_until is not None and peer.previous_valid_until > utcnow() + timedelta(
            days=6
        )
        assert receiver.peer_signing_keys(peer) == [new.signing_public, old.signing_public]
        peer.previous_valid_until = utcnow() - timedelta(seconds=1)  # the overlap is over
    old_only = keys.Identity(old.node_id, old.agency, old.signing, old.encryption)
    queue(a, old_only)  # 4: signed with the old key after the overlap
    assert deliver(a, b, b_identity, 3) == ["bad_signature"]


def test_a_key_signed_before_its_announcement_is_refused(
    two_databases: tuple[Engine, Engine], tmp_path: Path
) -> None:
    a, b = two_databases
    old, b_identity = keys.init("node-a", home=tmp_path / "ha"), keys.init("node-b", home=tmp_path / "hb")
    introduce(a, b_identity)
    introduce(b, old)
    new = keys.rotated(old, 7)
    queue(a, new)  # the partner has not heard of the new key yet
    assert deliver(a, b, b_identity, 0) == ["bad_signature"]
    with unit_of_work(b) as session:
        assert session.scalar(select(Peer.signing_key).where(Peer.node_id == "node-a")) == old.signing_public


def previous_signing_keys(identity: keys.Identity) -> list[str]:
    return [keys.Identity("", "", p.signing, p.encryption).signing_public for p in identity.previous]


def test_a_partner_away_past_the_overlap_still_learns_the_new_keys_and_nothing_is_lost(
    two_databases: tuple[Engine, Engine], tmp_path: Path
) -> None:
    """Overlap 0 and B away: A signs for B with the keys B knows until B has acknowledged the
    announcement; envelopes sealed again after the long wait keep the keys they were sealed with;
    what B sealed for A's old key while away still opens on A."""
    a, b = two_databases
    a_home = tmp_path / "home-a"
    old, b_identity = keys.init("node-a", home=a_home), keys.init("node-b", home=tmp_path / "home-b")
    introduce(a, b_identity)
    introduce(b, old)
    queue(a, old)  # 1: before the rotation
    queue(b, b_identity, evidence.PING_TYPE, recipient="node-a")  # sealed for A's old key
    with unit_of_work(a) as session:
        new, _ = rotation.rotate(session, 0, "test", home=a_home)  # 2: the overlap is over at once
    queue(a, new)  # 3
    with unit_of_work(a) as session:
        b_id = peers.get(session, "node-b").id
        # calls and receipts for B: the old keys, although their overlap is over
        assert rotation.known_identity(session, new, b_id).signing_public == old.signing_public
        # a second rotation while B is away keeps them
        kept = keys.rotated(new, 0, set(rotation.unacknowledged_keys(session)))
        assert previous_signing_keys(kept) == [new.signing_public, old.signing_public]
    with unit_of_work(a) as session:  # B was away long enough for A to seal the whole log again
        rows = [
            (r.id, r.header)
            for r in session.scalars(select(OutgoingEnvelope).order_by(OutgoingEnvelope.sequence))
        ]
        worker = Worker(a, a_home)
        try:
            worker._restamp(session, b_id, rows, utcnow())
        finally:
            worker.close()
    assert deliver(a, b, b_identity, 0) == ["unknown_type", "accepted", "unknown_type"]
    with unit_of_work(b) as session:
        assert peers.get(session, "node-a").signing_key == new.signing_public
    assert deliver(b, a, keys.load(a_home), 0, sender="node-b") == ["accepted"]  # opened with the old key
    with unit_of_work(a) as session:  # what A's worker does with B's receipt for the announcement
        for row in session.scalars(
            select(OutgoingEnvelope).where(OutgoingEnvelope.type == rotation.KEYS_TYPE)
        ):
            row.state = "accepted"
    with unit_of_work(a) as session:
        assert rotation.known_identity(session, new, b_id) == new
        dropped = keys.rotated(new, 0, set(rotation.unacknowledged_keys(session)))
        assert previous_signing_keys(dropped) == [new.signing_public]


def pings(node: Node, state: str) -> int:
    return count(
        node,
        select(func.count())
        .select_from(OutgoingEnvelope)
        .where(OutgoingEnvelope.type == evidence.PING_TYPE, OutgoingEnvelope.state == state),
    )


def test_a_node_rotated_with_no_overlap_while_its_partner_was_down_is_still_heard(
    sqlite_node_pair: tuple[Node, Node],
) -> None:
    """`liaison node rotate --overlap-days 0` on A while B's server is down, pings before and
    after: once B is back every ping is accepted and answered, B knows A's new keys, and A's later
    calls, signed with them, go through."""
    a, b = sqlite_node_pair
    old = a.identity
    b.stop()
    send_pings(a, "node-b", 3)
    a.cli("node", "rotate", "--overlap-days", "0")
    new = a.identity
    assert new.signing_public != old.signing_public
    send_pings(a, "node-b", 3)  # sealed with the new keys, after the announcement
    b.start()
    wait_for(lambda: pings(a, "accepted") == 6)
    wait_for(
        lambda: count(a, select(func.count()).select_from(Evidence).where(Evidence.stage == "answered")) == 6
    )
    with unit_of_work(b.engine()) as session:
        assert peers.get(session, "node-a").signing_key == new.signing_public
    with unit_of_work(a.engine()) as session:
        assert rotation.known_identity(session, new, peers.get(session, "node-b").id) == new
    send_pings(a, "node-b", 2)
    wait_for(lambda: pings(a, "accepted") == 8)
    assert pings(a, "rejected") == 0
