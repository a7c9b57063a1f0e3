"""Batch runs in a worker process of their own, on SQLite and PostgreSQL: a run survives a worker
killed with SIGKILL (the next worker resumes it, neither skipping nor repeating records), a run
whose worker fell silent is queued again once and then failed with the reason, uploads are deleted
once screened and after the retention period, and `liaison screen` killed midway leaves no hits
file. Every outcome is in the audit trail."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.core.db import unit_of_work, utcnow
from liaison.core.models import AuditEvent
from liaison.core.settings import get_settings
from liaison.screening.models import ScreenedRecord, ScreeningRun
from liaison.screening.worker import MAX_ATTEMPTS, Worker, uploads
from tests.conftest import Account, make_account
from tests.screening.factories import RESTRICTED_BORN, restricted_subject

HIT_EVERY = 500


def travellers(rows: int) -> bytes:
    """`rows` travellers; every HIT_EVERY-th is the restricted subject, the others nobody sought."""
    lines = ["record_id,name,birth_date"]
    for n in range(rows):
        name = "PHAM VAN DONG" if n % HIT_EVERY == 0 else f"Traveller Number {n}"
        lines.append(f"T{n},{name},{RESTRICTED_BORN if n % HIT_EVERY == 0 else '1980-01-01'}")
    return ("\n".join(lines) + "\n").encode()


def queue_run(client: TestClient, who: Account, content: bytes) -> int:
    posted = client.post("/api/v1/screening/runs", files={"file": ("arrivals.csv", content, "text/csv")},
                         headers=who.headers)  # fmt: skip
    assert posted.status_code == 202, posted.text
    assert posted.json()["status"] == "queued"
    return int(posted.json()["id"])


def run_of(engine: Engine, run_id: int) -> ScreeningRun:
    with unit_of_work(engine) as session:
        run = session.get_one(ScreeningRun, run_id)
        session.expunge(run)
        return run


def environment(engine: Engine, **settings: str) -> dict[str, str]:
    url = engine.url.render_as_string(hide_password=False)
    named = {f"LIAISON_{key.upper()}": value for key, value in settings.items()}
    return {**os.environ, "LIAISON_DATABASE_URL": url, **named}


def liaison(*arguments: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "liaison", *arguments], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def wait_for(condition: object, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def audit_details(engine: Engine, action: str, run_id: int) -> list[str]:
    with unit_of_work(engine) as session:
        return list(session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == action, AuditEvent.object_id == str(run_id),
                                            AuditEvent.object_type == "screening_run").order_by(AuditEvent.id)
        ))  # fmt: skip


@pytest.fixture
def owner(engine: Engine) -> Account:
    restricted_subject(engine)
    return make_account(engine, "analyst", unit="border")


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_a_run_survives_a_worker_killed_midway_and_the_next_worker_completes_it(
    client: TestClient, engine: Engine, owner: Account, workers: list[subprocess.Popen[bytes]]
) -> None:
    rows = 3000
    run_id = queue_run(client, owner, travellers(rows))
    upload = uploads(get_settings().home) / run_of(engine, run_id).upload
    assert upload.is_file()
    env = environment(engine, batch_chunk_rows="20", batch_heartbeat_seconds="0.5", batch_poll_seconds="0.1")

    workers.append(first := liaison("worker", env=env))
    wait_for(lambda: run_of(engine, run_id).records >= 200)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed = run_of(engine, run_id)
    assert killed.status == "running" and 200 <= killed.records < rows  # left behind, mid-file

    workers.append(second := liaison("worker", env=env))  # finds the first one's process gone
    wait_for(lambda: run_of(engine, run_id).status not in ("queued", "running"))
    second.send_signal(signal.SIGTERM)
    assert second.wait(60) == 0
    run = run_of(engine, run_id)
    assert (run.status, run.records, run.total, run.attempts) == ("done", rows, rows, 2), run.detail
    assert run.started_from == killed.records  # the second worker's pace is its own records alone
    with unit_of_work(engine) as session:  # resumed where the first stopped: no record twice, none missed
        query = select(ScreenedRecord.record_id).where(ScreenedRecord.run_id == run_id)
        stored = session.scalars(query).all()
    assert sorted(stored) == sorted(f"T{n}" for n in range(0, rows, HIT_EVERY))
    assert run.hits == rows // HIT_EVERY and not upload.exists()

    (requeued,) = audit_details(engine, "requeue", run_id)
    assert f"after {killed.records} of {rows} records" in requeued and "process ended" in requeued
    (finished,) = audit_details(engine, "screen", run_id)
    assert finished.startswith(f"done: {rows} of {rows} records, {rows // HIT_EVERY} hits")
    hits = client.get(f"/api/v1/screening/runs/{run_id}/hits", headers=owner.headers)
    assert hits.status_code == 200 and hits.text.count("[restricted]") >= rows // HIT_EVERY  # as the owner


def test_a_running_run_shows_its_rate_and_time_left_and_a_run_queued_again_shows_none(
    client: TestClient, engine: Engine, owner: Account, workers: list[subprocess.Popen[bytes]]
) -> None:
    rows = 20_000
    run_id = queue_run(client, owner, travellers(rows))
    env = environment(engine, batch_chunk_rows="20", batch_heartbeat_seconds="0.5", batch_poll_seconds="0.1")
    workers.append(worker := liaison("worker", env=env))
    wait_for(lambda: run_of(engine, run_id).records >= 200)

    shown = client.get(f"/api/v1/screening/runs/{run_id}", headers=owner.headers).json()
    assert shown["status"] == "running" and shown["started_at"] and "started_from" not in shown
    assert shown["rate"] > 0
    assert shown["seconds_left"] == pytest.approx((rows - shown["records"]) / shown["rate"])
    page = client.get(f"/screening/batch/{run_id}/progress", headers=owner.headers).text
    assert f'max="{rows}"' in page and " records a second" in page
    assert re.search(r"about \d+ (second|minute|hour)s? left", page), page

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(60) == 0
    queued = client.get(f"/api/v1/screening/runs/{run_id}", headers=owner.headers).json()
    assert queued["status"] == "queued" and queued["rate"] is None and queued["seconds_left"] is None
    page = client.get(f"/screening/batch/{run_id}/progress", headers=owner.headers).text
    assert "records a second" not in page and "left" not in page


def test_a_run_whose_worker_fell_silent_is_queued_again_once_then_failed_with_the_reason(
    client: TestClient, engine: Engine, owner: Account
) -> None:
    run_id = queue_run(client, owner, travellers(10))
    fresh_id = queue_run(client, owner, travellers(10))
    worker = Worker(engine)
    silent_since = utcnow() - timedelta(seconds=worker.settings.batch_stale_seconds + 5)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with unit_of_work(engine) as session:
            for pk, heartbeat in ((run_id, silent_since), (fresh_id, utcnow())):
                run = session.get_one(ScreeningRun, pk)
                run.status, run.worker, run.heartbeat_at = "running", "elsewhere:1", heartbeat
                run.attempts = attempt
        assert worker.recover() == [run_id]  # the run of a worker still beating is left alone
    run = run_of(engine, run_id)
    assert run.status == "failed" and "stopped (elsewhere:1: silent since" in run.detail
    assert "for the second time" in run.detail and not run.upload
    assert run_of(engine, fresh_id).status == "running"
    assert len(audit_details(engine, "requeue", run_id)) == 1
    (failed,) = audit_details(engine, "screen", run_id)
    assert failed.startswith("failed: 0 of 10 records") and "second time" in failed
    shown = client.get(f"/api/v1/screening/runs/{run_id}", headers=owner.headers).json()
    assert shown["status"] == "failed" and shown["detail"] == run.detail


def test_uploads_are_deleted_after_the_retention_period_and_a_waiting_run_fails_saying_so(
    client: TestClient, engine: Engine, owner: Account
) -> None:
    old_id, recent_id = queue_run(client, owner, travellers(10)), queue_run(client, owner, travellers(10))
    folder = uploads(get_settings().home)
    old, recent = folder / run_of(engine, old_id).upload, folder / run_of(engine, recent_id).upload
    orphan = folder / "upload-left-by-a-killed-server.csv"
    orphan.write_text("name\nSomebody\n")
    worker = Worker(engine, get_settings().model_copy(update={"batch_upload_retention_hours": 2}))
    past = time.time() - 3 * 3600
    for path in (old, orphan):
        os.utime(path, (past, past))
    assert sorted(worker.sweep_uploads()) == sorted([old.name, orphan.name])
    assert not old.exists() and not orphan.exists() and recent.is_file()
    gone = run_of(engine, old_id)
    assert gone.status == "failed" and "deleted after 2 hours" in gone.detail and not gone.upload
    assert run_of(engine, recent_id).status == "queued"
    (purged,) = audit_details(engine, "purge", old_id)
    assert purged == "uploaded file deleted after the retention period (2 h)"
    assert audit_details(engine, "screen", old_id)[0].startswith("failed: 0 of 10 records")


def test_the_command_line_killed_midway_leaves_no_hits_file(engine: Engine, tmp_path: Path) -> None:
    restricted_subject(engine)
    folder = tmp_path / "screening"
    folder.mkdir()
    source, out = folder / "arrivals.csv", folder / "hits.csv"
    source.write_bytes(travellers(200_000))
    command = liaison("screen", str(source), "--out", str(out), "--workers", "1", env=environment(engine))
    try:
        wait_for(lambda: any(folder.glob(".hits.csv.*.partial")) or command.poll() is not None)
        assert command.poll() is None, command.stderr.read() if command.stderr else ""
        command.send_signal(signal.SIGKILL)
        command.wait()
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()
    assert not out.exists()  # only the partial file, whose name says so
    assert [p.name for p in folder.iterdir() if not p.name.endswith(".partial")] == ["arrivals.csv"]
    with unit_of_work(engine) as session:
        query = select(AuditEvent.detail).where(AuditEvent.object_type == "screening_file")
        details = session.scalars(query).all()
        runs = session.scalar(select(func.count()).select_from(ScreeningRun))
    assert len(details) == 1 and details[0].startswith("started: 200000 records, duckdb"), details
    assert runs == 0
