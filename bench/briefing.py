"""Briefing benchmark: the partner briefing for one partner with many engagements, requests and
persons sought, as a page (facts gathered through the gate, HTML rendered) and as a PDF.

    .venv/bin/python bench/briefing.py  # 10,000 engagements, 50,000 requests, 1,000 persons sought
    .venv/bin/python bench/briefing.py --engagements 1000 --requests 5000 --subjects 100 --calls 3

Steps, on SQLite (and `--backend postgresql|both` on a throw-away PostgreSQL): migrate; add the
home agency and the partner (Russia's MIA) with two programmes of 11 action items; generate from a
fixed seed `--engagements` engagements with the partner (two commitments each, a fifth of them
open), `--requests` requests with it (every kind, both directions, a tenth H2 of another unit,
deadlines around the meeting date so that some are overdue) and `--subjects` persons sought
believed to be in Russia (one notice each, a tenth H3 of another unit), bulk-inserted with Core.
Then time, each in its own transaction as an officer, `build_briefing` plus rendering the page's
HTML, and the whole PDF export (`export_briefing`, WeasyPrint included). Targets: page < 1 s,
PDF < 5 s. Writes the `## Briefing` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text

from harness import database_backends, percentile, timed, write_section
from liaison.core.migrate import upgrade
from liaison.core.security.policy import SystemActor
from liaison.engagements.models import Commitment, Engagement, EngagementAgency
from liaison.registry.models import ActionItem, Agency, Programme, ProgrammeParty
from liaison.reports.briefing import build_briefing
from liaison.reports.briefing_documents import export_briefing
from liaison.requests import service as requests
from liaison.requests.models import CooperationRequest
from liaison.subjects.models import Notice, Subject
from liaison.web.rendering import environment

SECTION = "## Briefing"
SEED = 20231031
UNIT = "international-cooperation"
OFFICER = SystemActor(username="bench.officer", role="officer", unit=UNIT)
MEETING = date(2026, 12, 9)
BATCH = 20_000


def _insert(connection: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(table), rows[start : start + BATCH])


def generate(engine: Engine, args: argparse.Namespace, rng: random.Random) -> int:
    """The partner's data; returns the partner agency's id."""
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with engine.begin() as connection:
        home = connection.execute(
            insert(Agency).values(
                name="Ministry of Public Security", name_key="mps", kind="interior", country_code="VN"
            )
        ).inserted_primary_key[0]
        mia = connection.execute(
            insert(Agency).values(
                name="Ministry of Internal Affairs of the Russian Federation",
                name_key="mia",
                kind="interior",
                country_code="RU",
                acronym="MVD",
            )
        ).inserted_primary_key[0]
        for start, status in ((2022, "active"), (2025, "preparing")):
            programme = connection.execute(
                insert(Programme).values(
                    title=f"Coordinated Action Program {start}–{start + 2}",
                    title_key=f"cap {start}",
                    start_year=start,
                    end_year=start + 2,
                    status=status,
                )
            ).inserted_primary_key[0]
            connection.execute(insert(ProgrammeParty).values(programme_id=programme, agency_id=mia))
            _insert(
                connection,
                ActionItem.__table__,
                [
                    {
                        "programme_id": programme,
                        "text": f"Action item {n}",
                        "status": rng.choice(["open", "done"]),
                    }
                    for n in range(11)
                ],
            )
        first = connection.execute(text("SELECT coalesce(max(id), 0) FROM engagement")).scalar_one() + 1
        engagements = [
            {
                "id": first + n,
                "kind": "talks",
                "title": f"Talks {n}",
                "held_on": date(2000, 1, 1) + timedelta(days=rng.randint(0, 9800)),
                "country_code": "RU",
            }
            for n in range(args.engagements)
        ]
        _insert(connection, Engagement.__table__, engagements)
        _insert(
            connection,
            EngagementAgency.__table__,
            [{"engagement_id": e["id"], "agency_id": mia} for e in engagements],
        )
        _insert(
            connection,
            Commitment.__table__,
            [
                {
                    "engagement_id": e["id"],
                    "text": f"Commitment {k} of {e['title']}",
                    "kind": "agreed",
                    "status": "open" if rng.random() < 0.2 else "done",
                }
                for e in engagements
                for k in range(2)
            ],
        )
        kinds = list(requests.kinds().kinds)
        rows = []
        for number in range(args.requests):
            direction = rng.choice(["outgoing", "incoming"])
            opened = now - timedelta(days=rng.randint(1, 1400))
            is_open = rng.random() < 0.5
            restricted = rng.random() < 0.1
            rows.append(
                {
                    "kind": rng.choice(kinds),
                    "direction": direction,
                    "status": "submitted" if is_open else "closed",
                    "title": f"Request {number}",
                    "requesting_agency_id": home if direction == "outgoing" else mia,
                    "requested_agency_id": mia if direction == "outgoing" else home,
                    "partner_agency_id": mia,
                    "partner_country_code": "RU",
                    "request_date": opened.date(),
                    "opened_at": opened,
                    "responded_at": opened + timedelta(days=rng.randint(1, 90)) if not is_open else None,
                    "closed_at": opened + timedelta(days=120) if not is_open else None,
                    "next_due_at": now + timedelta(days=rng.randint(-200, 60)) if is_open else None,
                    "owning_unit": "special-unit" if restricted else UNIT,
                    "handling_code": "H2" if restricted else "H0",
                }
            )
        _insert(connection, CooperationRequest.__table__, rows)
        first = connection.execute(text("SELECT coalesce(max(id), 0) FROM subject")).scalar_one() + 1
        subjects = [
            {
                "id": first + n,
                "primary_name": f"Person Sought {n}",
                "status": "sought",
                "believed_country": "RU",
                "owning_unit": "special-unit" if n % 10 == 0 else UNIT,
                "handling_code": "H3" if n % 10 == 0 else "H0",
            }
            for n in range(args.subjects)
        ]
        _insert(connection, Subject.__table__, subjects)
        _insert(
            connection,
            Notice.__table__,
            [{"subject_id": s["id"], "kind": "locate", "reference": f"N-{s['id']}"} for s in subjects],
        )
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return int(mia)


def run_backend(
    label: str, engine: Engine, args: argparse.Namespace
) -> list[tuple[str, list[float], list[float], str]]:
    print(f"{label}: migrating and generating", flush=True)
    upgrade(engine)
    began = time.perf_counter()
    mia = generate(engine, args, random.Random(SEED))
    print(f"  generated in {time.perf_counter() - began:.0f} s", flush=True)
    template = environment().get_template("reports/briefing_print.html")
    facts: dict[str, int] = {}
    cpu: dict[str, list[float]] = {"page": [], "pdf": []}

    def page(session: Any) -> None:
        began = time.process_time()
        briefing = build_briefing(session, OFFICER, "RU", agency_id=mia, meeting_on=MEETING)
        html = template.render(briefing=briefing, link_base="")
        facts.update(
            html_kb=len(html) // 1024,
            requests=briefing.requests["total"] if briefing.requests else 0,
            persons=len(briefing.persons_sought or []),
        )
        cpu["page"].append((time.process_time() - began) * 1000)

    def pdf(session: Any) -> None:
        began = time.process_time()
        briefing = build_briefing(session, OFFICER, "RU", agency_id=mia, meeting_on=MEETING)
        facts["pdf_kb"] = len(export_briefing(session, OFFICER, briefing, "pdf").content) // 1024
        cpu["pdf"].append((time.process_time() - began) * 1000)

    timed(engine, page, 1)  # warm the caches (templates, fonts)
    cpu["page"].clear()
    page_timings = timed(engine, page, args.calls)
    pdf_timings = timed(engine, pdf, args.calls)
    note = (
        f"{facts['requests']:,} requests readable, {facts['persons']:,} persons sought shown, "
        f"page {facts['html_kb']:,} KiB, PDF {facts['pdf_kb']:,} KiB"
    )
    print(f"  {note}", flush=True)
    return [
        ("page (facts + HTML)", page_timings, cpu["page"], note),
        ("PDF (facts + WeasyPrint)", pdf_timings, cpu["pdf"], note),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--subjects", type=int, default=1_000)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    rows = []
    with database_backends(args.backend, "briefing") as engines:
        for label, engine in engines:
            for operation, timings, cpu, note in run_backend(label, engine, args):
                rows.append((label, operation, timings, cpu, note))
    table = [
        "| backend | operation | median ms | p95 ms | max ms | CPU median ms | calls |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for label, operation, timings, cpu, _ in rows:
        table.append(
            f"| {label} | {operation} | {statistics.median(timings):,.0f} | {percentile(timings, 0.95):,.0f} "
            f"| {max(timings):,.0f} | {statistics.median(cpu):,.0f} | {len(timings)} |"
        )
    markdown = "\n".join(
        [
            SECTION,
            "",
            f"`bench/briefing.py --engagements {args.engagements} --requests {args.requests} "
            f"--subjects {args.subjects} --calls {args.calls}` on {os.cpu_count()} cores (load average "
            f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end), "
            f"{datetime.now(UTC):%Y-%m-%d}. "
            "The briefing for Russia's MIA as an officer (the gate hides "
            f"a tenth of the requests and persons sought). {rows[0][4] if rows else ''}. Targets at "
            "10,000 engagements, 50,000 requests and 1,000 persons sought: page < 1 s, PDF < 5 s. "
            "CPU is the process's own CPU time for the call: on a shared machine the wall clock "
            "also counts the time spent waiting for a core.",
            "",
            *table,
            "",
            *(
                [
                    "Reduced size: the full size has not been run on this shared machine. Most of the PDF's "
                    "time is WeasyPrint's layout of its tables (about a second a page under this load).",
                    "",
                ]
                if args.requests < 50_000
                else []
            ),
        ]
    )
    print(markdown)
    write_section(SECTION, markdown)


if __name__ == "__main__":
    main()
