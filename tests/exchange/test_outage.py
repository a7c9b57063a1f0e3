"""A partner offline for days, with real node processes whose clocks are moved on by `faketime`.

Issue 13, "Tests with real nodes": a partner offline for a simulated day with 10,000 queued
messages, the catch-up time measured; and an outage longer than the freshness window (eight
simulated days against the default 168 hours), after which every step still arrives, exactly once
and gap-free, because the sender seals each queued envelope again before it would go stale. The
envelopes are queued on A while B is stopped; then both node processes start again under
libfaketime with `FAKETIME=+Nd` (`Node.time_shift`), so both clocks moved on by the outage.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.exchange import envelope, evidence, outbox, peers
from liaison.exchange.models import Evidence, IncomingEnvelope, OutgoingEnvelope
from tests.exchange.conftest import Node, paired_nodes, wait_for
from tests.exchange.test_delivery import accepted, count
from tests.exchange.test_faults import answers_queued, incoming_sequences, settled_sequences
from tests.servers import LIBFAKETIME

# real node processes started and stopped several times: one xdist worker holds this module
pytestmark = [
    pytest.mark.xdist_group("exchange-outage"),
    pytest.mark.skipif(not LIBFAKETIME, reason="needs libfaketime (.ci/run installs faketime)"),
]


def queue_pings(node: Node, to: str, how_many: int, answer: bool = True) -> list[str]:
    """`how_many` pings queued on `node` for `to` in one transaction (`enqueue_batch`)."""
    item = outbox.Outgoing(
        evidence.PING_TYPE,
        {"answer": answer},
        handling_code="H1",
        owning_unit="international-cooperation",
        actor="officer",
    )
    with unit_of_work(node.engine()) as session:
        peer = peers.get(session, to)
        queued = outbox.enqueue_batch(session, peer=peer, items=[item] * how_many, identity=node.identity)
        return [outgoing.message_id for outgoing in queued]


def queued(node: Node) -> int:
    return count(
        node, select(func.count()).select_from(OutgoingEnvelope).where(OutgoingEnvelope.state == "queued")
    )


def audited(node: Node, action: str, detail: str = "") -> int:
    return count(
        node,
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.detail.startswith(detail)),
    )


@contextmanager
def outage(
    request: pytest.FixtureRequest,
    tmp: Path,
    backend: str,
    how_many: int,
    answer: bool,
    a_running: bool = True,
    **env: str,
) -> Iterator[tuple[Node, Node, list[str]]]:
    """A and B paired; `how_many` pings queued on A for B, which is down (with `a_running`, A's
    worker tries meanwhile and backs off; then A stops). The test shifts the clocks and starts both."""
    with paired_nodes(backend, ("node-a", "node-b"), request, tmp, start=False) as (a, b):
        for node in (a, b):
            node.extra_env.update(env)
        if a_running:
            a.start()
        sent = queue_pings(a, "node-b", how_many, answer)
        if a_running:
            time.sleep(0.5)  # A's worker finds B down: nothing leaves
            a.stop()
        assert accepted(a) == 0 and queued(a) == how_many
        yield a, b, sent


def start_shifted(shift: str, *nodes: Node) -> None:
    for node in nodes:
        node.time_shift = shift
        node.start()


def assert_each_arrived_once(a: Node, b: Node, sent: list[str]) -> None:
    total = len(sent)
    assert incoming_sequences(b) == list(range(1, total + 1)), "gap-free, each once"
    assert settled_sequences(b) == list(range(1, total + 1))
    with unit_of_work(b.engine()) as session:
        assert set(session.scalars(select(IncomingEnvelope.message_id))) == set(sent)
    assert queued(a) == 0


def test_a_partner_offline_for_a_day_with_10000_queued_messages_catches_up(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    total = 10_000
    # the default batch (the fixtures' 100 keeps small tests quick); pings the receipt answers;
    # A is not started alone first (the other tests show it backing off): one node start fewer
    with outage(request, tmp_path, "sqlite", total, False, a_running=False, LIAISON_EXCHANGE_BATCH="500") as (
        a,
        b,
        sent,
    ):
        started = time.monotonic()
        start_shifted("+1d", b, a)
        began = time.monotonic()
        wait_for(lambda: accepted(a) == total, timeout=120, every=0.05)
        caught_up = time.monotonic() - began
        print(
            f"\n10,000 queued messages after a simulated day offline: caught up in {caught_up:.1f} s "
            f"({total / caught_up:,.0f} msg/s) once both nodes were up ({began - started:.1f} s to start)"
        )
        assert caught_up < 120
        assert_each_arrived_once(a, b, sent)
        with unit_of_work(b.engine()) as session:
            header = session.scalars(select(IncomingEnvelope.header).limit(1)).one()
        assert "queued" not in header, "a day is inside the window: nothing was sealed again"
        assert audited(a, "restamp") == 0


def test_an_outage_longer_than_the_freshness_window_loses_nothing(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Eight simulated days against the default window of 168 hours: every envelope would arrive
    stale; A seals each again before sending, B accepts each once, in order, and answers it."""
    total = 300
    with outage(request, tmp_path, "sqlite+postgresql", total, True) as (a, b, sent):
        with unit_of_work(a.engine()) as session:
            rows = session.execute(select(OutgoingEnvelope.message_id, OutgoingEnvelope.header))
            first_headers: dict[str, bytes] = {row.message_id: row.header for row in rows}
        start_shifted("+8d", b, a)
        wait_for(lambda: accepted(a) == total, timeout=120)
        assert_each_arrived_once(a, b, sent)
        assert audited(b, "refuse") == 0, "none arrived stale: each was sealed again before it left"
        assert audited(a, "restamp") >= 1
        with unit_of_work(b.engine()) as session:
            received = list(session.execute(select(IncomingEnvelope.message_id, IncomingEnvelope.header)))
        for message_id, header in received:
            first = orjson.loads(first_headers[message_id])
            assert header["queued"] == first["created"], "the first queuing is kept, signed"
            assert header["replaces"] == envelope.digest(first_headers[message_id])
            waited = envelope.parse_timestamp(header["created"]) - envelope.parse_timestamp(header["queued"])
            assert timedelta(days=8) <= waited < timedelta(days=8, hours=1)
            assert {k: v for k, v in header.items() if k not in ("created", "queued", "replaces")} == {
                k: v for k, v in first.items() if k != "created"
            }, "the same envelope: id, sequence, keys, body digest"
        # the business step behind each: its handler ran once, and its answer came back to A
        assert answers_queued(b) == total
        wait_for(
            lambda: (
                count(a, select(func.count()).select_from(Evidence).where(Evidence.stage == "answered"))
                == total
            ),
            timeout=60,
        )
        with unit_of_work(a.engine()) as session:
            for message_id in sent[:3]:
                stages = [e.stage for e in evidence.chain(session, message_id)]
                assert stages == ["submitted", "accepted", "delivered", "answered"]


def test_a_stale_receipt_makes_the_sender_seal_the_envelope_again(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """B's window (1 hour) is narrower than A's (168): A sends its three-hour-old envelopes as they
    are, B refuses the first as stale without settling it, A seals it again and it is accepted."""
    total = 20
    with outage(request, tmp_path, "sqlite", total, True) as (a, b, sent):
        b.extra_env["LIAISON_EXCHANGE_FRESHNESS_HOURS"] = "1"
        start_shifted("+3h", b, a)
        wait_for(lambda: accepted(a) == total, timeout=120)
        assert_each_arrived_once(a, b, sent)
        assert audited(b, "refuse", "stale") >= 1, "refused as stale, logged"
        assert audited(a, "restamp") >= 1
        with unit_of_work(b.engine()) as session:
            headers = list(session.scalars(select(IncomingEnvelope.header)))
        assert all("queued" in header for header in headers)
        assert answers_queued(b) == total
