"""`liaison screen FILE --out HITS.csv`: screen a CSV or Parquet file against the persons sought.

The hits file passes the record-access gate like every other output: it is written for the
command line's administrator (no unit: it reads H0 to H2 subjects but no H3 one), or, with
`--user NAME`, for that account's role and unit.
A subject the reader may not read still alerts, without any of its particulars.

The hits are written to a hidden `.HITS.csv.PID.partial` beside `--out` and renamed when complete,
so a run that is killed leaves no file that looks complete. Audited when it starts (who, file,
records) and when it ends (counts, or why it failed).
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from liaison.core import accounts, audit
from liaison.core.db import get_engine, unit_of_work
from liaison.core.errors import DomainError
from liaison.core.security.policy import CLI_ACTOR, SystemActor, ensure
from liaison.screening import batch, disclosure, live
from liaison.screening.engine import DEFAULT_THRESHOLD
from liaison.screening.service import BATCH, Screener

console = Console(stderr=True)


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def screen_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet: record_id,name,birth_date,nationality,"
            "document_number,gender (only name required)."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Where to write the hits (CSV: record_id, record_name, subject_id, ...)."
        ),
    ],
    engine: Annotated[
        Engine, typer.Option(help="duckdb (this machine) or spark (local[2] or LIAISON_SPARK_MASTER).")
    ] = Engine.duckdb,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Score at which a pair is a hit.")
    ] = DEFAULT_THRESHOLD,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes for the DuckDB engine.")] = 2,
    user: Annotated[
        str | None,
        typer.Option(
            "--user", "-u", help="Screen as this account: its role and unit decide what the hits show."
        ),
    ] = None,
) -> None:
    """Screen a file of travellers or a partner's list; rows that cannot be screened are counted by reason."""
    database = get_engine()
    reader = _reader(user)
    ensure(reader, BATCH)
    used, ignored = batch.inspect_columns(file)
    console.print(f"Reading {file.name}: columns {', '.join(used)}"
                  + (f"; ignoring {', '.join(ignored)}" if ignored else ""), highlight=False)  # fmt: skip
    index = live.build_index(database)
    with Session(database) as session:
        cards = disclosure.subject_cards(session, index.subject_ids())
    console.print(f"{len(index):,} persons sought indexed ({index.name_count:,} names).")
    total = batch.count_rows(file)
    _audit(reader, file, f"started: {total} records, {engine.value}, threshold {threshold:g} → {out}")
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")  # never mistaken for the hits
    columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("screening", total=total)
            report = batch.screen_file(
                file, partial, index, engine=engine.value, threshold=threshold, workers=workers,
                progress=lambda done: progress.update(task, completed=done), reader=reader, cards=cards,
            )  # fmt: skip
            progress.update(task, completed=report.rows)
        partial.replace(out)  # the hits file appears complete, or not at all
    except BaseException as error:
        partial.unlink(missing_ok=True)
        reason = error.detail if isinstance(error, DomainError) else type(error).__name__
        _audit(reader, file, f"failed: {reason}; no hits file written")
        raise
    _audit(reader, file, f"done: {report.rows} records, {report.hits} hits → {out}")
    console.print(
        report.summary() + f" → {out}", highlight=False, soft_wrap=True
    )  # one line in logs, however long


def _audit(reader: Screener | SystemActor, file: Path, detail: str) -> None:
    """A command-line run in the audit trail: who, which file, the counts and the outcome."""
    with unit_of_work() as session:
        audit.record(
            session, reader.username, "screen", "screening_file", file.name[:200], detail=detail[:2000]
        )


def _reader(username: str | None) -> Screener | SystemActor:
    if username is None:
        return CLI_ACTOR
    with unit_of_work() as session:
        return Screener.of(accounts.acting_user(session, username))


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_command)
