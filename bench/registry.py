"""Registry benchmark: list, filter and search engagements and commitments at volume.

    .venv/bin/python bench/registry.py                       # 100,000 engagements, 500,000 commitments
    .venv/bin/python bench/registry.py --engagements 5000 --quick

Steps, on SQLite and on a throw-away PostgreSQL cluster (the tests' `start_postgres`): migrate a
fresh database; generate from a fixed seed `--engagements` engagements (kinds, dates 2000–2025,
60 partner countries, 2 agencies each, crime areas, titles naming agencies and officials in
Vietnamese, Russian and Latin) with their search keys, and five commitments per engagement,
bulk-inserted with Core `executemany`; then time `--queries` calls of each operation through the
service functions the API calls (`list_engagements`, `list_commitments`, `search`), each call in its
own transaction, with its total count as the API returns it. Target: p95 under 50 ms.
Writes the `## Registry` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text

from harness import database_backends, percentile, timed, write_section
from liaison.core.db import unit_of_work, utcnow
from liaison.core.migrate import upgrade
from liaison.core.security.policy import SystemActor
from liaison.engagements import service as engagements
from liaison.engagements.models import Commitment, Engagement, EngagementAgency
from liaison.names.fold import fold
from liaison.registry import name_search
from liaison.registry.models import NAME_LENGTH, Agency, SearchEntry

SECTION = "## Registry"
ACTOR = SystemActor(username="bench")
SEED = 20250226

COUNTRIES = [
    "RU",
    "SG",
    "KZ",
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
    "NZ",
    "GB",
    "FR",
    "DE",
    "US",
    "CA",
    "IT",
    "ES",
    "NL",
    "BE",
    "CH",
    "AT",
    "SE",
    "NO",
    "FI",
    "DK",
    "PL",
    "CZ",
    "HU",
    "RO",
    "BG",
    "UA",
    "BY",
    "UZ",
    "KG",
    "TJ",
    "TM",
    "MN",
    "IR",
    "TR",
    "IL",
    "EG",
    "ZA",
    "NG",
    "KE",
    "BR",
    "AR",
    "MX",
    "CL",
    "PE",
    "CO",
    "CU",
    "VE",
    "AE",
]
KINDS = [
    "talks",
    "reception",
    "working_session",
    "visit",
    "conference",
    "training_course",
    "delegation_exchange",
]
AREAS = [
    "terrorism",
    "drug_trafficking",
    "trafficking_in_persons",
    "money_laundering",
    "cybercrime",
    "corruption",
    "telecommunications_fraud",
    "high_tech_crime",
    "illegal_immigration",
    "economic_crime",
]
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Phan",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Lương",
    "Tô",
    "Иванов",
    "Петров",
    "Колокольцев",
    "Смирнов",
    "Kim",
    "Tan",
    "Wang",
    "Chen",
    "Smith",
    "Dubois",
]
MIDDLE = ["Văn", "Thị", "Đình", "Tam", "Minh", "Quốc", "Hữu", "Ngọc", "Владимир", "Сергей", "Jian", "Kim"]
GIVEN = [
    "Quang",
    "An",
    "Hoa",
    "Trạc",
    "Hùng",
    "Lan",
    "Александрович",
    "Петрович",
    "Askhat",
    "Aubeck",
    "Xiaohong",
    "Yixin",
    "Hourn",
    "Olga",
    "Pierre",
    "Sơn",
]
SUBJECTS = [
    "crime prevention",
    "extradition",
    "cybercrime cooperation",
    "drug control",
    "border security",
    "anti-corruption",
    "asset recovery",
    "training",
    "information exchange",
    "phòng chống tội phạm",
]


def suffix_keys(entity: str, entity_id: int, form: str) -> list[dict[str, Any]]:
    words = fold(form).split()
    return [
        {
            "entity": entity,
            "entity_id": entity_id,
            "key": " ".join(words[i:])[:NAME_LENGTH],
            "form": form[:NAME_LENGTH],
        }
        for i in range(len(words))
    ]


def generate(engine: Engine, count: int, per_engagement: int, rng: random.Random) -> dict[str, Any]:
    """Bulk-insert agencies, engagements (with agencies and search keys) and commitments."""
    now = utcnow()
    with unit_of_work(engine) as session:
        home = "Bộ Công an"
        agencies = [
            {
                "name": home,
                "name_key": fold(home),
                "kind": "interior",
                "country_code": "VN",
                "acronym": "MPS",
                "notes": "",
                "created_at": now,
                "updated_at": now,
            }
        ]
        for number, code in enumerate(COUNTRIES):
            for kind in ("police", "interior", "justice"):
                name = f"{kind.title()} agency {number}"
                agencies.append(
                    {
                        "name": name,
                        "name_key": fold(name),
                        "kind": kind,
                        "country_code": code,
                        "acronym": "",
                        "notes": "",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        session.execute(insert(Agency), agencies)
        agency_ids = [row[0] for row in session.execute(text("SELECT id FROM agency ORDER BY id"))]
    home_id, agency_ids = agency_ids[0], agency_ids[1:]
    by_country = {code: agency_ids[i * 3 : i * 3 + 3] for i, code in enumerate(COUNTRIES)}
    start, span = date(2000, 1, 1), (date(2025, 12, 31) - date(2000, 1, 1)).days
    names: list[str] = []
    batch = 10_000
    for first in range(1, count + 1, batch):
        engagement_rows, agency_rows, key_rows, commitment_rows = [], [], [], []
        for engagement_id in range(first, min(first + batch, count + 1)):
            country = rng.choice(COUNTRIES)
            person = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            names.append(person)
            title = f"{person} on {rng.choice(SUBJECTS)} ({country} {engagement_id})"
            engagement_rows.append(
                {
                    "id": engagement_id,
                    "kind": rng.choice(KINDS),
                    "title": title,
                    "held_on": start + timedelta(days=rng.randrange(span)),
                    "date_note": "",
                    "place": "Hà Nội",
                    "country_code": country,
                    "crime_areas": rng.sample(AREAS, 2),
                    "summary": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            agency_rows += [
                {"engagement_id": engagement_id, "agency_id": by_country[country][0]},
                {"engagement_id": engagement_id, "agency_id": home_id},
            ]
            key_rows += suffix_keys("engagement", engagement_id, title)
            for _ in range(per_engagement):
                commitment_rows.append(
                    {
                        "engagement_id": engagement_id,
                        "country_code": country,
                        "text": f"Commitment on {rng.choice(SUBJECTS)}",
                        "kind": rng.choice(["agreed", "proposed", "urged", "pledged", "requested"]),
                        "status": rng.choices(["open", "in_progress", "done", "dropped"], [3, 2, 4, 1])[0],
                        "owner_agency_id": by_country[country][1],
                        "due_date": start + timedelta(days=rng.randrange(span + 900)),
                        "crime_areas": [],
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        with engine.begin() as connection:  # Core executemany: no ORM bookkeeping per row
            for model, rows in (
                (Engagement, engagement_rows),
                (EngagementAgency, agency_rows),
                (SearchEntry, key_rows),
                (Commitment, commitment_rows),
            ):
                connection.execute(insert(model.__table__), rows)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT setval('engagement_id_seq', (SELECT max(id) FROM engagement))"))
    # What autovacuum would do after a bulk load: statistics, and the visibility map for index-only scans.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return {"names": names}


def operations(count: int, names: list[str], rng: random.Random) -> dict[str, Callable[[Any], Any]]:
    def any_name() -> str:
        """What people type: mostly a full name, sometimes the last two words, now and then one word."""
        words = fold(rng.choice(names)).split()
        keep = rng.choices([len(words), 2, 1], [7, 2, 1])[0]
        return " ".join(words[-keep:])

    return {
        "list engagements, newest first, random page": lambda s: engagements.list_engagements(
            s, ACTOR, limit=50, offset=rng.randrange(0, 2000, 50)
        ),
        "filter engagements by country + kind + years": lambda s: engagements.list_engagements(
            s,
            ACTOR,
            country=rng.choice(COUNTRIES),
            kind=rng.choice(KINDS),
            date_from=date(rng.randrange(2000, 2020), 1, 1),
            date_to=date(2025, 12, 31),
            limit=50,
        ),
        "filter open commitments of a country, by due date": lambda s: engagements.list_commitments(
            s, ACTOR, status="open", country=rng.choice(COUNTRIES), sort="due", limit=50
        ),
        "commitments of one engagement": lambda s: engagements.list_commitments(
            s, ACTOR, engagement_id=rng.randrange(1, count + 1), limit=50
        ),
        "search box: any form of a name": lambda s: name_search.search(s, ACTOR, any_name(), 20),
        "engagements whose title matches a name": lambda s: engagements.list_engagements(
            s, ACTOR, q=any_name(), limit=50
        ),
    }


def run_backend(label: str, engine: Engine, args: argparse.Namespace) -> list[tuple[str, str, list[float]]]:
    rng = random.Random(SEED)
    upgrade(engine)
    began = time.perf_counter()
    generated = generate(engine, args.engagements, args.per_engagement, rng)
    load_seconds = time.perf_counter() - began
    print(
        f"{label}: generated {args.engagements:,} engagements, {args.engagements * args.per_engagement:,} "
        f"commitments in {load_seconds:.1f} s"
    )
    rows = [(label, "bulk load (s)", [load_seconds * 1000])]
    for name, operation in operations(args.engagements, generated["names"], rng).items():
        timed(engine, operation, 5)  # warm the caches
        rows.append((label, name, timed(engine, operation, args.queries)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engagements", type=int, default=100_000)
    parser.add_argument("--per-engagement", type=int, default=5, help="commitments per engagement")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="print only; do not touch docs/benchmarks.md")
    args = parser.parse_args()

    load_at_start = os.getloadavg()[0]
    results: list[tuple[str, str, list[float]]] = []
    with database_backends(args.backend, "registry") as engines:
        for label, engine in engines:
            results += run_backend(label, engine, args)

    cores = os.cpu_count() or 1
    lines = [
        SECTION,
        "",
        f"`.venv/bin/python bench/registry.py --engagements {args.engagements}` — "
        f"{args.engagements:,} engagements, {args.engagements * args.per_engagement:,} commitments, "
        f"generated from seed {SEED}; {args.queries} calls of each operation through the service "
        f"functions (one transaction each, with the total count); {cores} CPU cores, "
        f"load average {load_at_start:.1f} at the start. "
        "Target: p95 under 50 ms.",
        "",
        "| backend | operation | median ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|",
    ]
    for backend, name, timings in results:
        if name == "bulk load (s)":
            lines.append(f"| {backend} | bulk load of the generated data | {timings[0] / 1000:.1f} s | | |")
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
