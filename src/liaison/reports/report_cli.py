"""`liaison report`: the cooperation report of a period as a PDF, DOCX, XLSX or CSV file, the
same document the statistics page downloads."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.core.errors import Invalid
from liaison.core.security.policy import CLI_ACTOR, Actor
from liaison.reports.cooperation import export_report, resolve_period

console = Console()


class Format(StrEnum):
    pdf = "pdf"
    docx = "docx"
    xlsx = "xlsx"
    csv = "csv"


class Language(StrEnum):
    en = "en"
    vi = "vi"


def _day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            "{option} {value!r} is not a date (YYYY-MM-DD).",
            option=option,
            value=value,
            fields={option: "YYYY-MM-DD"},
        ) from None


def _write(out: Path, content: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, renamed into place."""
    if not out.parent.is_dir():
        raise Invalid(
            "There is no folder {folder}.", folder=str(out.parent), fields={"out": "an existing folder"}
        )
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="The file to write.", dir_okay=False)],
    document_format: Annotated[
        Format, typer.Option("--format", "-f", help="pdf, docx, xlsx or csv.")
    ] = Format.pdf,
    lang: Annotated[Language, typer.Option("--lang", help="en or vi.")] = Language.en,
    partner: Annotated[
        str | None,
        typer.Option("--partner", "-p", help="A country code (RU) or organisation (ASEAN); all if absent."),
    ] = None,
    since: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Instead of --from/--to: 2025, 2025-Q2 or 2025-03.")
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            "-u",
            help="Report as this user: only what they may read is counted (audited as theirs).",
        ),
    ] = None,
) -> None:
    """Write the cooperation report of a period (monthly, quarterly, annual or any range), for
    one partner or all: requests, response times, engagements, commitments, programmes, hits.
    Without --user it counts as the command line's administrator, who reads no unit's H3 records."""
    chosen = resolve_period(period, _day(since, "--from"), _day(until, "--to"))
    with unit_of_work() as session:
        actor: Actor = accounts.acting_user(session, user) if user else CLI_ACTOR
        document = export_report(session, actor, chosen, partner, document_format.value, lang.value)
        _write(out, document.content)
    console.print(
        f"Cooperation report {chosen.since}..{chosen.until} written to {out} ({len(document.content):,} B)."
    )


def register(app: typer.Typer) -> None:
    app.command("report")(report)
