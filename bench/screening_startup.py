"""Screening start-up benchmark: a server's start from the saved index against a fresh build.

    .venv/bin/python bench/screening_startup.py                  # 100,000 subjects, writes docs/benchmarks.md
    .venv/bin/python bench/screening_startup.py --subjects 5000 --quick

Steps: generate `--subjects` persons sought with `screening_data.make_subjects` (the subjects of
`bench/screening.py`, same seed: names in many scripts, aliases, dates, documents) and write them
into a fresh, migrated SQLite database in a data folder of its own (plain inserts into the
subjects' tables: this is about start-up, not import). Then, each in a new process as `liaison
serve` starts (given-name tables not preloaded, to time the index alone), run screening's real
start-up (`startup.start`) until `/readyz` would answer (`startup.ready`):

1. without a saved index: build from the database, then save `screening-index.bin`;
2. with it: load it (HMAC checked, then unpickled);
3. with it, after `--changes` persons sought were added through the subjects service while no
   server ran: load it, then apply those changes from the change log before ready.

Reports seconds to ready, the file's size, each process's RSS growth, and what the load spends
(reading and checking the HMAC against unpickling). Writes the `## Screening: start-up from the
saved index` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert

from harness import publish
from liaison.core.db import make_engine, unit_of_work
from liaison.core.migrate import upgrade
from liaison.screening.dates import parse_partial_date
from liaison.subjects.models import (
    Subject,
    SubjectBirthDate,
    SubjectDocument,
    SubjectName,
    SubjectNationality,
)
from screening_data import make_subjects

SECTION = "## Screening: start-up from the saved index"
ROWS = 5000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fill(url: str, count: int) -> int:
    """Write `count` generated persons sought into the subjects' tables; how many names."""
    engine = make_engine(url)
    upgrade(engine)
    subjects = make_subjects(count)
    names = 0
    seen: set[str] = set()
    with engine.begin() as connection:
        for start in range(0, len(subjects), ROWS):
            chunk = subjects[start : start + ROWS]
            connection.execute(
                insert(Subject),
                [
                    {"id": s.id, "primary_name": s.names[0][:300], "status": "sought", "gender": s.gender}
                    for s in chunk
                ],
            )
            rows = [
                {"subject_id": s.id, "full_name": n[:300], "script": "", "kind": "alias" if k else "primary"}
                for s in chunk
                for k, n in enumerate(s.names)
            ]
            names += len(rows)
            connection.execute(insert(SubjectName), rows)
            dates = []
            for s in chunk:
                parsed = parse_partial_date(s.birth_date) if s.birth_date else None
                if parsed:
                    year_to = parsed.year_to or parsed.year
                    precision = "day" if len(s.birth_date or "") == 10 else "year"
                    dates.append(
                        {
                            "subject_id": s.id,
                            "value": s.birth_date,
                            "precision": precision,
                            "year_from": parsed.year,
                            "year_to": year_to,
                        }
                    )
            if dates:
                connection.execute(insert(SubjectBirthDate), dates)
            connection.execute(
                insert(SubjectNationality), [{"subject_id": s.id, "country": s.nationality} for s in chunk]
            )
            documents = []
            for s in chunk:  # a number generated twice is one document (the table says so)
                if s.document and s.document not in seen:
                    seen.add(s.document)
                    documents.append(
                        {
                            "subject_id": s.id,
                            "kind": "passport",
                            "number": s.document,
                            "number_key": s.document,
                        }
                    )
            if documents:
                connection.execute(insert(SubjectDocument), documents)
    engine.dispose()
    return names


def add_through_the_service(count: int) -> None:
    """`count` persons sought added as the API adds them (each writes a change-log row)."""
    from liaison import capabilities
    from liaison.core.security.policy import SystemActor
    from liaison.core.settings import get_settings
    from liaison.subjects.schemas import NameIn, SubjectIn
    from liaison.subjects.service import create_subject

    capabilities.install(capabilities.enabled(get_settings().capabilities))
    engine = make_engine(get_settings().resolved_database_url)
    actor = SystemActor(username="bench", role="admin")
    for number in range(count):
        with unit_of_work(engine) as session:
            create_subject(session, actor, SubjectIn(names=[NameIn(full_name=f"Lê Văn Mới {number}")]))
    engine.dispose()


