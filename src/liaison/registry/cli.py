"""`liaison registry ...`: look the registry up from the command line (same services as the API)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from liaison.core.db import unit_of_work
from liaison.core.records import today
from liaison.core.security.policy import CLI_ACTOR
from liaison.registry import agreements, name_search, partners

registry_app = typer.Typer(help="Partners, agreements and the name search.", no_args_is_help=True)
console = Console()


@registry_app.command("search")
def search(name: str) -> None:
    """Agencies, officials, agreements and engagements by any form of a name."""
    with unit_of_work() as session:
        table = Table("type", "id", "name", "matched form")
        for hit in name_search.search(session, CLI_ACTOR, name, 50):
            table.add_row(hit.entity, str(hit.id), hit.label, hit.matched)
    console.print(table)


@registry_app.command("in-force")
def in_force(
    country_a: str,
    country_b: str,
    on: Annotated[str, typer.Option(help="The date (YYYY-MM-DD); today by default.")] = "",
) -> None:
    """Agreements in force between two countries on a date (the legal basis of a request)."""
    day = date.fromisoformat(on) if on else today()
    with unit_of_work() as session:
        table = Table("id", "kind", "title", "status now")
        for agreement in agreements.agreements_in_force(session, country_a, country_b, day):
            table.add_row(str(agreement.id), agreement.kind, agreement.title, agreement.status)
    console.print(table)


@registry_app.command("partner")
def partner(key: str) -> None:
    """A partner's summary: agencies, agreements by status, mechanisms, programmes, engagements."""
    with unit_of_work() as session:
        view = partners.partner_view(session, CLI_ACTOR, key)
    console.print(f"[bold]{view.name}[/] ({view.key})")
    console.print("Agencies: " + "; ".join(a.name for a in view.agencies))
    for status, chosen in view.agreements_by_status.items():
        console.print(f"Agreements {status}: " + "; ".join(a.title for a in chosen))
    console.print("Mechanisms: " + "; ".join(m["name"] for m in view.mechanisms))
    console.print("Programmes: " + "; ".join(f"{p['title']} ({p['status']})" for p in view.programmes))
    if view.engagements is not None:
        console.print(
            f"Engagements: {len(view.engagements)}; open commitments: {len(view.open_commitments or [])}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(registry_app, name="registry")
