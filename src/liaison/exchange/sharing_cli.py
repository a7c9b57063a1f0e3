"""`liaison exchange stix export|import`: STIX 2.1 bundles for MISP and OpenCTI, as a named user
(the gate shows what that user may read; never an administrator stand-in)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from liaison.core.accounts import acting_user
from liaison.core.db import unit_of_work
from liaison.exchange import stix

stix_app = typer.Typer(help="STIX 2.1 bundles for MISP and OpenCTI.", no_args_is_help=True)


@stix_app.command("export")
def stix_export(
    user: Annotated[str, typer.Option(help="Export as this user: the gate shows what they may read.")],
    out: Annotated[
        Path | None, typer.Option(help="Write the bundle here (default: standard output).")
    ] = None,
    subject: Annotated[
        list[int] | None, typer.Option(help="A person sought to export (repeat); default all.")
    ] = None,
    hits: Annotated[bool, typer.Option(help="Include confirmed screening hits as sightings.")] = True,
) -> None:
    """Export persons sought, their notices and confirmed hits as a STIX 2.1 bundle. Audited."""
    with unit_of_work() as session:
        actor = acting_user(session, user)
        result = stix.export_bundle(
            session, actor, stix.ExportChoice(subject_ids=tuple(subject or ()), hits=hits)
        )
    text = json.dumps(result.bundle, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
        typer.echo(f"{out}: {counts} (strictest handling code {result.handling_code})")


@stix_app.command("import")
def stix_import(
    path: Path,
    user: Annotated[str, typer.Option(help="Import as this user: new persons sought belong to their unit.")],
    handling_code: Annotated[str, typer.Option(help="The least strict code an imported person gets.")] = "H1",
) -> None:
    """Import the persons sought and notices of a STIX 2.1 bundle; a bad bundle changes nothing."""
    with unit_of_work() as session:
        report = stix.import_bundle(session, acting_user(session, user), path.read_bytes(), handling_code)
    skipped = ", ".join(f"{v} {k}" for k, v in report.skipped.items()) or "nothing"
    typer.echo(
        f"{report.created} created, {report.updated} updated, {report.notices} notices; skipped {skipped}"
    )
