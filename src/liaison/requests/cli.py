"""`liaison remind`: e-mail responsible officers their due-soon and overdue requests."""

from __future__ import annotations

import typer
from rich.console import Console

from liaison.core.db import unit_of_work
from liaison.core.security.policy import CLI_ACTOR
from liaison.core.settings import get_settings
from liaison.requests.reminders import send_reminders

console = Console()


def remind() -> None:
    """Send each responsible officer one e-mail listing their overdue and due-soon requests
    (SMTP from LIAISON_SMTP_HOST / LIAISON_SMTP_PORT). Running it again the same day sends nothing new."""
    settings = get_settings()
    with unit_of_work() as session:
        report = send_reminders(session, CLI_ACTOR, settings)
    console.print(
        f"Sent {report.messages} reminder e-mails covering {report.items} deadlines "
        f"through {settings.smtp_host}:{settings.smtp_port}."
    )
    if report.skipped_without_email:
        console.print(
            f"No e-mail address for: {', '.join(report.skipped_without_email)} (nothing sent to them)."
        )


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)