def start_once() -> dict[str, float | str]:
    """Screening's start-up in this process, until ready; what it took."""
    from fastapi import FastAPI

    from liaison.core.settings import get_settings
    from liaison.screening import persisted, startup

    settings = get_settings()
    engine = make_engine(settings.resolved_database_url)
    app = FastAPI()
    app.state.settings, app.state.engine = settings, engine
    gc.collect()
    before = rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    startup.start(app)
    started_seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    while startup.ready(app) is not None:
        time.sleep(0.01)
    ready_seconds = time.perf_counter() - started
    result: dict[str, float | str] = {
        "source": app.state.screening_index_source,
        "start_seconds": started_seconds,
        "start_cpu_seconds": cpu_seconds,  # this process's CPU: what a quiet machine's wall time would be
        "ready_seconds": ready_seconds,
        "rss_mb": rss_mb() - before,
        "subjects": len(app.state.screening_index),
    }
    path = persisted.path_in(settings.home)
    result["file_mb"] = path.stat().st_size / 1e6
    began = time.perf_counter()
    _, payload = persisted.read_header(path, persisted.mac_key(settings.resolved_secret_key()))
    result["read_and_hmac_seconds"] = time.perf_counter() - began
    began, cpu_began = time.perf_counter(), time.process_time()
    persisted._unpickled(payload)  # the same load again, unpickling alone
    result["unpickle_seconds"] = time.perf_counter() - began
    result["unpickle_cpu_seconds"] = time.process_time() - cpu_began
    began = time.perf_counter()
    persisted.save(
        app.state.screening_index,
        app.state.screening_follower.applied,
        path.with_name("timing-save.bin"),
        persisted.mac_key(settings.resolved_secret_key()),
        database=persisted.database_identity(engine),
    )
    result["save_seconds"] = time.perf_counter() - began
    path.with_name("timing-save.bin").unlink()
    app.state.screening_follower.stop()
    return result


def in_new_process(step: str) -> dict[str, float | str]:
    done = subprocess.run(
        [sys.executable, __file__, "--step", step], check=True, capture_output=True, text=True, env=os.environ
    )
    result: dict[str, float | str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=100, help="persons sought added between two starts")
    parser.add_argument("--quick", action="store_true", help="print only; do not touch docs/benchmarks.md")
    parser.add_argument("--step", choices=["start", "add"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "start":
        print(json.dumps(start_once()))
        return
    if args.step == "add":
        add_through_the_service(args.changes)
        print("{}")
        return

    with tempfile.TemporaryDirectory(prefix="liaison-bench-startup-") as folder:
        os.environ.update(
            LIAISON_HOME=folder,
            LIAISON_DATABASE_URL=f"sqlite:///{folder}/liaison.db",
            LIAISON_SECRET_KEY="bench-secret-key",
            LIAISON_SCREENING_PRELOAD_NAMES="0",
            LIAISON_SCREENING_PERSIST_INDEX="1",
        )
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        names = fill(os.environ["LIAISON_DATABASE_URL"], args.subjects)
        print(f"{args.subjects:,} subjects, {names:,} names written in {time.perf_counter() - began:.0f} s")
        built = in_new_process("start")
        print("without a saved index:", built, flush=True)
        loaded = in_new_process("start")
        print("with it:", loaded, flush=True)
        subprocess.run(
            [sys.executable, __file__, "--step", "add", "--changes", str(args.changes)],
            check=True,
            capture_output=True,
            env=os.environ,
        )
        caught_up = in_new_process("start")
        print(f"with it, after {args.changes} changes:", caught_up, flush=True)
    assert built["source"] == "built" and loaded["source"] == caught_up["source"] == "loaded"

    def row(label: str, result: dict[str, float | str]) -> str:
        return (
            f"| {label} | {float(result['ready_seconds']):.1f} s | "
            f"{float(result['start_cpu_seconds']):.1f} s | {float(result['rss_mb']):.0f} MB |"
        )

    when = datetime.now(UTC).strftime("%d %B %Y")
    lines = [
        SECTION,
        "",
        f"`bench/screening_startup.py --subjects {args.subjects}` ({when}; {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {load_before:.1f} before): {args.subjects:,} subjects "
        f"with {names:,} names (the generator of `bench/screening.py`) in SQLite; each start in a new "
        "process, screening's own start-up (`startup.start`, given-name tables not preloaded) until "
        "`/readyz` would answer.",
        "",
        "| start | to ready (wall) | CPU of the start | process RSS growth |",
        "|---|---|---|---|",
        row("fresh build from the database, then save", built),
        row("from the saved index", loaded),
        row(f"from the saved index, {args.changes} persons sought added since", caught_up),
        "",
        "| saved index | value |",
        "|---|---|",
        f"| file size | {float(built['file_mb']):.0f} MB |",
        f"| save (pickle, write, fsync, rename) | {float(built['save_seconds']):.1f} s |",
        f"| of the load: read the file and check its HMAC | {float(loaded['read_and_hmac_seconds']):.2f} s |",
        f"| of the load: unpickling (wall / CPU) | {float(loaded['unpickle_seconds']):.1f} s / "
        f"{float(loaded['unpickle_cpu_seconds']):.1f} s |",
    ]
    publish(SECTION, lines, args.quick)


if __name__ == "__main__":
    main()
