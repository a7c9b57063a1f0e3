"""`liaison ingest FILE --published YYYY-MM-DD [--source URL] --dry-run --format json`.

The JSON form is a contract tools outside the project test against: for any file it prints one
JSON object with the same keys and exits 0 — a file that cannot be read answers `skip: true` with
the reason, never a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from liaison.ingest.extract import Extraction, extract_bytes, skipped
from liaison.ingest.text import MAX_BYTES


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)


def ingest(
    file: Annotated[str, typer.Argument(help="A report: plain text, HTML or a saved web page.")],
    published: Annotated[str, typer.Option(help="The report's publication date (YYYY-MM-DD).")] = "",
    source: Annotated[str, typer.Option(help="Where the report was published (URL).")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Extract and print; store nothing.")] = False,
    output: Annotated[str, typer.Option("--format", help="json or text.")] = "text",
) -> None:
    """Extract a press report of a meeting into a draft engagement (with --dry-run: only print it)."""
    extraction = safe_extract(file, published)
    if not dry_run:
        print_result(extraction, output)
        typer.echo("Storing drafts is not available yet: run with --dry-run.", err=True)
        raise typer.Exit(2)
    print_result(extraction, output)


def safe_extract(file: str, published: str) -> Extraction:
    """The extraction of `file`, or a skip naming what went wrong; never an exception."""
    try:
        day = date.fromisoformat(published) if published else None
    except ValueError:
        return skipped(f"--published {published!r} is not a date (YYYY-MM-DD)")
    path = Path(file)
    try:
        if not path.is_file():
            return skipped(f"no such file: {file}")
        size = path.stat().st_size
        if size > MAX_BYTES:
            return skipped(f"file is {size / 1_048_576:.1f} MB; the limit is {MAX_BYTES // 1_048_576} MB")
        data = path.read_bytes()
    except OSError as error:
        return skipped(f"cannot read {file}: {error.strerror or error}")
    try:
        return extract_bytes(data, day)
    except Exception as error:  # the contract answers for any input: report, do not crash
        return skipped(f"extraction failed: {type(error).__name__}: {error}")


def print_result(extraction: Extraction, output: str) -> None:
    contract = extraction.to_contract()
    if output == "json":
        sys.stdout.write(json.dumps(contract, ensure_ascii=False) + "\n")
        return
    typer.echo(render_text(contract))


def render_text(contract: dict[str, Any]) -> str:
    """A person-readable summary of the same fields."""
    if contract["skip"]:
        return f"skipped: {contract['reason']}"
    lines = [f"{contract['kind'] or '?'} on {contract['date'] or '?'} in {contract['place'] or '?'}"]
    lines.append("countries: " + ", ".join(contract["countries"]))
    for official in contract["officials"]:
        lines.append(
            f"official: {official['title'] or ''} {official['name']} ({official['country'] or '?'})".strip()
        )
    for agency in contract["agencies"]:
        lines.append(f"agency: {agency['name']} ({agency['country'] or '?'})")
    if contract["crime_areas"]:
        lines.append("crime areas: " + ", ".join(contract["crime_areas"]))
    for agreement in contract["agreements"]:
        lines.append(f"agreement: {agreement['kind']} [{agreement['status_cue'] or '-'}] {agreement['text']}")
    for commitment in contract["commitments"]:
        lines.append(f"{commitment['kind']} by {commitment['by'] or 'both'}: {commitment['text']}")
    return "\n".join(lines)
