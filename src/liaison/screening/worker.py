"""The batch worker: screens queued file runs in a process of its own (`liaison worker`).

A run uploaded from the batch page or `POST /api/v1/screening/runs` is only queued by the server
(`jobs.accept_upload`); a worker claims it, screens it and finishes it, so the API keeps its
latency and a killed server or worker loses no run:

- **Claiming is atomic.** The oldest `queued` run is selected `FOR UPDATE SKIP LOCKED` (PostgreSQL:
  two workers never wait on, nor take, the same run) and taken by an UPDATE guarded by
  `status = 'queued'` (SQLite, where `BEGIN IMMEDIATE` already serialises writers): a run is
  claimed by at most one worker.
- **Progress is exact.** Each chunk's hits and the run's record count are committed together, so
  a run taken over by another worker resumes after the records already screened, neither
  skipping nor repeating any.
- **Heartbeats.** While it screens, a worker writes `heartbeat_at` every
  `LIAISON_BATCH_HEARTBEAT_SECONDS`. A run left `running` is recovered at each worker's start and
  then periodically when its worker is gone: a worker of this machine whose process no longer
  exists, or any worker silent for `LIAISON_BATCH_STALE_SECONDS`. Recovery re-queues it once;
  a run whose worker died twice, or whose upload is gone, is marked failed with the reason.
- **Graceful stop.** On SIGTERM or SIGINT the run being screened is put back in the queue after
  the current chunk (not counted as an attempt).
- **Retention.** A traveller list is deleted as soon as its run is done or failed; any upload
  older than `LIAISON_BATCH_UPLOAD_RETENTION_HOURS` is deleted anyway (a run still queued then
  fails saying so), and so are leftovers of uploads that never became a run.

The worker acts as the run's owner as they were when they started it (`service.Screener`: name,
role and unit, stored on the run), never as an administrator stand-in. Every outcome is audited:
the run's `screen` event with its counts and status, `requeue` when it is taken over, `purge`
when its upload is deleted by the retention rule. Subjects change in the server process, whose
events do not reach this one: the worker builds a fresh index for each run.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import unit_of_work, utcnow
from liaison.core.errors import DomainError
from liaison.core.settings import Settings, get_settings
from liaison.screening import batch, live
from liaison.screening.models import ScreeningRun
from liaison.screening.service import Screener, finish_run, store

log = logging.getLogger(__name__)

WORKER_ACTOR = "worker"  # the audit trail's name for what a worker decides on its own
MAX_ATTEMPTS = 2  # claimed once, re-queued once after its worker died
UPLOADS_FOLDER = "screening"


def uploads(home: Path) -> Path:
    """Where uploaded traveller lists wait for their run (server and worker share the data folder)."""
    return home / UPLOADS_FOLDER


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_gone(worker: str) -> bool:
    """Whether `host:pid` names a worker of this machine whose process no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's live process
        return False
    return False


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives naive UTC back


class Stopping(Exception):
    """The worker was asked to stop: the run goes back to the queue."""


class Lost(Exception):
    """The run is no longer this worker's (another recovered it after a long silence)."""


