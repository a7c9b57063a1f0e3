"""Accounts through pages and the API: one's own password, an administrator's reset, the lock
and e-mail addresses; every write audited without the secret."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.app import create_app
from liaison.core import accounts
from liaison.core.db import unit_of_work, utcnow
from liaison.core.models import AuditEvent, PageSession
from liaison.core.settings import get_settings
from tests.conftest import Account, make_account, sign_in_pages

NEW_PASSWORD = "a brand new passphrase"


def _csrf(client: TestClient, path: str = "/signin") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match is not None
    return match.group(1)


def _sign_in(client: TestClient, account: Account) -> None:
    assert sign_in_pages(client, account).status_code == 303


def _audited(engine: Engine, action: str) -> list[AuditEvent]:
    with unit_of_work(engine) as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        session.expunge_all()
        return events


def test_own_password_change_keeps_this_browser_and_signs_out_the_others(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    with TestClient(create_app(get_settings(), engine)) as other_browser:
        _sign_in(other_browser, officer)
        _sign_in(client, officer)
        form = {
            "csrf_token": _csrf(client, "/account/password"),
            "current_password": officer.password,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        }
        response = client.post("/account/password", data=form)
        assert response.status_code == 200 and "Your password has been changed" in response.text
        assert client.get("/", follow_redirects=False).status_code == 200
        assert other_browser.get("/", follow_redirects=False).status_code == 303
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, officer.username, NEW_PASSWORD)
        assert session.scalar(select(func.count()).select_from(PageSession)) == 1
    (event,) = _audited(engine, "set-password")
    assert event.actor == officer.username
    assert NEW_PASSWORD not in repr(event.changes) + event.detail


def test_wrong_current_password_is_a_readable_error_and_changes_nothing(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    _sign_in(client, officer)
    form = {
        "csrf_token": _csrf(client, "/account/password"),
        "current_password": "not my password",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    response = client.post("/account/password", data=form, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "The current password is not right; the password was not changed." in response.text
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, officer.username, officer.password)
    assert _audited(engine, "set-password") == []


def test_own_password_change_in_vietnamese_shows_the_policy_in_vietnamese(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    _sign_in(client, officer)
    client.post("/language", data={"csrf_token": _csrf(client, "/"), "language": "vi", "next": "/"})
    form = {
        "csrf_token": _csrf(client, "/account/password"),
        "current_password": officer.password,
        "password": "short",
        "password_again": "short",
    }
    response = client.post("/account/password", data=form)
    assert response.status_code == 422
    assert "Mật khẩu quá ngắn: hãy dùng ít nhất 12 ký tự." in response.text


def test_admin_sees_the_lock_clears_it_and_resets_the_password(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    analyst = make_account(engine, "analyst", username="locked.analyst")
    with unit_of_work(engine) as session:
        user = accounts.get_user(session, analyst.username)
        user.failed_signins, user.locked_until = 5, utcnow() + timedelta(minutes=15)
        accounts.open_page_session(session, user)
    _sign_in(client, admin)
    listed = client.get("/users").text
    assert "Locked until" in listed and f"{utcnow():%Y}" in listed.split("locked.analyst", 1)[1]
    csrf = _csrf(client, "/users")
    assert client.post(f"/users/{analyst.username}/unlock", data={"csrf_token": csrf}).status_code == 200
    assert "not locked" in client.get(f"/users/{analyst.username}").text
    reset = client.post(
        f"/users/{analyst.username}/password", data={"csrf_token": csrf, "password": NEW_PASSWORD}
    )
    assert reset.status_code == 200 and "The password has been set" in reset.text
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, analyst.username, NEW_PASSWORD)
        analyst_id = accounts.get_user(session, analyst.username).id
        assert session.scalar(select(func.count()).where(PageSession.user_id == analyst_id)) == 0
    assert [e.actor for e in _audited(engine, "unlock")] == [admin.username]
    (reset_event,) = _audited(engine, "set-password")
    assert reset_event.actor == admin.username and NEW_PASSWORD not in repr(reset_event.changes)


def test_admin_reset_with_a_common_password_is_refused(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    officer = make_account(engine, "officer")
    _sign_in(client, admin)
    form = {"csrf_token": _csrf(client, "/users"), "password": "password1234"}
    response = client.post(f"/users/{officer.username}/password", data=form)
    assert response.status_code == 422 and "too easy to guess" in response.text
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, officer.username, officer.password)


def test_admin_edits_an_email_on_the_page_and_a_bad_one_is_refused(
    client: TestClient, engine: Engine
) -> None:
    admin = make_account(engine, "admin")
    officer = make_account(engine, "officer")
    _sign_in(client, admin)
    csrf = _csrf(client, "/users")
    form = {"csrf_token": csrf, "email": "hanh@mps.example", "full_name": "Vũ Thị Hạnh"}
    assert client.post(f"/users/{officer.username}", data=form, follow_redirects=False).status_code == 303
    assert "hanh@mps.example" in client.get("/users").text
    refused = client.post(f"/users/{officer.username}", data={**form, "email": "hanh@"})
    assert refused.status_code == 422 and "is not valid" in refused.text
    with unit_of_work(engine) as session:
        assert accounts.get_user(session, officer.username).email == "hanh@mps.example"


def test_supervisor_may_see_users_but_not_reset_passwords(client: TestClient, engine: Engine) -> None:
    supervisor = make_account(engine, "supervisor")
    officer = make_account(engine, "officer")
    _sign_in(client, supervisor)
    assert client.get(f"/users/{officer.username}").status_code == 200
    form = {"csrf_token": _csrf(client, "/users"), "password": NEW_PASSWORD}
    assert client.post(f"/users/{officer.username}/password", data=form).status_code == 403
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, officer.username, officer.password)


def test_api_reset_unlock_and_email(client: TestClient, engine: Engine, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    admin, officer = accounts_by_role["admin"], accounts_by_role["officer"]
    with unit_of_work(engine) as session:
        accounts.get_user(session, officer.username).locked_until = utcnow() + timedelta(minutes=15)
    listed = {u["username"]: u for u in client.get("/api/v1/users", headers=admin.headers).json()}
    assert listed["officer"]["locked_until"] is not None
    unlocked = client.post("/api/v1/users/officer/unlock", headers=admin.headers)
    assert unlocked.status_code == 200 and unlocked.json()["locked_until"] is None
    patched = client.patch(
        "/api/v1/users/officer", json={"email": "Officer@MPS.example"}, headers=admin.headers
    )
    assert patched.status_code == 200 and patched.json()["email"] == "Officer@mps.example"
    bad = client.patch("/api/v1/users/officer", json={"email": "officer"}, headers=admin.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"
    reset = client.post(
        "/api/v1/users/officer/password", json={"password": NEW_PASSWORD}, headers=admin.headers
    )
    assert reset.status_code == 200
    refused = client.post(
        "/api/v1/users/officer/password", json={"password": NEW_PASSWORD}, headers=officer.headers
    )
    assert refused.status_code == 403
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, officer.username, NEW_PASSWORD)


def test_api_own_password_change_needs_the_current_one(
    client: TestClient, engine: Engine, accounts_by_role
) -> None:  # type: ignore[no-untyped-def]
    analyst = accounts_by_role["analyst"]
    body = {"current_password": "not my password", "password": NEW_PASSWORD}
    refused = client.post("/api/v1/me/password", json=body, headers=analyst.headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "current_password"
    body["current_password"] = analyst.password
    assert client.post("/api/v1/me/password", json=body, headers=analyst.headers).status_code == 204
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, analyst.username, NEW_PASSWORD)
