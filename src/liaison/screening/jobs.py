"""Files uploaded on the batch page, screened in a background thread with visible progress.

Each chunk of records is screened against the live index and stored (records that alert, with
their hits) in its own transaction; the hits are also written to a CSV file to download. The
run's row says `running`, then `done` or `failed` with the reason; its record count, committed
with each chunk, tells the page how far it has got.
"""

from __future__ import annotations

import csv
import threading
from pathlib import Path

from sqlalchemy import Engine

from liaison.core.db import unit_of_work
from liaison.core.errors import DomainError
from liaison.core.security.policy import SystemActor
from liaison.screening import batch
from liaison.screening.engine import ScreeningIndex
from liaison.screening.models import ScreeningRun
from liaison.screening.service import finish_run, store

CHUNK_ROWS = 2000


def hits_file(home: Path, run_id: int) -> Path:
    return home / "screening" / f"run-{run_id}-hits.csv"


def run_file(engine: Engine, index: ScreeningIndex, run_id: int, actor: str, source: Path, out: Path,
             threshold: float) -> None:  # fmt: skip
    """Screen `source` for run `run_id`; never raises (the run records what went wrong)."""
    who = SystemActor(username=actor)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(batch.OUTPUT_COLUMNS)
            for chunk in batch.read_rows(source, chunk_rows=CHUNK_ROWS):
                screened = index.screen_records(batch.to_records(chunk), threshold)
                with unit_of_work(engine) as session:
                    run = session.get_one(ScreeningRun, run_id)
                    store(session, who, run, screened)
                writer.writerows(batch.hit_rows(screened))
        _finish(engine, run_id, "done")
    except DomainError as error:
        _finish(engine, run_id, "failed", error.detail)
    except Exception as error:  # the page must show a failure, not a run that stays "running"
        _finish(engine, run_id, "failed", f"{type(error).__name__}: {error}")
    finally:
        source.unlink(missing_ok=True)


def _finish(engine: Engine, run_id: int, status: str, detail: str = "") -> None:
    with unit_of_work(engine) as session:
        run = session.get(ScreeningRun, run_id)
        if run is not None:
            finish_run(run, status, detail)


def start(engine: Engine, index: ScreeningIndex, run_id: int, actor: str, source: Path, out: Path,
          threshold: float) -> threading.Thread:  # fmt: skip
    thread = threading.Thread(
        target=run_file,
        args=(engine, index, run_id, actor, source, out, threshold),
        daemon=True,
        name=f"screening-run-{run_id}",
    )
    thread.start()
    return thread
