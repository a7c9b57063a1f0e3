"""Delivery between two real node processes over HTTP on loopback: receipts, evidence, faults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from liaison.core.db import unit_of_work
from liaison.exchange import evidence, outbox, peers
from liaison.exchange.models import Evidence, IncomingEnvelope, OutgoingEnvelope
from tests.exchange.conftest import Node, wait_for


def send_pings(node: Node, to: str, count: int) -> list[str]:
    """Queue `count` pings from `node` to its peer `to`, in one transaction, as the business would."""
    identity = node.identity
    with unit_of_work(node.engine()) as session:
        peer = peers.get(session, to)
        return [
            outbox.enqueue(
                session,
                peer=peer,
                type=evidence.PING_TYPE,
                body={"n": n},
                handling_code="H1",
                owning_unit="international-cooperation",
                actor="officer",
                identity=identity,
            ).message_id
            for n in range(count)
        ]


def count(node: Node, statement: Any) -> int:
    with unit_of_work(node.engine()) as session:
        return int(session.scalar(statement) or 0)


def accepted(node: Node) -> int:
    return count(
        node, select(func.count()).select_from(OutgoingEnvelope).where(OutgoingEnvelope.state == "accepted")
    )


def test_pings_are_accepted_receipted_and_answered(sqlite_node_pair: tuple[Node, Node]) -> None:
    a, b = sqlite_node_pair
    ids = send_pings(a, "node-b", 5)
    wait_for(lambda: accepted(a) == 5)
    wait_for(
        lambda: count(a, select(func.count()).select_from(Evidence).where(Evidence.stage == "answered")) == 5
    )
    with unit_of_work(a.engine()) as session:
        stages = [entry.stage for entry in evidence.chain(session, ids[0])]
    assert stages == ["submitted", "accepted", "delivered", "answered"]
    assert count(b, select(func.count()).select_from(IncomingEnvelope)) == 5
