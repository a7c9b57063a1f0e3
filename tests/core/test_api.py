"""The JSON API: problem documents for every error, bad input changes nothing, text round-trips."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from liaison.core.db import unit_of_work, utcnow
from liaison.core.models import ApiToken

PROBLEM = "application/problem+json"
NAMES = ["Lương Tam Quang", "Колокольцев", "王小洪"]


def _count_users(client, admin) -> int:  # type: ignore[no-untyped-def]
    return len(client.get("/api/v1/users", headers=admin.headers).json())


def test_request_without_token_gets_401_problem(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys() and body["status"] == 401


def test_malformed_authorization_header_is_401(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401 and response.headers["content-type"] == PROBLEM


def test_expired_token_is_refused(client, engine, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    officer = accounts_by_role["officer"]
    with unit_of_work(engine) as session:
        session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = client.get("/api/v1/me", headers=officer.headers)
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_revoked_token_is_refused(client, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    admin = accounts_by_role["admin"]
    created = client.post("/api/v1/tokens", json={"username": "analyst"}, headers=admin.headers).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "analyst"
    assert client.delete(f"/api/v1/tokens/{created['id']}", headers=admin.headers).status_code == 200
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"username": "x1", ', "body"),
        ('{"username": 12, "password": "long enough pw", "role": "officer"}', "username"),
        (
            '{"username": "new.one", "password": "long enough pw", "role": "officer", "is_admin": true}',
            "is_admin",
        ),
        ("[1, 2, 3]", "body"),
    ],
    ids=["malformed-json", "wrong-type", "unknown-field", "not-an-object"],
)
def test_bad_bodies_get_422_naming_the_field_and_change_nothing(
    client, accounts_by_role, body, field
) -> None:  # type: ignore[no-untyped-def]
    admin = accounts_by_role["admin"]
    before = _count_users(client, admin)
    response = client.post(
        "/api/v1/users", content=body.encode(), headers={**admin.headers, "content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert field in {error["field"] for error in response.json()["errors"]}
    assert _count_users(client, admin) == before


def test_oversized_body_is_413_and_changes_nothing(client, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    admin = accounts_by_role["admin"]
    before = _count_users(client, admin)
    body = {
        "username": "big.one",
        "password": "long enough pw",
        "role": "officer",
        "full_name": "x" * 2_000_000,
    }
    response = client.post("/api/v1/users", json=body, headers=admin.headers)
    assert response.status_code == 413 and response.headers["content-type"] == PROBLEM
    assert _count_users(client, admin) == before


def test_sql_metacharacters_are_plain_text(client, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    admin = accounts_by_role["admin"]
    name = "Robert'); DROP TABLE user_account;--"
    body = {"username": "bobby.tables", "password": "long enough pw", "role": "analyst", "full_name": name}
    assert client.post("/api/v1/users", json=body, headers=admin.headers).status_code == 201
    users = client.get("/api/v1/users", headers=admin.headers).json()
    assert name in {u["full_name"] for u in users}
    response = client.get(
        "/api/v1/audit", params={"actor": "' OR 1=1 --"}, headers=accounts_by_role["auditor"].headers
    )
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize("name", NAMES)
def test_non_latin_text_round_trips_exactly(client, accounts_by_role, name) -> None:  # type: ignore[no-untyped-def]
    admin = accounts_by_role["admin"]
    body = {"username": "intl.user", "password": "long enough pw", "role": "officer", "full_name": name}
    created = client.post("/api/v1/users", json=body, headers=admin.headers)
    assert created.status_code == 201 and created.json()["full_name"] == name
    users = {u["username"]: u for u in client.get("/api/v1/users", headers=admin.headers).json()}
    assert users["intl.user"]["full_name"] == name


def test_domain_rule_breach_is_422_with_fields(client, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    admin = accounts_by_role["admin"]
    body = {"username": "weak.pw", "password": "short", "role": "officer"}
    response = client.post("/api/v1/users", json=body, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "password"


def test_unknown_route_is_a_404_problem(client, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/no-such-thing", headers=accounts_by_role["admin"].headers)
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM


def test_health_and_readiness_need_no_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json()["status"] == "ready"


def test_readiness_fails_on_an_unmigrated_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from liaison.app import create_app
    from liaison.core.db import make_engine
    from liaison.core.settings import get_settings

    app = create_app(get_settings(), make_engine(f"sqlite:///{tmp_path / 'blank.db'}"))
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503 and "liaison db upgrade" in response.json()["detail"]


def test_openapi_documents_every_route(client, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    document = client.get("/api/v1/openapi.json", headers=accounts_by_role["analyst"].headers).json()
    assert document["openapi"].startswith("3.")
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if not operation.get("description")
    ]
    assert undocumented == []
    assert all(path.startswith("/api/v1/") for path in document["paths"])
