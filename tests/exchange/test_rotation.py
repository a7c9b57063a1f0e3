"""Key rotation with overlap: the new keys travel signed by the old ones; both verify until the
overlap ends, then only the new ones. Two databases, the receiver's checks called directly."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Engine, select

from liaison.core.db import make_engine, unit_of_work, utcnow
from liaison.core.security.policy import CLI_ACTOR
from liaison.exchange import keys, outbox, peers, receiver, rotation
from liaison.exchange.models import OutgoingEnvelope, Peer


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


def queue(engine: Engine, identity: keys.Identity, type: str = "no.such.type") -> None:
    with unit_of_work(engine) as session:
        outbox.enqueue(
            session,
            peer=peers.get(session, "node-b"),
            type=type,
            body={},
            handling_code="H0",
            owning_unit="",
            actor="test",
            identity=identity,
        )


def deliver(a: Engine, b: Engine, b_identity: keys.Identity, since: int) -> list[str]:
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
        peer_id = peers.get(session, "node-a").id
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
    new = keys.rotate(7, home=a_home)
    assert new.signing_public != old.signing_public
    assert receiver.stamp_identity(new).signing_public == old.signing_public  # receipts and calls: old key
    with unit_of_work(a) as session:
        assert rotation.announce(session, new, "test") == 1  # 2: the new keys, signed with the old
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
    new = keys.rotate(7, home=tmp_path / "ha")
    queue(a, new)  # the partner has not heard of the new key yet
    assert deliver(a, b, b_identity, 0) == ["bad_signature"]
    with unit_of_work(b) as session:
        assert session.scalar(select(Peer.signing_key).where(Peer.node_id == "node-a")) == old.signing_public
