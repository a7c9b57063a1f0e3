"""Exchange between two nodes on loopback (issue 13): throughput end to end, a 10,000-message
backlog drained after an outage, a 50 MB attachment delivered intact, and the same composed
through the API on A's server with that process's peak memory measured.

Node B is a real `liaison serve` process with its own home and database; node A's database is
its own too, and its delivery worker runs in this process so the drain is timed exactly. Every
message is signed, encrypted, persisted on both sides and receipted (a signed receipt, checked and
stored by A). The messages are pings that ask for no answer.

    python bench/exchange.py [--messages 2000] [--backlog 10000] [--attachment-mb 50]
                             [--backend sqlite|postgresql] [--write]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from bench.harness import write_section  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from tests.conftest import make_account  # noqa: E402
from tests.exchange.conftest import Node, make_node, pair, postgres_url  # noqa: E402

from liaison.core.db import unit_of_work  # noqa: E402
from liaison.core.settings import get_settings  # noqa: E402
from liaison.exchange import evidence, outbox, peers, receiver  # noqa: E402
from liaison.exchange.envelope import Attachment  # noqa: E402
from liaison.exchange.models import IncomingEnvelope, OutgoingEnvelope  # noqa: E402
from liaison.exchange.worker import Worker  # noqa: E402

SECTION = "## Exchange"


def _ping(n: int, attachments: tuple[Attachment, ...] = ()) -> outbox.Outgoing:
    return outbox.Outgoing(
        type=evidence.PING_TYPE,
        body={"n": n, "text": "Request for information on case 2026/114.", "answer": False},
        handling_code="H1",
        owning_unit="international-cooperation",
        actor="bench",
        attachments=attachments,
    )


def enqueue(node: Node, count: int, attachments: tuple[Attachment, ...] = ()) -> float:
    """Seconds to queue `count` pings on `node` for node-b, 500 per transaction with
    `outbox.enqueue_batch` (one flush and one audit event per transaction)."""
    began = time.perf_counter()
    left = count
    while left:
        with unit_of_work(node.engine()) as session:
            peer = peers.get(session, "node-b")
            items = [_ping(n, attachments) for n in range(min(500, left))]
            outbox.enqueue_batch(session, peer=peer, items=items, identity=node.identity)
        left -= min(500, left)
    return time.perf_counter() - began


def enqueue_one_by_one(node: Node, count: int) -> float:
    """The reference: `outbox.enqueue` per message (one flush and one audit event each), 500 per
    transaction, as the bench measured before the batch existed."""
    began = time.perf_counter()
    with unit_of_work(node.engine()) as session:
        peer = peers.get(session, "node-b")
        for n in range(count):
            outbox.enqueue(session, peer=peer, identity=node.identity, **vars(_ping(n)))
    return time.perf_counter() - began


def note(results: list[str], row: str) -> None:
    """Keep a row of the table and show it at once (a later step may fail on a loaded machine)."""
    results.append(row)
    print(row, flush=True)


def drain(node: Node) -> tuple[float, int]:
    """Seconds for A's worker to settle everything queued, and how many it settled."""
    worker = Worker(node.engine(), node.home)
    began = time.perf_counter()
    settled = worker.run(once=True)
    elapsed = time.perf_counter() - began
    worker.close()
    return elapsed, settled


