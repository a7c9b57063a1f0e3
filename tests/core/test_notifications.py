"""Notifications: the reminder sweep against a real SMTP server on loopback (aiosmtpd), the bell
and read/unread through the API and the pages, each user's choices, and the gate."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison import capabilities
from liaison.core import accounts, notifications
from liaison.core.db import unit_of_work, utcnow
from liaison.core.models import Notification
from liaison.core.settings import Settings, get_settings
from liaison.requests import service
from liaison.requests.models import CooperationRequest
from tests.conftest import Account, csrf_token, make_account, sign_in_pages
from tests.mail import Sink, serving
from tests.requests.factories import OFFICER, agency, request_data

UNIT = OFFICER.unit


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, Settings]]:
    with serving(public_url="https://liaison.example") as running:
        yield running


def body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def overdue_request(
    session: Session, responsible: str, *, title: str = "Overdue inquiry from Moscow", code: str = "H1",
    days_ago: float = 20,
) -> CooperationRequest:  # fmt: skip
    """An incoming information request received `days_ago` days ago, owned by the officer's unit."""
    russia = agency(session, f"MVD {title}", "RU", "interior")
    mps = agency(session, f"MPS {title}", "VN", "interior")
    data = request_data(
        russia, mps, kind="information_request", direction="incoming",
        details={"questions": "Q", "purpose": "P"}, received_at=utcnow() - timedelta(days=days_ago),
        responsible_username=responsible, title=title, handling_code=code,
    )  # fmt: skip
    return service.create_request(session, OFFICER, data)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as db:
        yield db
        db.rollback()


