"""The second factor (TOTP) and idle sessions, through the pages, the API, the CLI and the services.

Codes are computed with `pyotp` from the key the enrolment page shows, as an authenticator app
does; nothing of the sign-in is stubbed.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison.core import accounts, second_factor
from liaison.core.db import unit_of_work, utcnow
from liaison.core.errors import Conflict, Invalid, Locked, Unauthenticated
from liaison.core.models import AuditEvent, PageSession, RecoveryCode, SecondFactor
from liaison.core.settings import get_settings
from tests.conftest import Account, csrf_token, enrol, make_account, sign_in_pages
from tests.core.test_cli import _liaison

QR = '<figure class="qr">'  # the enrolment's QR code, drawn as an SVG inside it


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with unit_of_work(engine) as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        session.expunge_all()
        return events


def _trail(engine: Engine) -> str:
    """Everything the audit trail holds, as text, to look for secrets in."""
    with unit_of_work(engine) as session:
        return " ".join(
            f"{e.action} {e.object_id} {e.changes} {e.detail}" for e in session.scalars(select(AuditEvent))
        )


def _password_step(client: TestClient, account: Account, next: str = "/") -> str:
    form = {"csrf_token": csrf_token(client), "username": account.username, "password": account.password}
    response = client.post("/signin", data=form | {"next": next}, follow_redirects=False)
    assert response.status_code == 303
    return str(response.headers["location"])


def _post_code(client: TestClient, code: str, next: str = "/") -> object:
    form = {"csrf_token": csrf_token(client, "/signin/code"), "code": code, "next": next}
    return client.post("/signin/code", data=form, follow_redirects=False)


def _without_factor(engine: Engine, role: str) -> Account:
    """A user who has not enrolled yet (and so no token either)."""
    username = f"new-{role}"
    with unit_of_work(engine) as session:
        accounts.create_user(session, "test", username, f"{username}-password", role)
    return Account(username, f"{username}-password", role)


def test_enrolment_shows_the_key_once_and_stores_it_only_sealed_after_a_first_code(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    assert sign_in_pages(client, officer).status_code == 303  # no second factor yet: password alone
    page = client.get("/account/second-factor")
    assert page.status_code == 200 and QR in page.text and "otpauth" not in page.text
    key = re.search(r'id="second-factor-key">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    sealed = re.search(r'name="enrolment" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"csrf_token": csrf_token(client, "/account/second-factor"), "enrolment": sealed}
    wrong = client.post("/account/second-factor", data=form | {"code": "000000"})
    assert wrong.status_code == 422 and "not right" in wrong.text and key in wrong.text.replace(" ", "")
    with unit_of_work(engine) as session:
        assert session.scalar(select(SecondFactor)) is None
    done = client.post("/account/second-factor", data=form | {"code": pyotp.TOTP(key).now()})
    codes = re.findall(r"<li><code>([a-z2-9-]{14})</code></li>", done.text)
    assert done.status_code == 200 and len(codes) == 10
    again = client.get("/account/second-factor").text
    assert QR not in again and key not in again.replace(" ", "") and codes[0] not in again
    assert "10 unused recovery codes" in again
    with unit_of_work(engine) as session:
        stored = session.scalars(select(SecondFactor)).one().sealed_secret
        hashes = [row.code_hash for row in session.scalars(select(RecoveryCode))]
    assert key not in stored and len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    (event,) = _events(engine, "enrol-second-factor")
    trail = _trail(engine)
    assert event.actor == officer.username and key not in trail and stored not in trail
    assert not any(code in trail or code.replace("-", "") in trail for code in codes)


def test_sign_in_takes_the_password_then_the_code(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    assert _password_step(client, admin, "/users") == "/signin/code?next=/users"
    waiting = client.get("/users", follow_redirects=False)  # the password alone is no sign-in
    assert waiting.status_code == 303 and waiting.headers["location"].startswith("/signin?")
    wrong = _post_code(client, "123456", "/users")
    assert wrong.status_code == 422 and 'role="alert"' in wrong.text  # type: ignore[attr-defined]
    right = _post_code(client, admin.code(), "/users")
    assert right.status_code == 303 and right.headers["location"] == "/users"  # type: ignore[attr-defined]
    assert client.get("/users").status_code == 200
    assert [e.detail for e in _events(engine, "sign-in")] == ["password and TOTP code"]
    with unit_of_work(engine) as session:
        assert accounts.get_user(session, admin.username).failed_signins == 0
    assert len(_events(engine, "second-factor-failed")) == 1


def _other_browser(client: TestClient) -> TestClient:
    """A second browser on the same app: its own cookies (the app is started by `client`)."""
    return TestClient(client.app)


def test_the_same_code_twice_is_refused(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    code = admin.code()
    _password_step(client, admin)
    assert _post_code(client, code).status_code == 303  # type: ignore[attr-defined]
    second = _other_browser(client)
    _password_step(second, admin)
    replayed = _post_code(second, code)
    assert replayed.status_code == 422 and "used already" in replayed.text  # type: ignore[attr-defined]
    with unit_of_work(engine) as session:
        assert accounts.get_user(session, admin.username).failed_signins == 1


def test_a_recovery_code_signs_in_once_and_its_use_is_audited(client: TestClient, engine: Engine) -> None:
    supervisor = make_account(engine, "supervisor")
    code = supervisor.recovery_codes[3].upper().replace("-", " ")  # typed as people do
    _password_step(client, supervisor)
    assert _post_code(client, code).status_code == 303  # type: ignore[attr-defined]
    second = _other_browser(client)
    _password_step(second, supervisor)
    assert _post_code(second, code).status_code == 422  # type: ignore[attr-defined]
    (used,) = _events(engine, "recovery-code-used")
    assert used.actor == supervisor.username and used.detail == "9 left"
    assert supervisor.recovery_codes[3] not in _trail(engine)
    assert [e.detail for e in _events(engine, "sign-in")] == ["password and recovery code"]


def test_wrong_codes_lock_the_account_as_wrong_passwords_do(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    _password_step(client, admin)
    for _ in range(get_settings().signin_lock_after - 1):
        assert _post_code(client, "999999").status_code == 422  # type: ignore[attr-defined]
    locked = _post_code(client, "999999")
    assert locked.status_code == 422  # type: ignore[attr-defined]
    assert _post_code(client, admin.code()).status_code == 401  # type: ignore[attr-defined]  # the sign-in is over
    with unit_of_work(engine) as session:
        user = accounts.get_user(session, admin.username)
        assert accounts.is_locked(user)
        with pytest.raises(Locked):
            accounts.authenticate(session, admin.username, admin.password)
    assert len(_events(engine, "lock")) == 1


def test_an_administrator_without_a_second_factor_must_enrol_before_anything_else(
    client: TestClient, engine: Engine
) -> None:
    admin = _without_factor(engine, "admin")
    assert _password_step(client, admin, "/users") == "/account/second-factor?next=/users"
    for path in ("/users", "/", "/registry/agencies"):
        sent = client.get(path, follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"] == "/account/second-factor"
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["type"].endswith("second-factor-required")
    enrolled = enrol(engine, admin)  # the service the page calls, with the user's own app
    assert enrolled.totp_secret
    # the session stays at the enrolment stage until the page completes it: sign in again
    client.cookies.clear()
    assert sign_in_pages(client, admin, "/users").headers["location"] == "/users"
    assert client.get("/users").status_code == 200


def test_enrolling_on_the_page_completes_a_waiting_sign_in(client: TestClient, engine: Engine) -> None:
    supervisor = _without_factor(engine, "supervisor")
    _password_step(client, supervisor, "/users")
    page = client.get("/account/second-factor?next=/users")
    assert "Your role needs a second factor" in page.text
    key = re.search(r'id="second-factor-key">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    sealed = re.search(r'name="enrolment" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"csrf_token": csrf_token(client, "/account/second-factor"), "enrolment": sealed, "next": "/users"}
    done = client.post("/account/second-factor", data=form | {"code": pyotp.TOTP(key).now()})
    assert done.status_code == 200 and 'href="/users"' in done.text
    assert client.get("/users").status_code == 200


def test_an_enrolment_posted_by_another_user_is_refused(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        first = accounts.create_user(session, "test", "first.user", "first-user-password", "officer")
        other = accounts.create_user(session, "test", "other.user", "other-user-password", "officer")
        enrolment = second_factor.start_enrolment(first)
        code = pyotp.TOTP(enrolment.secret).now()
        with pytest.raises(Invalid, match=r"expired .* or is not yours"):
            second_factor.confirm_enrolment(session, other, enrolment.sealed, code)
        with pytest.raises(Invalid, match=r"expired .* or is not yours"):
            second_factor.confirm_enrolment(session, first, enrolment.sealed[:-4] + "AAAA", code)


def test_an_idle_session_is_signed_out_with_a_readable_message(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    sign_in_pages(client, officer)
    assert client.get("/").status_code == 200
    idle = get_settings().session_idle_minutes
    with unit_of_work(engine) as session:
        page_session = session.scalars(select(PageSession)).one()
        page_session.last_seen_at = utcnow() - timedelta(minutes=idle + 1)
    refused = client.get("/registry/agencies", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"] == "/signin?expired=idle&next=/registry/agencies"
    shown = client.get(refused.headers["location"])
    assert f"You were signed out after {idle} minutes without activity" in shown.text
    with unit_of_work(engine) as session:
        assert session.scalar(select(PageSession)) is None
    (closed,) = [e for e in _events(engine, "sign-out") if e.detail]
    assert closed.actor == officer.username and closed.detail == f"idle for more than {idle} minutes"


def test_a_session_kept_busy_still_ends_at_its_lifetime(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    sign_in_pages(client, officer)
    with unit_of_work(engine) as session:
        page_session = session.scalars(select(PageSession)).one()
        page_session.last_seen_at = utcnow()
        page_session.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/signin")


def test_activity_keeps_a_session_alive(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    sign_in_pages(client, officer)
    idle = get_settings().session_idle_minutes
    with unit_of_work(engine) as session:
        session.scalars(select(PageSession)).one().last_seen_at = utcnow() - timedelta(minutes=idle - 1)
    assert client.get("/").status_code == 200
    with unit_of_work(engine) as session:
        seen = session.scalars(select(PageSession)).one().last_seen_at
    assert seen is not None and utcnow() - seen < timedelta(minutes=1)


def test_an_administrators_token_is_issued_only_against_their_code(
    client: TestClient, engine: Engine
) -> None:
    issuer = make_account(engine, "admin")
    admin = make_account(engine, "admin")
    body = {"username": admin.username, "label": "script"}
    missing = client.post("/api/v1/tokens", json=body, headers=issuer.headers)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "code"
    wrong = client.post("/api/v1/tokens", json=body | {"code": "000000"}, headers=issuer.headers)
    assert wrong.status_code == 422
    with unit_of_work(engine) as session:  # the wrong code counted, though the answer refused
        assert accounts.get_user(session, admin.username).failed_signins == 1
    made = client.post("/api/v1/tokens", json=body | {"code": admin.code()}, headers=issuer.headers)
    assert made.status_code == 201
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {made.json()['token']}"})
    assert me.status_code == 200 and me.json()["username"] == admin.username
    with unit_of_work(engine) as session, pytest.raises(Conflict, match="must enrol a second factor"):
        accounts.create_token(session, "test", _without_factor(engine, "supervisor").username)


def test_a_token_from_before_a_promotion_stops_working(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    assert client.get("/api/v1/me", headers=officer.headers).status_code == 200
    with unit_of_work(engine) as session:
        accounts.update_user(session, "test", officer.username, role="supervisor")
    refused = client.get("/api/v1/me", headers=officer.headers)
    assert refused.status_code == 401 and "second-factor code" in refused.json()["detail"]


def test_an_administrator_resets_a_lost_second_factor_on_the_page(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    supervisor = make_account(engine, "supervisor")
    sign_in_pages(client, admin, "/users")
    person = client.get(f"/users/{supervisor.username}").text
    assert "Reset the second factor" in person
    csrf = csrf_token(client, "/users")
    reset = client.post(f"/users/{supervisor.username}/second-factor/reset", data={"csrf_token": csrf})
    assert reset.status_code == 200 and "enrols again" in reset.text
    assert client.get("/api/v1/me", headers=supervisor.headers).status_code == 401  # token revoked
    (event,) = _events(engine, "reset-second-factor")
    assert event.actor == admin.username and event.detail == "1 token(s) revoked; 0 session(s) signed out"
    assert _password_step(_other_browser(client), supervisor) == "/account/second-factor?next=/"
    with unit_of_work(engine) as session, pytest.raises(Conflict, match="no second factor to reset"):
        accounts.reset_second_factor(session, "test", supervisor.username)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # the command line is the subject here
def test_cli_resets_a_second_factor_and_asks_for_the_code_of_a_token(engine: Engine) -> None:
    supervisor = make_account(engine, "supervisor")
    refused = _liaison(engine, "token", "create", supervisor.username, stdin="000000\n")
    assert refused.returncode == 1 and "not right" in refused.stderr
    made = _liaison(engine, "token", "create", supervisor.username, stdin=supervisor.code() + "\n")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().splitlines()[-1].startswith("lsn_")
    reset = _liaison(engine, "user", "totp-reset", supervisor.username)
    assert reset.returncode == 0 and "enrol again" in reset.stdout
    again = _liaison(engine, "user", "totp-reset", supervisor.username)
    assert again.returncode == 1 and "no second factor to reset" in again.stderr
    assert [e.actor for e in _events(engine, "reset-second-factor")] == ["cli"]
    with unit_of_work(engine) as session:
        assert accounts.get_user(session, supervisor.username).failed_signins == 1
        with pytest.raises(Unauthenticated):
            accounts.user_for_token(session, supervisor.token)


def test_new_recovery_codes_replace_the_old_ones(engine: Engine) -> None:
    officer = enrol(engine, make_account(engine, "officer"))
    with unit_of_work(engine) as session:
        user = accounts.get_user(session, officer.username)
        with pytest.raises(second_factor.WrongCode):
            second_factor.new_recovery_codes(session, user, officer.recovery_codes[0])  # not a TOTP code
        fresh = second_factor.new_recovery_codes(session, user, officer.code())
    with unit_of_work(engine) as session:
        user = accounts.get_user(session, officer.username)
        with pytest.raises(second_factor.WrongCode):
            second_factor.check(session, user, officer.recovery_codes[0])
        assert second_factor.check(session, user, fresh[0]) == "recovery code"
        assert second_factor.recovery_codes_left(session, user) == 9
