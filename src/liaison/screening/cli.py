"""`liaison screen FILE --out HITS.csv`: screen a CSV or Parquet file against the persons sought;
`liaison screening calibrate`: refit the scoring weights from this installation's reviewers.

The hits file passes the record-access gate like every other output: it is written for the
command line's administrator (no unit: it reads H0 to H2 subjects but no H3 one), or, with
`--user NAME`, for that account's role and unit.
A subject the reader may not read still alerts, without any of its particulars.

The hits are written to a hidden `.HITS.csv.PID.partial` beside `--out` and renamed when complete,
so a run that is killed leaves no file that looks complete. Audited when it starts (who, file,
records) and when it ends (counts, or why it failed).

`calibrate` (`calibration.calibrate`) reads the hits reviewers confirmed and dismissed on subjects
the reader may read, holds back a part, fits from the weights in use, and prints before and after
on the held-back part and on the shipped evaluation. With `--apply` an accepted fit is written to
the installation's weights file (`LIAISON_SCREENING_WEIGHTS`), which the index loads when it is
next built (`liaison serve`, the worker, `liaison screen`); a fit whose recall on the evaluation
falls by more than `--recall-floor` is refused. Audited as `screening.calibrate` with the figures.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from liaison.core import accounts, audit
from liaison.core.db import get_engine, unit_of_work
from liaison.core.errors import DomainError
from liaison.core.progress import progress_bar
from liaison.core.security.policy import CLI_ACTOR, SystemActor, ensure
from liaison.core.settings import get_settings
from liaison.screening import batch, calibration, disclosure, live
from liaison.screening.calibration import Calibration, TooFewDecisions
from liaison.screening.scoring import installed_weights
from liaison.screening.service import BATCH, CALIBRATE, Screener

console = Console(stderr=True)
report_console = Console()  # the calibration's report is the command's output
screening_app = typer.Typer(help="Screening's weights: refit them from the reviewers.", no_args_is_help=True)


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
        float | None,
        typer.Option(min=0.0, max=1.0, help="Score at which a pair is a hit (default: the weights' own)."),
    ] = None,
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
    threshold = index.weights.threshold if threshold is None else threshold
    with Session(database) as session:
        cards = disclosure.subject_cards(session, index.subject_ids())
    console.print(f"{len(index):,} persons sought indexed ({index.name_count:,} names).")
    total = batch.count_rows(file)
    _audit(reader, file, f"started: {total} records, {engine.value}, threshold {threshold:g} → {out}")
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")  # never mistaken for the hits
    try:
        with progress_bar("screening", console) as progress:
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


def calibrate_command(
    holdout: Annotated[
        float, typer.Option(help="Share of the decisions held back to measure the fit on (between 0 and 1).")
    ] = 0.3,
    recall_floor: Annotated[
        float,
        typer.Option(
            "--recall-floor",
            help="Refuse a fit whose recall on the shipped evaluation falls by more than this (0 to 1).",
        ),
    ] = 0.02,
    apply: Annotated[
        bool, typer.Option("--apply/--dry-run", help="Write an accepted fit, or only report (default).")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the held-back part.")] = 11,
    user: Annotated[
        str | None,
        typer.Option("--user", "-u", help="Calibrate as this account: only subjects it may read count."),
    ] = None,
) -> None:
    """Refit the scoring weights from the hits reviewers confirmed and dismissed, and report before/after."""
    if not 0.0 < holdout < 1.0:
        raise typer.BadParameter(f"{holdout:g} is not between 0 and 1 (exclusive).", param_hint="--holdout")
    if not 0.0 <= recall_floor <= 1.0:
        raise typer.BadParameter(f"{recall_floor:g} is not from 0 to 1.", param_hint="--recall-floor")
    reader = _reader(user)
    ensure(reader, CALIBRATE)
    target = get_settings().screening_weights_file
    current = installed_weights()
    mode = "apply" if apply else "dry-run"
    try:
        with Session(get_engine()) as session:  # read only, and closed before the audit writes
            result = calibration.calibrate(session, reader, current, holdout, recall_floor, seed)
    except TooFewDecisions as too_few:
        _audit_calibration(reader, target, f"{mode}: {too_few}")
        console.print(str(too_few), highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    _print_calibration(result)
    if apply and result.acceptable:
        calibration.apply(result, target)
        outcome = f"applied → {target}"
    elif apply:
        outcome = "refused; nothing written"
    else:
        outcome = "dry run; nothing written"
    _audit_calibration(reader, target, f"{outcome}: {result.summary()}")
    for warning in result.warnings:
        console.print(f"Note: {warning}.", highlight=False, soft_wrap=True)
    if not result.acceptable:
        console.print("Not applied: " + "; ".join(result.refusals) + ".", highlight=False, soft_wrap=True)
        if apply:
            raise typer.Exit(1)
    elif apply:
        written = f"Weights written to {target}; the index loads them when it is next built."
        console.print(written, highlight=False, soft_wrap=True)
    else:
        console.print("Dry run: nothing written. Run again with --apply to use these weights.")


def _print_calibration(result: Calibration) -> None:
    excluded = ", ".join(f"{n} {why}" for why, n in sorted(result.excluded.items())) or "none"
    report_console.print(
        f"{result.confirmed} confirmed and {result.dismissed} dismissed hits (excluded: {excluded}); "
        f"fitted on {result.fit_size}, {result.held_size} held back; threshold "
        f"{result.current.threshold:g} → {result.fitted.threshold:g}.",
        highlight=False,
        soft_wrap=True,
    )
    table = Table(title="Before → after")
    for column in ("set", "precision", "recall", "F1", "true pairs"):
        table.add_column(column, justify="left" if column == "set" else "right")

    def row(label: str, before: dict[str, float], after: dict[str, float]) -> None:
        cells = [f"{before[k]:.3f} → {after[k]:.3f}" for k in ("precision", "recall", "f1")]
        table.add_row(label, *cells, f"{after['positives']:.0f}")

    row("held-back decisions", result.held_before, result.held_after)
    for source, after in result.evaluation_after.items():
        label = "evaluation, all sets" if source == "all" else f"evaluation · {source}"
        row(label, result.evaluation_before[source], after)
    report_console.print(table)


def _audit_calibration(reader: Screener | SystemActor, target: Path, detail: str) -> None:
    """The figures in the audit trail (counts and rates; no name of a traveller or subject)."""
    with unit_of_work() as session:
        audit.record(
            session, reader.username, "screening.calibrate", "screening_weights", target.name,
            detail=detail[:2000],
        )  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_command)
    screening_app.command("calibrate")(calibrate_command)
    app.add_typer(screening_app, name="screening")