def test_the_reminder_for_an_overdue_request_reaches_the_smtp_server_once(
    session: Session, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    accounts.create_user(
        session, "test", "hanh", "hanh-password-1", "officer", email="hanh@mps.example", unit=UNIT
    )
    request = overdue_request(session, "hanh")

    report = notifications.run(session, settings)

    assert report.messages == 1 and report.mail_error == ""
    (message,) = sink.messages
    assert message["To"] == "hanh@mps.example"
    text = body(message)
    assert "Deadlines passed:" in text and "Overdue inquiry from Moscow" in text
    assert f"https://liaison.example/requests/{request.id}" in text
    stored = session.scalars(select(Notification).where(Notification.recipient == "hanh")).all()
    assert {n.kind for n in stored} >= {"deadline_passed", "incoming_request"}
    assert all(n.email in ("sent", "") for n in stored)

    again = notifications.run(session, settings)
    assert (again.created, again.messages) == (0, 0)
    assert len(sink.messages) == 1


def test_a_mail_server_that_is_down_leaves_the_mail_pending_for_the_next_run(
    session: Session, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    accounts.create_user(
        session, "test", "hanh", "hanh-password-1", "officer", email="hanh@mps.example", unit=UNIT
    )
    overdue_request(session, "hanh")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    down = notifications.run(session, settings.model_copy(update={"smtp_port": closed}))
    assert down.messages == 0 and "Connection" in down.mail_error
    later = notifications.run(session, settings)
    assert later.messages == 1 and len(sink.messages) == 1


def test_a_user_who_chose_no_email_is_told_in_the_app_only_and_one_who_chose_no_app_by_mail_only(
    session: Session, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    app_only = accounts.create_user(
        session, "test", "apponly", "apponly-password", "officer", email="a@mps.example", unit=UNIT
    )
    mail_only = accounts.create_user(
        session, "test", "mailonly", "mailonly-password", "officer", email="m@mps.example", unit=UNIT
    )
    every_kind = notifications.choosable()
    notifications.set_preferences(
        session, app_only, {k: notifications.Choice(True, False) for k in every_kind}
    )
    notifications.set_preferences(
        session, mail_only, {k: notifications.Choice(False, True) for k in every_kind}
    )
    overdue_request(session, "apponly", title="For the app")
    overdue_request(session, "mailonly", title="For the mail")

    notifications.run(session, settings)

    assert [m["To"] for m in sink.messages] == ["m@mps.example"]
    assert notifications.unread_count(session, app_only) > 0
    assert notifications.unread_count(session, mail_only) == 0
    shown, _ = notifications.list_for(session, app_only)
    assert "For the app" in {n.title for n in shown}


def test_a_user_of_another_unit_is_never_told_of_an_h3_request(
    session: Session, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    outsider = accounts.create_user(
        session, "test", "outsider", "outsider-pass-1", "officer", email="o@x.example", unit="border"
    )
    insider = accounts.create_user(
        session, "test", "insider", "insider-pass-1", "officer", email="i@x.example", unit=UNIT
    )
    for responsible in ("outsider", "insider"):  # made responsible, but the gate still decides
        overdue_request(session, responsible, title=f"Restricted inquiry {responsible}", code="H3")

    notifications.run(session, settings)

    assert notifications.list_for(session, outsider) == ([], 0)
    assert session.scalars(select(Notification).where(Notification.recipient == "outsider")).all() == []
    assert [m["To"] for m in sink.messages] == ["i@x.example"]
    titles = {n.title for n in notifications.list_for(session, insider)[0]}
    assert titles == {"Restricted inquiry outsider", "Restricted inquiry insider"}  # both are the unit's


def test_a_new_incoming_request_notifies_its_unit_at_once_through_the_event(session: Session) -> None:
    capabilities.install(capabilities.enabled())  # the subscriptions of the capabilities this node runs
    colleague = accounts.create_user(session, "test", "colleague", "colleague-pass-1", "officer", unit=UNIT)
    stranger = accounts.create_user(session, "test", "stranger", "stranger-pass-1", "officer", unit="border")
    request = overdue_request(session, "", title="Just arrived", code="H2", days_ago=0)
    (told,) = notifications.list_for(session, colleague)[0]
    assert (told.kind, told.key, told.link) == (
        "incoming_request",
        f"request:{request.id}:incoming",
        f"/requests/{request.id}",
    )
    assert notifications.list_for(session, stranger)[1] == 0


def test_preferences_refuse_an_unknown_kind_and_change_nothing(session: Session) -> None:
    user = accounts.create_user(session, "test", "chooser", "chooser-pass-1", "officer", unit=UNIT)
    before = notifications.preferences(session, "chooser")
    with pytest.raises(Exception, match="Unknown kind"):
        notifications.set_preferences(session, user, {"weather": notifications.Choice(True, True)})
    assert notifications.preferences(session, "chooser") == before


# ---------------------------------------------------------------- through the API and the pages


def _overdue_for(engine: Engine, account: Account) -> int:
    with unit_of_work(engine) as session:
        request = overdue_request(session, account.username, title="Overdue for the bell")
        notifications.sweep(session)
        return request.id


def test_read_and_unread_through_the_api(engine: Engine, client: TestClient) -> None:
    officer = make_account(engine, "officer", unit=UNIT)
    other = make_account(engine, "officer", unit=UNIT)
    _overdue_for(engine, officer)

    listed = client.get("/api/v1/notifications?unread=true", headers=officer.headers).json()
    assert listed["total"] >= 1
    first = listed["items"][0]
    assert first["read_at"] is None

    read = client.post(f"/api/v1/notifications/{first['id']}/read", headers=officer.headers)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread_now = client.get("/api/v1/notifications?unread=true", headers=officer.headers).json()["total"]
    assert unread_now == listed["total"] - 1

    assert (
        client.post(f"/api/v1/notifications/{first['id']}/unread", headers=officer.headers).json()["read_at"]
        is None
    )
    # another user's notification is answered as a missing one
    assert client.post(f"/api/v1/notifications/{first['id']}/read", headers=other.headers).status_code == 404

    marked = client.post("/api/v1/notifications/read-all", headers=officer.headers).json()["marked"]
    assert marked == listed["total"]
    assert client.get("/api/v1/notifications?unread=true", headers=officer.headers).json()["total"] == 0


def test_preferences_through_the_api(engine: Engine, client: TestClient) -> None:
    officer = make_account(engine, "officer", unit=UNIT)
    chosen = client.put(
        "/api/v1/notifications/preferences",
        json={"deadline_passed": {"in_app": False, "email": True}},
        headers=officer.headers,
    )
    assert chosen.status_code == 200
    assert chosen.json()["deadline_passed"] == {"in_app": False, "email": True}
    refused = client.put(
        "/api/v1/notifications/preferences",
        json={"weather": {"in_app": True, "email": True}},
        headers=officer.headers,
    )
    assert refused.status_code == 422
    read_back = client.get("/api/v1/notifications/preferences", headers=officer.headers).json()
    assert read_back["deadline_passed"] == {"in_app": False, "email": True}


def _unread_shown(html: str) -> int:
    match = re.search(r'data-testid="unread-count">(\d+)<', html)
    assert match, "no bell in the header"
    return int(match.group(1))


def test_the_bell_counts_unread_and_the_page_marks_read_and_unread(
    engine: Engine, client: TestClient
) -> None:
    officer = make_account(engine, "officer", unit=UNIT)
    request_id = _overdue_for(engine, officer)
    sign_in_pages(client, officer)

    page = client.get("/notifications")
    assert page.status_code == 200 and "Overdue for the bell" in page.text
    count = _unread_shown(page.text)
    assert count >= 1
    ids = [int(i) for i in re.findall(r'action="/notifications/(\d+)/read"', page.text)]
    assert len(ids) == count

    token = csrf_token(client, "/notifications")
    client.post(f"/notifications/{ids[0]}/read", data={"csrf_token": token}, follow_redirects=True)
    assert _unread_shown(client.get("/").text) == count - 1
    client.post(f"/notifications/{ids[0]}/unread", data={"csrf_token": token}, follow_redirects=True)
    assert _unread_shown(client.get("/").text) == count

    opened = client.post(f"/notifications/{ids[0]}/open", data={"csrf_token": token}, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"].startswith("/requests/")
    assert opened.headers["location"] == f"/requests/{request_id}"

    client.post("/notifications/read-all", data={"csrf_token": token})
    assert _unread_shown(client.get("/notifications").text) == 0


def test_the_preferences_page_saves_the_choices(engine: Engine, client: TestClient) -> None:
    officer = make_account(engine, "officer", unit=UNIT)
    sign_in_pages(client, officer)
    token = csrf_token(client, "/account/notifications")
    saved = client.post(
        "/account/notifications",
        data={"csrf_token": token, "deadline_passed.email": "on", "approval.in_app": "on"},
    )
    assert saved.status_code == 200 and "Your choices are saved." in saved.text
    with unit_of_work(engine) as session:
        choices = notifications.preferences(session, officer.username)
    assert choices["deadline_passed"] == notifications.Choice(in_app=False, email=True)
    assert choices["approval"] == notifications.Choice(in_app=True, email=False)
    assert choices["hit_review"] == notifications.Choice(in_app=False, email=False)


def test_the_api_takes_a_choice_for_every_kind_a_user_may_choose() -> None:
    from liaison.core.schemas import NotificationPreferencesIn

    assert list(NotificationPreferencesIn.model_fields) == notifications.choosable()


def test_notify_run_is_a_command_of_the_cli() -> None:
    from typer.testing import CliRunner

    from liaison.cli import app

    result = CliRunner().invoke(app, ["notify", "run", "--help"])
    assert result.exit_code == 0 and "sends nothing new" in result.output


def test_the_worker_loop_sweeps_until_asked_to_stop(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        accounts.create_user(session, "test", "hanh", "hanh-password-1", "officer", unit=UNIT)
        overdue_request(session, "hanh")
    stop = threading.Event()
    settings = get_settings().model_copy(update={"notify_interval_seconds": 0.05})
    loop = threading.Thread(target=notifications.worker, args=(engine, stop, settings))
    loop.start()
    try:
        deadline = time.monotonic() + 60
        found: list[str] = []
        while not found and time.monotonic() < deadline:
            with unit_of_work(engine) as session:
                found = list(
                    session.scalars(
                        select(Notification.kind).where(
                            Notification.recipient == "hanh", Notification.kind == "deadline_passed"
                        )
                    )
                )
            time.sleep(0.05)
        assert found, "the worker made no reminder"
    finally:
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive()