def peak_kib(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc")


def upload_through_api(node: Node, content: bytes) -> tuple[float, int, int]:
    """Compose one message with `content` attached through the node's API: seconds for the answer,
    how much the server's peak memory grew and to what (KiB)."""
    officer = make_account(node.engine(), "officer", "bench.officer", unit="international-cooperation")
    with unit_of_work(node.engine()) as session:
        peer_id = peers.get(session, "node-b").id
    assert node.process is not None
    httpx.get(node.url + "/api/v1/exchange/messages", headers=officer.headers).raise_for_status()
    before = peak_kib(node.process.pid)
    began = time.perf_counter()
    answer = httpx.post(
        node.url + "/api/v1/exchange/messages/with-attachments",
        data={"peer_id": str(peer_id), "subject": "Case file 2026/114"},
        files=[("attachment", ("case-file.bin", content, "application/octet-stream"))],
        headers=officer.headers,
        timeout=300,
    )
    elapsed = time.perf_counter() - began
    assert answer.status_code == 201, answer.text[:300]
    after = peak_kib(node.process.pid)
    return elapsed, after - before, after


def queued(node: Node) -> int:
    with unit_of_work(node.engine()) as session:
        return int(
            session.scalar(
                select(func.count()).select_from(OutgoingEnvelope).where(OutgoingEnvelope.state == "queued")
            )
            or 0
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--attachment-mb", type=int, default=50)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--batch", type=int, default=500, help="Envelopes per batch the worker sends.")
    parser.add_argument("--write", action="store_true", help="Replace the section in docs/benchmarks.md.")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="liaison-bench-exchange-") as folder:
        tmp = Path(folder)
        cluster = None
        urls = ["", ""]
        if args.backend == "postgresql":
            from tests.conftest import start_postgres

            cluster = start_postgres()
            from sqlalchemy import create_engine, text

            from liaison.core.db import make_engine
            from liaison.core.migrate import upgrade

            admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text("CREATE DATABASE liaison_template"))
            admin.dispose()
            template = make_engine(cluster.url("liaison_template"))
            upgrade(template)
            template.dispose()
            urls = [postgres_url(cluster), postgres_url(cluster)]
        off = {"LIAISON_EXCHANGE_WORKER": "false", "LIAISON_EXCHANGE_BATCH": str(args.batch)}
        os.environ["LIAISON_EXCHANGE_BATCH"] = str(args.batch)
        get_settings.cache_clear()
        a = make_node("node-a", tmp, urls[0], off)
        b = make_node("node-b", tmp, urls[1], off)
        pair(a, b)
        b.start()
        try:
            results = []
            # 0. the reference: queuing one envelope at a time
            reference = min(500, args.messages)
            one_by_one_s = enqueue_one_by_one(a, reference)
            drain(a)
            note(
                results,
                f"| reference: {reference:,} messages queued one `enqueue` at a time | queued in "
                f"{one_by_one_s:.1f} s ({reference / one_by_one_s:,.0f}/s) | |",
            )
            # 1. throughput end to end
            queue_s = enqueue(a, args.messages)
            drain_s, settled = drain(a)
            assert settled == args.messages and queued(a) == 0, (settled, queued(a))
            end_to_end = args.messages / (queue_s + drain_s)
            note(
                results,
                f"| {args.messages:,} messages end to end | queued in {queue_s:.1f} s "
                f"({args.messages / queue_s:,.0f}/s), delivered and receipted in {drain_s:.1f} s "
                f"({args.messages / drain_s:,.0f}/s) | **{end_to_end:,.0f} msg/s** |",
            )
            # 2. a backlog built while B is down, drained once it is back
            b.stop()
            enqueue(a, args.backlog)
            b.start()
            backlog_s, settled = drain(a)
            assert settled == args.backlog and queued(a) == 0, (settled, queued(a))
            note(
                results,
                f"| {args.backlog:,}-message backlog after an outage | drained in **{backlog_s:.1f} s** "
                f"({args.backlog / backlog_s:,.0f}/s) | limit 60 s |",
            )
            # 3. one large attachment, checked byte for byte on B
            content = os.urandom(args.attachment_mb * 1_048_576)
            queue_s = enqueue(a, 1, (Attachment("evidence.bin", content),))
            attachment_s, settled = drain(a)
            with unit_of_work(b.engine()) as session:
                incoming = session.scalars(
                    select(IncomingEnvelope).order_by(IncomingEnvelope.id.desc())
                ).first()
                assert incoming is not None
                _, _, received = receiver.attachment(session, b.identity, incoming, 0)
            assert received == content, "the attachment arrived changed"
            note(
                results,
                f"| {args.attachment_mb} MB attachment ({-(-len(content) // 524288)} chunks) | queued "
                f"(encrypted) in {queue_s:.1f} s, delivered in **{attachment_s:.1f} s**, identical on B | |",
            )
            # 4. the same size composed through the API on A's server: its memory, and it arrives
            a.start()
            upload_s, grown_kib, hwm_kib = upload_through_api(a, content)
            a.stop()
            _, settled = drain(a)
            assert settled >= 1 and queued(a) == 0, (settled, queued(a))
            note(
                results,
                f"| {args.attachment_mb} MB attachment composed through `POST /api/v1/exchange/messages/"
                f"with-attachments` | answered in {upload_s:.1f} s; the server's peak memory grew by "
                f"**{grown_kib / 1024:,.0f} MiB** (to {hwm_kib / 1024:,.0f} MiB, VmHWM); delivered | |",
            )
        finally:
            b.close()
            a.close()
            if cluster is not None:
                cluster.stop()

    load_after = os.getloadavg()[0]
    table = "\n".join(results)
    command = (
        f"python bench/exchange.py --messages {args.messages} --backlog {args.backlog} "
        f"--attachment-mb {args.attachment_mb} --backend {args.backend} --write"
    )
    markdown = f"""{SECTION}

`{command}`
on the 2-core, 24 GiB machine shared with other work; node B is a `liaison serve` process on
{args.backend}, node A's worker runs in the script, both over HTTP on loopback. Each message is
signed (Ed25519), encrypted (X25519 Box), stored in A's log in its transaction, checked and applied
on B in one transaction per batch of {get_settings().exchange_batch}, answered with a signed receipt
that A checks and stores with the evidence (pings that ask for no answer: the receipt is the answer).
Load average (1 minute) {load_before:.1f} at the start, {load_after:.1f} at the end.

| what | measured | result |
|---|---|---|
{table}
"""
    print(markdown)
    if args.write:
        write_section(SECTION, markdown)


if __name__ == "__main__":
    main()
