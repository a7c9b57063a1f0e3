"""`liaison screen FILE --out HITS.csv`: screen a CSV or Parquet file against the persons sought."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from liaison.core.db import get_engine
from liaison.core.security.policy import CLI_ACTOR, ensure
from liaison.screening import batch, live
from liaison.screening.engine import DEFAULT_THRESHOLD
from liaison.screening.service import BATCH

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
        Path, typer.Option("--out", "-o", help="Where to write record_id,subject_id,score,explanation.")
    ],
    engine: Annotated[
        Engine, typer.Option(help="duckdb (this machine) or spark (local[2] or LIAISON_SPARK_MASTER).")
    ] = Engine.duckdb,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Score at which a pair is a hit.")
    ] = DEFAULT_THRESHOLD,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes for the DuckDB engine.")] = 2,
) -> None:
    """Screen a file of travellers or a partner's list; rows that cannot be screened are counted by reason."""
    ensure(CLI_ACTOR, BATCH)
    used, ignored = batch.inspect_columns(file)
    console.print(f"Reading {file.name}: columns {', '.join(used)}"
                  + (f"; ignoring {', '.join(ignored)}" if ignored else ""), highlight=False)  # fmt: skip
    index = live.build_index(get_engine())
    console.print(f"{len(index):,} persons sought indexed ({index.name_count:,} names).")
    total = batch.count_rows(file)
    columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("screening", total=total)
        report = batch.screen_file(
            file, out, index, engine=engine.value, threshold=threshold, workers=workers,
            progress=lambda done: progress.update(task, completed=done),
        )  # fmt: skip
        progress.update(task, completed=report.rows)
    console.print(report.summary() + f" → {out}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_command)
