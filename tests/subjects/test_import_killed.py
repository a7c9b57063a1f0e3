"""An import killed with SIGKILL midway leaves whole batches only, and running it again finishes
the job without duplicates: the real CLI in a subprocess, on a real SQLite file."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from liaison.core import audit
from liaison.core.db import unit_of_work
from liaison.subjects.models import Subject, SubjectName, SubjectNameKey
from tests.subjects.factories import ftm_person, write_jsonl

TOTAL, BATCH = 8_000, 200


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table)) or 0


def _run_cli(database: str, path: Path, home: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": f"sqlite:///{database}",
        "LIAISON_HOME": str(home),
        "LIAISON_SECRET_KEY": "test-secret-key-not-for-production",
    }
    liaison = str(Path(sys.executable).parent / "liaison")
    command = [liaison, "subjects", "import", str(path), "--format", "ftm", "--batch-size", str(BATCH)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_import_killed_midway_keeps_whole_batches_and_can_run_again(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    records = [
        r for i in range(TOTAL) for r in ftm_person(f"k-{i}", [f"Person Number{i} Test"], birth_date=None)
    ]
    path = write_jsonl(tmp_path / "big.jsonl", records)
    database = sqlite_engine.url.database
    assert database

    process = _run_cli(database, path, tmp_path)
    # (the import first loads the given-name tables its search keys read: seconds, a minute on a busy machine)
    deadline = time.monotonic() + 180
    while _count(sqlite_engine, Subject) < 3 * BATCH:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the import did not commit three batches in time"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    stored = _count(sqlite_engine, Subject)
    assert 0 < stored < TOTAL, "killed too late to test anything"
    assert stored % BATCH == 0, "a batch was half stored"
    assert _count(sqlite_engine, SubjectName) == stored
    with sqlite_engine.connect() as connection:
        orphans = connection.scalar(
            text("SELECT count(*) FROM subject WHERE id NOT IN (SELECT subject_id FROM subject_name_key)")
        )
    assert orphans == 0

    again = _run_cli(database, path, tmp_path)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert f"created {TOTAL - stored}, updated {stored}, rejected 0" in out
    assert re.search(rf"{TOTAL}/{TOTAL} [\d,]+ records/s \d:\d\d:\d\d 0:00:00 left", err), (
        err
    )  # rate, time left
    assert _count(sqlite_engine, Subject) == TOTAL
    assert _count(sqlite_engine, SubjectName) == TOTAL
    assert _count(sqlite_engine, SubjectNameKey) > TOTAL
    with unit_of_work(sqlite_engine) as session:
        assert audit.verify_chain(session).is_intact
