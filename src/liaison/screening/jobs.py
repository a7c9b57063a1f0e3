"""Files uploaded for batch screening (the batch page and `POST /api/v1/screening/runs` alike),
queued for the batch worker, a process of its own (`worker.py`), with visible progress.

`accept_upload` checks the file before anything is written (its type by name and by its first
bytes, its `name` column, its size through the app's upload limit), counts its records, keeps the
file in the data folder and queues its run, carrying its owner's name, role and unit: the worker
acts as them (`service.Screener`), never as an administrator stand-in. The run says `queued`,
`running` (the records screened so far), then `done` or `failed` with the reason. The hits file
is not written by the worker but at each download, through the gate, for whoever downloads it
(`service.hits_file`).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from fastapi import Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from liaison.core.errors import Invalid
from liaison.core.security.policy import Actor, ensure
from liaison.screening import batch
from liaison.screening.models import ScreeningRun
from liaison.screening.service import BATCH, start_file_run
from liaison.screening.worker import uploads

READ_BYTES = 1 << 20


def _safe_name(filename: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename).name)[:120] or "upload"


async def accept_upload(
    request: Request, session: Session, user: Actor, upload: object, threshold: float | None = None
) -> ScreeningRun:
    """Check an uploaded file, keep it and queue its run for the batch worker.

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
        run = start_file_run(session, user, name, total, upload=kept.name, threshold=threshold)
        session.commit()  # queued: a worker may take it from now on
    except BaseException:
        kept.unlink(missing_ok=True)
        raise
    return run


def hits_download(text: str, run_id: int) -> Response:
    """A run's hits file (already through the gate) as a CSV download, for the page and the API."""
    disposition = f'attachment; filename="screening-run-{run_id}-hits.csv"'
    return Response(text, media_type="text/csv; charset=utf-8", headers={"content-disposition": disposition})