@dataclass
class Worker:
    engine: Engine
    settings: Settings = field(default_factory=get_settings)
    name: str = field(default_factory=worker_name)

    @property
    def folder(self) -> Path:
        return uploads(self.settings.home)

    # -- the loop ---------------------------------------------------------------------------------

    def serve(self, stop: threading.Event) -> None:
        """Recover, then screen queued runs one after another until `stop` is set."""
        log.info("batch worker %s started", self.name)
        housekeeping = 0.0
        while not stop.is_set():
            if time.monotonic() >= housekeeping:
                self.recover()
                self.sweep_uploads()
                housekeeping = time.monotonic() + self.settings.batch_heartbeat_seconds
            run_id = self.claim()
            if run_id is None:
                stop.wait(self.settings.batch_poll_seconds)
            else:
                self.screen_run(run_id, stop)
        log.info("batch worker %s stopped", self.name)

    def claim(self) -> int | None:
        """Take the oldest queued run, or None; never the same run as another worker."""
        with unit_of_work(self.engine) as session:
            candidate = session.scalar(
                select(ScreeningRun.id)
                .where(ScreeningRun.status == "queued")
                .order_by(ScreeningRun.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if candidate is None:
                return None
            taken = session.execute(
                update(ScreeningRun)
                .where(ScreeningRun.id == candidate, ScreeningRun.status == "queued")
                .values(status="running", worker=self.name, heartbeat_at=utcnow())
                .values(attempts=ScreeningRun.attempts + 1)
            )
            return int(candidate) if taken.rowcount == 1 else None  # type: ignore[attr-defined]

    # -- one run ----------------------------------------------------------------------------------

    def screen_run(self, run_id: int, stop: threading.Event) -> None:
        """Screen a claimed run to its end as its owner; never raises (the run records what went wrong)."""
        with unit_of_work(self.engine) as session:
            run = session.get_one(ScreeningRun, run_id)
            who = Screener(run.actor, run.actor_role, run.actor_unit)
            source, done = self.folder / run.upload, run.records
            threshold = run.threshold  # none given: the weights' own, as the index is built
        beating = threading.Event()
        heart = threading.Thread(target=self._beat, args=(run_id, beating), daemon=True,
                                 name=f"heartbeat-{run_id}")  # fmt: skip
        heart.start()
        try:
            if not source.is_file():
                raise FileNotFoundError(source.name)
            index = live.build_index(self.engine)
            self._started(run_id, done)
            for chunk in batch.read_rows(source, chunk_rows=self.settings.batch_chunk_rows):
                if done >= len(chunk):  # screened before this worker took the run over
                    done -= len(chunk)
                    continue
                rows, done = chunk[done:], 0
                if stop.is_set():
                    raise Stopping
                screened = index.screen_records(batch.to_records(rows), threshold)
                with unit_of_work(self.engine) as session:
                    run = session.get_one(ScreeningRun, run_id)
                    if run.status != "running" or run.worker != self.name:
                        raise Lost
                    store(session, who, run, screened)
            self._finish(run_id, "done")
        except Stopping:
            self._requeue(run_id, "its worker was stopped")
        except Lost:
            log.warning("run %s was taken over by another worker", run_id)
        except FileNotFoundError:
            self._finish(run_id, "failed", "The uploaded file is no longer there; upload it again.")
        except DomainError as error:
            self._finish(run_id, "failed", error.detail)
        except Exception as error:  # the page must show a failure, not a run that stays "running"
            log.exception("run %s failed", run_id)
            self._finish(run_id, "failed", f"{type(error).__name__}: {error}")
        finally:
            beating.set()
            heart.join()

    def _started(self, run_id: int, done: int) -> None:
        """Time the run from here, its index built, so the rate and time left the page shows
        are the screening's alone."""
        with self.engine.begin() as connection:
            connection.execute(
                update(ScreeningRun)
                .where(ScreeningRun.id == run_id, ScreeningRun.worker == self.name)
                .values(started_at=utcnow(), started_from=done)
            )

    def _beat(self, run_id: int, stop: threading.Event) -> None:
        while not stop.wait(self.settings.batch_heartbeat_seconds):
            with self.engine.begin() as connection:
                connection.execute(
                    update(ScreeningRun)
                    .where(ScreeningRun.id == run_id, ScreeningRun.worker == self.name)
                    .values(heartbeat_at=utcnow())
                )

    def _finish(self, run_id: int, status: str, detail: str = "") -> None:
        """End a run, delete its upload and audit the outcome, as its owner."""
        with unit_of_work(self.engine) as session:
            run = session.get_one(ScreeningRun, run_id)
            finish_run(run, status, detail)
            self._delete_upload(run)
            audit.record(session, run.actor, "screen", "screening_run", run.id, detail=outcome(run))

    def _requeue(self, run_id: int, why: str) -> None:
        """Put a run this worker stops screening back in the queue (not counted as an attempt)."""
        with unit_of_work(self.engine) as session:
            run = session.get_one(ScreeningRun, run_id)
            run.attempts = max(0, run.attempts - 1)
            _back_in_queue(session, run, f"{why} ({self.name})")

    # -- recovery and retention -------------------------------------------------------------------

    def recover(self) -> list[int]:
        """Re-queue once, or fail with the reason, every run whose worker is gone; the ids handled."""
        stale = utcnow() - timedelta(seconds=self.settings.batch_stale_seconds)
        handled = []
        with unit_of_work(self.engine) as session:
            running = session.scalars(
                select(ScreeningRun)
                .where(ScreeningRun.status == "running", ScreeningRun.worker != self.name)
                .order_by(ScreeningRun.id)
                .with_for_update(skip_locked=True)
            ).all()
            for run in running:
                silent = run.heartbeat_at is None or _aware(run.heartbeat_at) < stale
                if not (silent or _is_gone(run.worker)):
                    continue
                handled.append(run.id)
                why = _silence(run.heartbeat_at) if silent else "its process ended"
                if run.attempts < MAX_ATTEMPTS and run.upload and (self.folder / run.upload).is_file():
                    _back_in_queue(session, run, f"the worker {run.worker} stopped ({why})")
                    continue
                reason = (
                    f"The worker screening this run stopped ({run.worker}: {why}) "
                    + ("for the second time" if run.attempts >= MAX_ATTEMPTS else "and its upload is gone")
                    + f", after {run.records} of {run.total} records; upload the file again."
                )
                finish_run(run, "failed", reason)
                self._delete_upload(run)
                audit.record(session, run.actor, "screen", "screening_run", run.id, detail=outcome(run))
        return handled

    def sweep_uploads(self) -> list[str]:
        """Delete uploads older than the retention period (a queued run fails saying so); the names."""
        if not self.folder.is_dir():
            return []
        cutoff = time.time() - self.settings.batch_upload_retention_hours * 3600
        hours = f"{self.settings.batch_upload_retention_hours:g}"
        deleted = []
        for path in sorted(self.folder.iterdir()):
            if not path.is_file() or path.stat().st_mtime >= cutoff:
                continue
            with unit_of_work(self.engine) as session:
                run = session.scalar(select(ScreeningRun).where(ScreeningRun.upload == path.name))
                if run is not None and run.status == "running":
                    continue  # its worker deletes it when it ends, or recovery does
                path.unlink(missing_ok=True)
                deleted.append(path.name)
                if run is None:
                    continue
                run.upload = ""
                detail = f"uploaded file deleted after the retention period ({hours} h)"
                audit.record(session, WORKER_ACTOR, "purge", "screening_run", run.id, detail=detail)
                if run.status == "queued":
                    finish_run(run, "failed", f"The uploaded file was deleted after {hours} hours "
                                              "before it could be screened; upload it again.")  # fmt: skip
                    audit.record(session, run.actor, "screen", "screening_run", run.id, detail=outcome(run))
        return deleted

    def _delete_upload(self, run: ScreeningRun) -> None:
        if run.upload:
            (self.folder / run.upload).unlink(missing_ok=True)
            run.upload = ""


def _silence(heartbeat: datetime | None) -> str:
    return f"silent since {heartbeat:%Y-%m-%d %H:%M:%S} UTC" if heartbeat else "silent since it started"


def _back_in_queue(session: Session, run: ScreeningRun, why: str) -> None:
    """Queue a run again; the next worker resumes after the records already screened. Audited."""
    run.status, run.worker, run.heartbeat_at, run.started_at = "queued", "", None, None
    detail = f"queued again after {run.records} of {run.total} records: {why}"
    audit.record(session, WORKER_ACTOR, "requeue", "screening_run", run.id, detail=detail[:2000])


def outcome(run: ScreeningRun) -> str:
    """The audit trail's line for a run's end: its status and counts (and why, when it failed)."""
    text = f"{run.status}: {run.records} of {run.total} records, {run.hits} hits, {run.suppressed} suppressed"
    return (text + (f"; {run.detail}" if run.detail else ""))[:2000]


def serve(engine: Engine, stop: threading.Event) -> None:
    """Screening's `Capability.worker`: one worker screening queued runs until `stop` is set."""
    Worker(engine).serve(stop)
