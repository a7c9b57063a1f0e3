"""Cooperation report benchmark: the annual report (every partner, and one partner) over
1,000,000 requests, through the service the page, the API and `liaison report` call.

    .venv/bin/python bench/cooperation_report.py                      # 1,000,000 requests, both backends
    .venv/bin/python bench/cooperation_report.py --requests 100000 --backend sqlite --quick

Steps, on SQLite and on a throw-away PostgreSQL cluster: migrate, generate the requests exactly as
`bench/cooperation_requests.py` does (same seed: 60 partner agencies in 30 countries, every kind,
both directions, all stages, dates from 2023 to 2026, a tenth H2), then give each opened request
its response clock (the deadline `statistics.response_clock` measures answers against: due 3 to
180 days after opening, met at the answer if there was one), so "answered within the deadline"
and "overdue at the end of the year" read real deadline rows. Then time `cooperation_report` for
2025 as an officer (the gate's handling-code filter applies), for every partner and for one
country, `--runs` times each, each run in its own transaction. Target: the annual report over
1,000,000 requests in under 30 s. Writes the `## Cooperation report` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, text

from cooperation_requests import COUNTRIES, SEED, generate
from harness import on_each_backend, percentile, publish, request_arguments, timed
from liaison.core.migrate import upgrade
from liaison.core.security.policy import SystemActor
from liaison.reports.statistics import cooperation_report, response_clock
from liaison.requests.kinds import request_kinds
from liaison.requests.models import CooperationRequest, RequestDeadline

SECTION = "## Cooperation report"
OFFICER = SystemActor(username="bench.officer", role="officer", unit="international-cooperation")
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
BATCH = 20_000


def add_response_clocks(engine: Engine, rng: random.Random) -> int:
    """One response-clock deadline per opened request, met at its answer when it was answered."""
    vocabulary = request_kinds()
    clocks = {
        (kind, direction): response_clock(vocabulary, kind, direction)
        for kind in vocabulary.kinds
        for direction in ("outgoing", "incoming")
    }
    r = CooperationRequest
    added = 0
    with engine.begin() as connection:
        rows = connection.execute(
            select(r.id, r.kind, r.direction, r.opened_at, r.responded_at, r.closed_at)
            .where(r.opened_at.is_not(None))
            .order_by(r.id)  # the same clocks for the same requests on both backends
        ).all()
        batch: list[dict[str, Any]] = []
        for request_id, kind, direction, opened, responded, closed in rows:
            clock = clocks.get((kind, direction))
            if clock is None:
                continue
            days = rng.choice((3, 7, 30, 60, 90, 180))
            due_at = opened + timedelta(days=days)
            batch.append(
                {
                    "request_id": request_id,
                    "clock": clock,
                    "started_at": opened,
                    "days": days,
                    "day_kind": "calendar",
                    "source": "kind",
                    "due_date": due_at.date(),
                    "due_at": due_at,
                    "met_at": responded,
                    "cancelled_at": closed if responded is None else None,
                }
            )
            if len(batch) == BATCH:
                connection.execute(insert(RequestDeadline.__table__), batch)
                added += len(batch)
                batch.clear()
        if batch:
            connection.execute(insert(RequestDeadline.__table__), batch)
            added += len(batch)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    return added


def run_backend(label: str, engine: Engine, args: argparse.Namespace) -> list[tuple[str, str, list[float]]]:
    print(f"{label}: migrating and generating {args.requests:,} requests", flush=True)
    upgrade(engine)
    rng = random.Random(SEED)
    loaded = generate(engine, args.requests, rng)
    began = time.perf_counter()
    deadlines = add_response_clocks(engine, random.Random(SEED + 2))
    print(f"  {deadlines:,} response clocks in {time.perf_counter() - began:.0f} s", flush=True)
    figures: list[Any] = []

    def overall(session: Any) -> None:
        figures.append(cooperation_report(session, OFFICER, *YEAR))

    def one_partner(session: Any) -> None:
        cooperation_report(session, OFFICER, *YEAR, partner="RU")

    overall_timings = timed(engine, overall, args.runs)
    partner_timings = timed(engine, one_partner, args.runs)
    totals = figures[-1].totals
    print(
        f"  2025: {totals.requests_opened:,} opened, {totals.requests_answered:,} answered "
        f"({totals.within_deadline_share:.0%} within the deadline), {totals.requests_overdue:,} overdue",
        flush=True,
    )
    return [
        (label, "bulk load (s)", [loaded["seconds"] * 1000]),
        (label, "annual report, every partner", overall_timings),
        (label, "annual report, one country (RU)", partner_timings),
    ]


def main() -> None:
    args = request_arguments(__doc__ or "", runs=5)
    results, load_before = on_each_backend(args, "report", run_backend)
    lines = [
        SECTION,
        "",
        f"`.venv/bin/python bench/cooperation_report.py --requests {args.requests} "
        f"--backend {args.backend} --runs {args.runs}` — {args.requests:,} requests across "
        f"{len(COUNTRIES) * 2} partner agencies (seed {SEED}), each opened one with its response "
        f"clock; the 2025 report as an officer, {args.runs} runs each, one transaction each; "
        f"{os.cpu_count() or 1} CPU cores. Target: the annual report over 1,000,000 requests in "
        f"under 30 s. Load average {load_before:.1f} at the start and {os.getloadavg()[0]:.1f} "
        "at the end.",
        "",
        "| backend | operation | median s | p95 s | max s |",
        "|---|---|---:|---:|---:|",
    ]
    for backend, name, timings in results:
        seconds = [t / 1000 for t in timings]
        if name == "bulk load (s)":
            lines.append(f"| {backend} | bulk load of the generated requests | {seconds[0]:.0f} | | |")
            continue
        lines.append(
            f"| {backend} | {name} | {statistics.median(seconds):.2f} | {percentile(seconds, 0.95):.2f} "
            f"| {max(seconds):.2f} |"
        )
    if args.requests < 1_000_000:
        below = f"Run at {args.requests:,} requests, below the target's 1,000,000: not a measure of it."
        lines += ["", below]
    publish(SECTION, lines, args.quick)


if __name__ == "__main__":
    main()
