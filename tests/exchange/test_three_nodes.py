"""Three node processes: node A (SQLite) writes to two partners, B and C (PostgreSQL), each on a log
of its own. A partner that is offline does not hold up the other; when it comes back it catches up
on what was queued for it, gap-free, and each partner gets only its own messages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from liaison.core.db import unit_of_work
from liaison.exchange.models import Evidence, IncomingEnvelope, OutgoingEnvelope, Peer
from tests.exchange.conftest import MIXED, Node, paired_nodes, wait_for
from tests.exchange.test_delivery import count, send_pings
from tests.exchange.test_faults import incoming_sequences

MESSAGES = 50  # to each partner
CATCH_UP = 180.0  # s: a start on a loaded CI machine, and the sender's backoff towards the partner


def received(node: Node) -> set[str]:
    with unit_of_work(node.engine()) as session:
        return set(session.scalars(select(IncomingEnvelope.message_id)))


def accepted_by(sender: Node, partner: str) -> int:
    return count(
        sender,
        select(func.count())
        .select_from(OutgoingEnvelope)
        .join(Peer, Peer.id == OutgoingEnvelope.peer_id)
        .where(Peer.node_id == partner, OutgoingEnvelope.state == "accepted"),
    )


def test_a_partner_offline_holds_up_no_other_and_catches_up_gap_free(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    names = ("node-a", "node-b", "node-c")
    tmp = tmp_path_factory.mktemp("three")
    with paired_nodes(MIXED, names, request, tmp, start=False) as (a, b, c):
        a.start()
        b.start()  # C is offline
        to_b = send_pings(a, "node-b", MESSAGES)
        to_c = send_pings(a, "node-c", MESSAGES)
        wait_for(lambda: accepted_by(a, "node-b") == MESSAGES, timeout=CATCH_UP)
        assert accepted_by(a, "node-c") == 0
        assert received(b) == set(to_b)  # none of C's messages went to B

        c.start()
        wait_for(lambda: accepted_by(a, "node-c") == MESSAGES, timeout=CATCH_UP)
        assert received(c) == set(to_c)
        assert incoming_sequences(b) == incoming_sequences(c) == list(range(1, MESSAGES + 1))
        # both partners' answers travel back: each ping's chain on A ends answered
        answered = select(func.count()).select_from(Evidence).where(Evidence.stage == "answered")
        wait_for(lambda: count(a, answered) == 2 * MESSAGES, timeout=CATCH_UP)
