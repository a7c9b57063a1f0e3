"""`liaison remind` against a real SMTP sink on loopback: each officer gets their deadlines once a day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from liaison.core import accounts
from liaison.core.db import utcnow
from liaison.core.settings import Settings
from liaison.requests import service
from liaison.requests.reminders import send_reminders
from tests.mail import Sink, serving
from tests.requests.conftest import Partners
from tests.requests.factories import ADMIN, OFFICER, request_data

# The reminders' "now": a Tuesday, 10:00 in Hanoi. Acknowledgement clocks count working days, so
# what is "due soon" depends on the weekday; a fixed day keeps the test the same on every day of
# the week (run at 01:30 Hanoi on a Thursday, a request received then is due on Monday, beyond
# the three due-soon days).
NOW = datetime(2026, 11, 17, 3, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, Settings]]:
    with serving() as running:
        yield running


def _incoming(session: Session, partners: Partners, days_ago: float, responsible: str):  # type: ignore[no-untyped-def]
    data = request_data(
        partners.russia, partners.mps, kind="information_request", direction="incoming",
        details={"questions": "Q", "purpose": "P"}, received_at=NOW - timedelta(days=days_ago),
        responsible_username=responsible, title=f"Received {days_ago} days ago",
    )  # fmt: skip
    return service.create_request(session, OFFICER, data)


def test_each_officer_gets_their_overdue_and_due_soon_requests_once_a_day(
    session: Session, partners: Partners, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    accounts.create_user(session, "test", "hanh", "hanh-password-1", "officer", email="hanh@mps.example")
    accounts.create_user(session, "test", "minh", "minh-password-1", "officer", email="minh@mps.example")
    overdue = _incoming(session, partners, 20, "hanh")
    due_soon = _incoming(session, partners, 5.5, "hanh")
    _incoming(session, partners, 0, "minh")  # acknowledgement is due within two working days: due soon too
    report = send_reminders(session, ADMIN, settings, now=NOW)
    assert (report.messages, report.recipients) == (2, 2)
    by_recipient = {m["To"]: m for m in sink.messages}
    body = by_recipient["hanh@mps.example"].get_payload()
    assert f"#{overdue.id}" in body and f"#{due_soon.id}" in body
    assert "Overdue:" in body and "Due soon:" in body

    again = send_reminders(session, ADMIN, settings, now=NOW)
    assert (again.messages, again.items) == (0, 0)
    assert len(sink.messages) == 2


def test_officer_without_an_address_is_reported_not_mailed(
    session: Session, partners: Partners, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    accounts.create_user(session, "test", "noaddress", "no-address-pass", "officer")
    _incoming(session, partners, 20, "noaddress")
    report = send_reminders(session, ADMIN, settings)
    assert report.skipped_without_email == ["noaddress"]
    assert sink.messages == []


def test_next_day_an_overdue_request_is_reminded_again(
    session: Session, partners: Partners, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    accounts.create_user(session, "test", "hanh", "hanh-password-1", "officer", email="hanh@mps.example")
    _incoming(session, partners, 20, "hanh")
    send_reminders(session, ADMIN, settings)
    send_reminders(session, ADMIN, settings, now=utcnow() + timedelta(days=1))
    assert len(sink.messages) == 2


def test_remind_is_a_command_of_the_cli() -> None:
    from typer.testing import CliRunner

    from liaison.cli import app

    result = CliRunner().invoke(app, ["remind", "--help"])
    assert result.exit_code == 0 and "same day sends nothing new" in result.output


def test_reminder_never_mails_a_restricted_request_to_someone_the_gate_hides_it_from(
    session: Session, partners: Partners, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    accounts.create_user(
        session, "test", "outsider", "outsider-pass-1", "officer", email="o@x.example", unit="border"
    )
    accounts.create_user(
        session, "test", "insider", "insider-pass-1", "officer", email="i@x.example", unit=OFFICER.unit
    )
    for responsible in ("outsider", "insider"):
        data = request_data(
            partners.russia, partners.mps, kind="information_request", direction="incoming",
            details={"questions": "Q", "purpose": "P"}, received_at=utcnow() - timedelta(days=20),
            responsible_username=responsible, title="Restricted Quackenbush inquiry", handling_code="H3",
        )  # fmt: skip
        service.create_request(session, OFFICER, data)
    report = send_reminders(session, ADMIN, settings)
    assert [m["To"] for m in sink.messages] == ["i@x.example"]
    assert report.recipients == 1
