"""Requests benchmark: the overdue list for one partner and creating a request with legal-basis
resolution, with 1,000,000 requests in the database.

    .venv/bin/python bench/cooperation_requests.py  # 1,000,000 requests, both backends
    .venv/bin/python bench/cooperation_requests.py --requests 20000 --quick

Steps, on SQLite and on a throw-away PostgreSQL cluster (the tests' `start_postgres`): migrate a
fresh database; add 60 partner agencies in 30 countries and a home agency, 120 bilateral
agreements (extradition, mutual legal assistance, crime prevention; some terminated, some
amended) and two multilateral conventions; generate from a fixed seed `--requests` requests
(every kind, both directions, all stages, deadlines from 2023 to 2027 so that about a fifth are
overdue) and bulk-insert them with Core `executemany` (deadline rows are not generated: neither
measured operation reads them). Then time, each call in its own transaction through the service
functions the API calls: `overdue_requests` for one partner (first page of 50 with its total,
as an officer, so the handling-code filter applies), and `create_request` for an outgoing
extradition request, which resolves the legal basis from the agreements in force, records the
initial history and audit event, and commits. Targets: overdue p95 < 50 ms, create p95 < 20 ms.
Writes the `## Requests` section of docs/benchmarks.md.
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

from harness import on_each_backend, percentile, request_arguments, timed, write_section
from liaison.core.db import unit_of_work
from liaison.core.migrate import upgrade
from liaison.core.security.policy import SystemActor
from liaison.registry.models import Agency, Agreement, AgreementParty, AgreementStatusChange
from liaison.requests import service
from liaison.requests.models import AgreementCoverage, CooperationRequest
from liaison.requests.schemas import RequestIn

SECTION = "## Requests"
SEED = 20250225
OFFICER = SystemActor(username="bench.officer", role="officer", unit="international-cooperation")
NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
COUNTRIES = [
    "KZ",
    "RU",
    "SG",
    "CN",
    "LA",
    "KH",
    "TH",
    "MY",
    "ID",
    "PH",
    "MM",
    "BN",
    "JP",
    "KR",
    "IN",
    "AU",
    "GB",
    "FR",
    "DE",
    "US",
    "UZ",
    "KG",
    "MN",
    "TR",
    "AE",
    "BY",
    "UA",
    "PL",
    "CZ",
    "IT",
]
STATUSES = {
    "outgoing": ["draft", "submitted", "acknowledged", "granted", "refused", "executed", "closed"],
    "incoming": ["received", "acknowledged", "granted", "refused", "executed", "closed"],
}
AREAS = ["corruption", "drug_trafficking", "cybercrime", "money_laundering", "trafficking_in_persons"]


def _agreements(session: Any, rng: random.Random) -> None:
    for index, country in enumerate(COUNTRIES * 4):
        kind = [
            "extradition",
            "mutual_legal_assistance",
            "crime_prevention",
            "transfer_of_sentenced_persons",
        ][index // len(COUNTRIES)]
        since = date(rng.randint(1995, 2024), rng.randint(1, 12), 1)
        history = [("signed", since - timedelta(days=200)), ("in_force", since)]
        if rng.random() < 0.15:
            history.append(("terminated", since + timedelta(days=rng.randint(100, 6000))))
        elif rng.random() < 0.2:
            history.append(("amended", since + timedelta(days=rng.randint(100, 3000))))
        agreement = Agreement(
            title=f"VN–{country} {kind.replace('_', ' ')} treaty",
            title_key=f"vn {country} {kind}",
            kind=kind,
            status=history[-1][0],
            crime_areas=[],
        )
        agreement.parties = [AgreementParty(country_code="VN"), AgreementParty(country_code=country)]
        agreement.history = [AgreementStatusChange(status=s, effective_on=d) for s, d in history]
        session.add(agreement)
    for title in ("UN Convention against Transnational Organized Crime", "UN Convention against Corruption"):
        convention = Agreement(
            title=title,
            title_key=title.lower(),
            kind="crime_prevention",
            status="in_force",
            is_multilateral=True,
            crime_areas=[],
        )
        convention.parties = [AgreementParty(country_code=c) for c in ["VN", *COUNTRIES]]
        convention.history = [AgreementStatusChange(status="in_force", effective_on=date(2005, 1, 1))]
        session.add(convention)
        session.flush()
        session.add(AgreementCoverage(agreement_id=convention.id, scope="extradition"))


def generate(engine: Engine, count: int, rng: random.Random) -> dict[str, Any]:
    with unit_of_work(engine) as session:
        home = Agency(
            name="Ministry of Public Security",
            name_key="ministry of public security",
            kind="interior",
            country_code="VN",
        )
        session.add(home)
        partners = []
        for country in COUNTRIES:
            for name in ("Police", "Ministry of Justice"):
                agency = Agency(
                    name=f"{name} of {country}",
                    name_key=f"{name} of {country}".lower(),
                    kind="police",
                    country_code=country,
                )
                session.add(agency)
                partners.append(agency)
        _agreements(session, rng)
        session.flush()
        home_id = home.id
        partner_rows = [(a.id, a.country_code) for a in partners]
    kinds = list(service.kinds().kinds)
    table = CooperationRequest.__table__
    batch: list[dict[str, Any]] = []
    started = time.perf_counter()
    with engine.begin() as connection:
        for number in range(count):
            partner_id, country = rng.choice(partner_rows)
            direction = "outgoing" if rng.random() < 0.5 else "incoming"
            status = rng.choice(STATUSES[direction])
            request_day = date(2023, 1, 1) + timedelta(days=rng.randint(0, 1400))
            opened = datetime.combine(request_day, datetime.min.time(), UTC) + timedelta(
                hours=rng.randint(1, 20)
            )
            closed = opened + timedelta(days=rng.randint(5, 200)) if status == "closed" else None
            is_open = status not in ("draft", "closed")
            due = opened + timedelta(days=rng.choice((3, 7, 30, 60, 90, 180))) if is_open else None
            batch.append(
                {
                    "kind": rng.choice(kinds),
                    "direction": direction,
                    "status": status,
                    "title": f"Synthetic request {number}",
                    "requesting_agency_id": home_id if direction == "outgoing" else partner_id,
                    "requested_agency_id": partner_id if direction == "outgoing" else home_id,
                    "partner_agency_id": partner_id,
                    "partner_country_code": country,
                    "our_reference": f"B-{number}",
                    "their_reference": f"T-{number}",
                    "urgency": "urgent" if rng.random() < 0.2 else "standard",
                    "crime_areas": [rng.choice(AREAS)],
                    "facts": "Synthetic benchmark request.",
                    "details": {},
                    "persons": [],
                    "engagement_id": None,
                    "commitment_id": None,
                    "request_date": request_day,
                    "opened_at": opened if status != "draft" else None,
                    "responded_at": opened + timedelta(days=rng.randint(1, 90))
                    if status in ("granted", "refused", "executed", "closed")
                    else None,
                    "closed_at": closed,
                    "legal_basis_agreement_id": None,
                    "legal_basis_is_reciprocity": True,
                    "legal_basis_proposed": [],
                    "legal_basis_overridden": False,
                    "legal_basis_reason": "",
                    "responsible_username": f"officer{rng.randint(1, 40)}",
                    "created_by": "bench",
                    "next_due_at": due,
                    "version": 1,
                    "owning_unit": "international-cooperation",
                    "handling_code": "H0" if rng.random() < 0.9 else "H2",
                    "created_at": opened,
                    "updated_at": opened,
                }
            )
            if len(batch) == 20_000:
                connection.execute(insert(table), batch)
                batch.clear()
                if (number + 1) % 200_000 == 0:
                    print(f"  {number + 1:,} requests in {time.perf_counter() - started:.0f} s", flush=True)
        if batch:
            connection.execute(insert(table), batch)
    if engine.dialect.name == "postgresql":  # what autovacuum does on a live node: statistics, visibility map
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE request"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return {
        "home": home_id,
        "partners": [p for p, _ in partner_rows],
        "seconds": time.perf_counter() - started,
    }


def run_backend(label: str, engine: Engine, args: argparse.Namespace) -> list[tuple[str, str, list[float]]]:
    print(f"{label}: migrating and generating {args.requests:,} requests", flush=True)
    upgrade(engine)
    rng = random.Random(SEED)
    data = generate(engine, args.requests, rng)
    partners = data["partners"]
    queries = random.Random(SEED + 1)
    overdue_sizes: list[int] = []

    def overdue(session: Any) -> None:
        _items, total = service.overdue_requests(
            session, OFFICER, queries.choice(partners), now=NOW, limit=50
        )
        overdue_sizes.append(total)

    def create(session: Any) -> None:
        body = RequestIn(
            kind="extradition",
            direction="outgoing",
            requesting_agency_id=data["home"],
            requested_agency_id=queries.choice(partners),
            title="Benchmark extradition request",
            crime_areas=["corruption"],
            details={"offence": "Fraud", "warrant_reference": "W", "penalty": "10y"},
            request_date=date(2026, 6, 15),
        )
        service.create_request(session, OFFICER, body)

    def reference(session: Any) -> None:
        session.execute(text("SELECT 1"))

    timed(engine, overdue, 20)  # warm the caches
    reference_timings = timed(engine, reference, args.queries)
    overdue_timings = timed(engine, overdue, args.queries)
    create_timings = timed(engine, create, args.queries)
    print(f"  overdue per partner: median {statistics.median(overdue_sizes):,.0f} requests", flush=True)
    return [
        (label, "bulk load (s)", [data["seconds"] * 1000]),
        (label, "reference: an empty transaction (SELECT 1)", reference_timings),
        (label, "overdue list for one partner (first 50 + total)", overdue_timings),
        (label, "create request with legal-basis resolution", create_timings),
    ]


def main() -> None:
    args = request_arguments(__doc__ or "", queries=300)
    results, load_before = on_each_backend(args, "requests", run_backend)

    cores = os.cpu_count() or 1
    lines = [
        SECTION,
        "",
        f"`.venv/bin/python bench/cooperation_requests.py --requests {args.requests}` — "
        f"{args.requests:,} requests "
        f"across {len(COUNTRIES) * 2} partner agencies, generated from seed {SEED}; {args.queries} calls of "
        "each operation "
        f"through the service functions (one transaction each, committed); {cores} CPU cores. "
        "Targets: overdue list p95 < 50 ms, create with legal basis p95 < 20 ms. "
        f"Load average {load_before:.1f} at the start and {os.getloadavg()[0]:.1f} at the end: other work "
        "shared the machine, and the reference row shows what a bare transaction cost meanwhile.",
        "",
        "| backend | operation | median ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|",
    ]
    for backend, name, timings in results:
        if name == "bulk load (s)":
            lines.append(
                f"| {backend} | bulk load of the generated requests | {timings[0] / 1000:.0f} s | | |"
            )
            continue
        lines.append(
            f"| {backend} | {name} | {statistics.median(timings):.1f} | {percentile(timings, 0.95):.1f} "
            f"| {percentile(timings, 0.99):.1f} |"
        )
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.quick:
        write_section(SECTION, table)


if __name__ == "__main__":
    main()
