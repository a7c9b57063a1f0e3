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
    app.command("ingest-confirm")(confirm)


def ingest(
    file: Annotated[str, typer.Argument(help="A report: plain text, HTML or a saved web page.")],
    published: Annotated[str, typer.Option(help="The report's publication date (YYYY-MM-DD).")] = "",
    source: Annotated[str, typer.Option(help="Where the report was published (URL).")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Extract and print; store nothing.")] = False,
    output: Annotated[str, typer.Option("--format", help="json or text.")] = "text",
) -> None:
    """Extract press reports of meetings into draft engagements (with --dry-run: only print one).

    FILE is a report, a folder of reports, or a file listing one URL a line.
    """
    if dry_run:
        print_result(safe_extract(file, published), output)
        return
    store(file, published, source, output)


def store(file: str, published: str, source: str, output: str) -> None:
    """Each report as a draft, in its own transaction, with a progress bar over several."""
    from rich.console import Console
    from rich.progress import track

    from liaison.core.db import unit_of_work
    from liaison.core.security.policy import CLI_ACTOR
    from liaison.ingest import service

    try:
        day = date.fromisoformat(published) if published else None
    except ValueError:
        typer.echo(f"--published {published!r} is not a date (YYYY-MM-DD)", err=True)
        raise typer.Exit(2) from None
    items = reports_in(Path(file), source)
    progress = Console(stderr=True)
    for name, url, read in track(items, description="Ingesting", disable=len(items) < 2, console=progress):
        try:
            data = read()
        except (OSError, ValueError) as error:
            say(output, {"report": name, "engagement_id": None, "created": False, "reason": str(error)})
            continue
        with unit_of_work() as session:
            outcome = service.ingest_report(session, CLI_ACTOR, data, day, source_url=url, file_name=name)
        say(
            output,
            {
                "report": name,
                "engagement_id": outcome.engagement_id,
                "created": outcome.created,
                "reason": outcome.reason,
            },
        )


def reports_in(path: Path, source: str) -> list[tuple[str, str, Any]]:
    """(name, URL, reader) for a file, each file of a folder, or each URL of a list."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        return [(str(p), "", p.read_bytes) for p in files]
    if not path.is_file():
        raise typer.BadParameter(f"no such file or folder: {path}")
    head = path.read_bytes()[:4096].decode("utf-8", "replace").split()
    if head and all(word.startswith(("http://", "https://")) for word in head[:-1] or head):
        urls = [u for u in path.read_text(encoding="utf-8", errors="replace").split() if u.startswith("http")]
        return [(url, url, lambda url=url: download(url)) for url in urls]
    return [(str(path), source, path.read_bytes)]


def download(url: str) -> bytes:
    """The page at `url`, refused past the size limit."""
    import httpx

    try:
        with httpx.stream("GET", url, timeout=20, follow_redirects=True) as response:
            response.raise_for_status()
            data = b""
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > MAX_BYTES:
                    raise ValueError(f"{url}: larger than the {MAX_BYTES // 1_048_576} MB limit")
            return data
    except httpx.HTTPError as error:
        raise ValueError(f"{url}: {error}") from error


def say(output: str, line: dict[str, Any]) -> None:
    if output == "json":
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    elif line["engagement_id"] is None:
        typer.echo(f"{line['report']}: skipped: {line['reason']}")
    elif line["created"]:
        typer.echo(f"{line['report']}: draft engagement {line['engagement_id']}")
    else:
        typer.echo(f"{line['report']}: already ingested as engagement {line['engagement_id']}")


def confirm(engagement_id: int) -> None:
    """Confirm a draft engagement: it enters the registry (audited)."""
    from liaison.core.db import unit_of_work
    from liaison.core.security.policy import CLI_ACTOR
    from liaison.ingest import service

    with unit_of_work() as session:
        service.confirm_draft(session, CLI_ACTOR, engagement_id)
    typer.echo(f"engagement {engagement_id} confirmed")


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
