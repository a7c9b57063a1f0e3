"""Files uploaded for batch screening (the batch page and `POST /api/v1/screening/runs` alike),
screened in a background thread with visible progress.

`accept_upload` checks the file before anything is written (its type by name and by its first
bytes, its `name` column, its size through the app's upload limit), counts its records, opens the
run and keeps the file; `start` then screens it. Each chunk of records is screened against the
live index and stored (records that alert, with their hits) in its own transaction; the run's
record count, committed with each chunk, tells the page and the API how far it has got. The run
says `running`, then `done` or `failed` with the reason.

The job acts as the real user who started the run (`service.Screener`: name, role and unit,
copied when it starts), never as an administrator stand-in; the hits file is not written here but
at each download, through the gate, for whoever downloads it (`service.hits_file`).
"""

from __future__ import annotations

import re
import threading
import uuid
from pathlib import Path

from fastapi import Request, Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from liaison.core import audit
from liaison.core.db import unit_of_work
from liaison.core.errors import DomainError, Invalid
from liaison.core.security.policy import Actor, ensure
from liaison.screening import batch
from liaison.screening.engine import DEFAULT_THRESHOLD, ScreeningIndex
from liaison.screening.models import ScreeningRun
from liaison.screening.service import BATCH, Screener, finish_run, start_file_run, store
from liaison.screening.startup import live_index

CHUNK_ROWS = 2000
READ_BYTES = 1 << 20


def uploads(home: Path) -> Path:
    return home / "screening"


def _safe_name(filename: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename).name)[:120] or "upload"


async def accept_upload(
    request: Request, session: Session, user: Actor, upload: object, threshold: float = DEFAULT_THRESHOLD
) -> ScreeningRun:
    """Check an uploaded file, open its run, keep the file and start screening it.

    A file refused (no file, another type, content not what its name says, no `name` column,
    unreadable) raises `Invalid` and leaves nothing behind."""
    ensure(user, BATCH)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Invalid("Choose a CSV or Parquet file to screen.", fields={"file": "required"})
    name = _safe_name(upload.filename)
    first = await upload.read(READ_BYTES)
    batch.check_content(name, first)
    folder = uploads(request.app.state.settings.home)
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"upload-{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    try:
        with kept.open("wb") as handle:
            handle.write(first)
            while chunk := await upload.read(READ_BYTES):
                handle.write(chunk)
        total = await run_in_threadpool(batch.count_rows, kept)  # checks the columns too
        run = start_file_run(session, user, name, total)
        source = folder / f"run-{run.id}-{name}"
        kept.replace(source)
    except BaseException:
        kept.unlink(missing_ok=True)
        raise
    session.commit()  # the run must exist before the worker thread looks for it
    start(request.app.state.engine, live_index(request.app), run.id, Screener.of(user), source, threshold)
    return run


def hits_download(text: str, run_id: int) -> Response:
    """A run's hits file (already through the gate) as a CSV download, for the page and the API."""
    disposition = f'attachment; filename="screening-run-{run_id}-hits.csv"'
    return Response(text, media_type="text/csv; charset=utf-8", headers={"content-disposition": disposition})


def run_file(engine: Engine, index: ScreeningIndex, run_id: int, who: Screener, source: Path,
             threshold: float) -> None:  # fmt: skip
    """Screen `source` for run `run_id` as `who`; never raises (the run records what went wrong)."""
    try:
        for chunk in batch.read_rows(source, chunk_rows=CHUNK_ROWS):
            screened = index.screen_records(batch.to_records(chunk), threshold)
            with unit_of_work(engine) as session:
                run = session.get_one(ScreeningRun, run_id)
                store(session, who, run, screened)
        _finish(engine, run_id, who, "done")
    except DomainError as error:
        _finish(engine, run_id, who, "failed", error.detail)
    except Exception as error:  # the page must show a failure, not a run that stays "running"
        _finish(engine, run_id, who, "failed", f"{type(error).__name__}: {error}")
    finally:
        source.unlink(missing_ok=True)


def _finish(engine: Engine, run_id: int, who: Screener, status: str, detail: str = "") -> None:
    with unit_of_work(engine) as session:
        run = session.get(ScreeningRun, run_id)
        if run is not None:
            finish_run(run, status, detail)
            counts = f"{run.records} records, {run.hits} hits, {run.suppressed} suppressed"
            audit.record(
                session, who.username, "screen", "screening_run", run_id, detail=f"{status}: {counts}"
            )


def start(engine: Engine, index: ScreeningIndex, run_id: int, who: Screener, source: Path,
          threshold: float) -> threading.Thread:  # fmt: skip
    thread = threading.Thread(
        target=run_file,
        args=(engine, index, run_id, who, source, threshold),
        daemon=True,
        name=f"screening-run-{run_id}",
    )
    thread.start()
    return thread
