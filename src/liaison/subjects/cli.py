"""`liaison subjects import|export`: partners' lists of persons sought in and out."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from liaison.core import accounts
from liaison.core.db import get_engine, unit_of_work
from liaison.core.errors import Invalid
from liaison.core.progress import progress_bar
from liaison.core.security import gate
from liaison.core.security.policy import CLI_ACTOR, Actor
from liaison.subjects import transfer
from liaison.subjects.service import SubjectQuery

subjects_app = typer.Typer(help="Persons sought: import and export partners' lists.", no_args_is_help=True)
console = Console(stderr=True)
MAX_REASONS_SHOWN = 50


class ImportFormat(StrEnum):
    interpol = "interpol"
    ftm = "ftm"
    csv = "csv"


class ExportFormat(StrEnum):
    ftm = "ftm"
    csv = "csv"


@subjects_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The file to import (UTF-8).", exists=True, dir_okay=False)],
    format: Annotated[ImportFormat, typer.Option("--format", "-f", help="interpol, ftm or csv.")],
    source: Annotated[
        str | None, typer.Option(help="Name of the list, keying re-imports (default: the format).")
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, max=50_000, help="Subjects per transaction.")
    ] = transfer.BATCH_SIZE,
    handling_code: Annotated[
        str, typer.Option(help="Handling code of new subjects (H0-H3); re-imported ones keep theirs.")
    ] = transfer.DEFAULT_HANDLING_CODE,
    user: Annotated[
        str | None,
        typer.Option(
            "--user", "-u", help="Import as this user: new subjects belong to their unit (needed for H2/H3)."
        ),
    ] = None,
) -> None:
    """Import persons sought: INTERPOL notice JSON, FollowTheMoney JSON lines, or CSV (header in
    `liaison.subjects.formats.csv`). Re-running updates, never duplicates; rejected rows are listed.
    Subjects the importing user may not read are never overwritten (those rows are rejected)."""
    engine = get_engine()
    actor: Actor = CLI_ACTOR
    if user is not None:
        with unit_of_work(engine) as session:
            actor = accounts.acting_user(session, user)
            session.expunge(actor)
    elif gate.scope_of(gate.check_handling_code(handling_code)) != "everyone":
        raise Invalid(
            "Restricted ({handling_code}) subjects need an owning unit: import them with --user NAME.",
            handling_code=handling_code,
            fields={"user": "required for a restricted handling code"},
        )
    with progress_bar("importing", console) as progress:
        task = progress.add_task("import", total=None)

        def advance(count: int) -> None:
            progress.advance(task, count)

        def expect(total: int | None) -> None:
            progress.update(task, total=total)

        report = transfer.import_file(
            lambda: unit_of_work(engine), actor, file, format.value, source=source, batch_size=batch_size,
            progress=advance, on_total=expect, handling_code=handling_code,
        )  # fmt: skip
    for rejected in report.rejected[:MAX_REASONS_SHOWN]:
        console.print(
            f"  line {rejected.line} {rejected.source_id}: {rejected.reason}", highlight=False, markup=False
        )
    if len(report.rejected) > MAX_REASONS_SHOWN:
        console.print(f"  ... and {len(report.rejected) - MAX_REASONS_SHOWN} more rejected rows")
    print(f"created {report.created}, updated {report.updated}, rejected {len(report.rejected)}")


@subjects_app.command("export")
def export_command(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="ftm or csv.")],
    user: Annotated[
        str, typer.Option("--user", "-u", help="Export as this user: only what they may read leaves.")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Export every subject USER may read, as FollowTheMoney JSON lines or CSV (audited as theirs)."""
    with unit_of_work() as session:
        actor = accounts.acting_user(session, user)
        if output is None:
            count = transfer.export_subjects(session, actor, format.value, sys.stdout, SubjectQuery())
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                count = transfer.export_subjects(session, actor, format.value, handle, SubjectQuery())
    console.print(f"exported {count} subjects")


def register(app: typer.Typer) -> None:
    app.add_typer(subjects_app, name="subjects")
