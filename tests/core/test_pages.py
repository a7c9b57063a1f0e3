"""Pages through HTTP: sign-in cookie, CSRF on every form, sign-out, language."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.core.security import policy
from tests.conftest import Account, make_account, sign_in_pages


def _csrf(client: TestClient, path: str = "/signin") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match is not None
    return match.group(1)


def _sign_in(client: TestClient, account: Account) -> None:
    response = sign_in_pages(client, account, next="/users")
    assert response.status_code == 303 and response.headers["location"] == "/users"


def test_session_cookie_is_httponly_and_samesite(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    response = client.post(
        "/signin",
        data={"csrf_token": _csrf(client), "username": admin.username, "password": admin.password},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert "liaison_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_sign_in_without_csrf_token_is_refused(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    client.get("/signin")
    response = client.post("/signin", data={"username": admin.username, "password": admin.password})
    assert response.status_code == 403
    assert "liaison_session" not in client.cookies


def test_form_post_without_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, engine: Engine
) -> None:
    admin = make_account(engine, "admin")
    _sign_in(client, admin)
    response = client.post(
        "/users", data={"username": "sneaky", "password": "long enough pw", "role": "admin"}
    )
    assert response.status_code == 403
    assert "did not come from Liaison" in response.text
    with unit_of_work(engine) as session:
        assert "sneaky" not in {u.username for u in accounts.list_users(session)}


def test_admin_adds_a_user_through_the_form(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    _sign_in(client, admin)
    form = {
        "csrf_token": _csrf(client, "/users"),
        "username": "thu.tran",
        "full_name": "Trần Thị Thu",
        "role": "officer",
        "unit": "",
        "password": "long enough pw",
    }
    assert client.post("/users", data=form, follow_redirects=False).status_code == 303
    assert "Trần Thị Thu" in client.get("/users").text


def test_invalid_user_form_shows_the_error_and_saves_nothing(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    _sign_in(client, admin)
    form = {
        "csrf_token": _csrf(client, "/users"),
        "username": "thu.tran",
        "role": "officer",
        "password": "short",
    }
    response = client.post("/users", data=form)
    assert response.status_code == 422 and "too short" in response.text
    with unit_of_work(engine) as session:
        assert "thu.tran" not in {u.username for u in accounts.list_users(session)}


def test_sign_out_ends_the_session(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    _sign_in(client, admin)
    assert client.get("/users").status_code == 200
    client.post("/signout", data={"csrf_token": _csrf(client, "/users")})
    response = client.get("/users", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")


def test_language_follows_the_browser_then_the_choice(client: TestClient) -> None:
    assert "Đăng nhập" in client.get("/signin", headers={"Accept-Language": "vi-VN,vi;q=0.9"}).text
    client.post("/language", data={"csrf_token": _csrf(client), "language": "en", "next": "/signin"})
    assert "<h1>Sign in</h1>" in client.get("/signin", headers={"Accept-Language": "vi"}).text


def test_sign_in_redirect_stays_on_this_site(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    response = sign_in_pages(client, admin, next="//evil.example/")
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_session_cookie_is_secure_under_https(app, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    admin = make_account(engine, "admin")
    with TestClient(app, base_url="https://testserver") as secure_client:
        response = secure_client.post(
            "/signin",
            data={"csrf_token": _csrf(secure_client), "username": admin.username, "password": admin.password},
            follow_redirects=False,
        )
    assert "Secure" in response.headers["set-cookie"]


def test_add_user_form_preselects_the_least_privileged_role(client: TestClient, engine: Engine) -> None:
    """Not the first role of the list (admin): the one the policy allows the fewest actions."""
    assert policy.least_privileged_role() == "auditor"
    admin = make_account(engine, "admin")
    _sign_in(client, admin)
    page = client.get("/users").text
    selected = re.findall(
        r'<option value="(\w+)" selected>', page.split('id="new-role"', 1)[1].split("</select>")[0]
    )
    assert selected == ["auditor"]
