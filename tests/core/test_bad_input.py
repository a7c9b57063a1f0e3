"""No 5xx for any input (issue 12): each class of bad input Schemathesis found, on both backends.
Duplicates are 409; numbers beyond 64 bits, naive date-times, NUL characters and numbers standing in
for a bool or a date are 422; and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import Account, make_account

TOO_BIG = 2**63


@pytest.fixture
def admin(engine: Engine) -> Account:
    return make_account(engine, "admin")


def _agency(client: TestClient, admin: Account, name: str = "Ministry of Public Security") -> int:
    answer = client.post(
        "/api/v1/agencies", json={"name": name, "kind": "interior", "country": "VN"}, headers=admin.headers
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _is_problem(answer: Any, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == status


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/officials", {"name": "To Lam", "ref": "official-1"}),
        (
            "/api/v1/programmes",
            {"title": "Coordinated Action", "start_year": 2022, "end_year": 2024, "ref": "p-1"},
        ),
        ("/api/v1/citizen-protection", {"country": "KZ", "title": "Students in Almaty", "ref": "case-1"}),
        ("/api/v1/agencies", {"name": "Police", "kind": "police", "country": "RU", "ref": "agency-1"}),
    ],
)
def test_a_duplicate_ref_is_a_conflict(
    client: TestClient, admin: Account, path: str, body: dict[str, Any]
) -> None:
    assert client.post(path, json=body, headers=admin.headers).status_code == 201
    _is_problem(client.post(path, json=body, headers=admin.headers), 409)
    listed = client.get(path, headers=admin.headers).json()
    assert listed["total"] == 1


def test_a_mechanism_member_given_twice_or_again_is_one_member(client: TestClient, admin: Account) -> None:
    member, other = _agency(client, admin), _agency(client, admin, "Ministry of Internal Affairs")
    body = {"name": "Security Dialogue", "kind": "bilateral", "member_agency_ids": [member, member]}
    created = client.post("/api/v1/mechanisms", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    path = f"/api/v1/mechanisms/{created.json()['id']}"
    again = client.patch(path, json={"member_agency_ids": [other, member, other]}, headers=admin.headers)
    assert again.status_code == 200, again.text
    assert sorted(again.json()["member_agency_ids"]) == sorted([member, other])


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/agencies/{TOO_BIG}",
        f"/api/v1/requests/{TOO_BIG}",
        f"/api/v1/agencies?offset={TOO_BIG}",
        f"/api/v1/requests?offset={TOO_BIG}",
        f"/api/v1/audit?offset={TOO_BIG}",
        f"/api/v1/agencies/-{TOO_BIG + 1}",
    ],
)
def test_an_integer_beyond_64_bits_in_the_address_is_invalid(
    client: TestClient, admin: Account, path: str
) -> None:
    _is_problem(client.get(path, headers=admin.headers), 422)


def test_an_integer_beyond_64_bits_in_a_body_is_invalid(client: TestClient, admin: Account) -> None:
    body = {"name": "Police", "kind": "police", "country": "RU", "parent_id": TOO_BIG}
    _is_problem(client.post("/api/v1/agencies", json=body, headers=admin.headers), 422)


@pytest.mark.parametrize("since", ["2024-01-01T00:00:00", "2024-01-01"])
def test_a_date_time_without_a_zone_is_invalid(client: TestClient, admin: Account, since: str) -> None:
    _is_problem(client.get("/api/v1/audit", params={"since": since}, headers=admin.headers), 422)
    zoned = client.get("/api/v1/audit", params={"since": "2024-01-01T00:00:00Z"}, headers=admin.headers)
    assert zoned.status_code == 200


def test_a_nul_character_in_a_search_term_is_invalid(client: TestClient, admin: Account) -> None:
    _is_problem(client.get("/api/v1/search", params={"q": "Ng\x00uyen"}, headers=admin.headers), 422)
    _is_problem(client.get("/api/v1/agencies", params={"q": "Ng\x00uyen"}, headers=admin.headers), 422)


def test_a_nul_character_in_a_body_is_invalid(client: TestClient, admin: Account) -> None:
    body = {"name": "Pol\x00ice", "kind": "police", "country": "RU"}
    _is_problem(client.post("/api/v1/agencies", json=body, headers=admin.headers), 422)
    assert client.get("/api/v1/agencies", headers=admin.headers).json()["total"] == 0


def test_a_nul_character_in_a_comment_is_invalid(engine: Engine, client: TestClient, admin: Account) -> None:
    requesting, requested = _agency(client, admin), _agency(client, admin, "Ministry of Internal Affairs")
    body = {
        "kind": "information_request",
        "direction": "outgoing",
        "requesting_agency_id": requesting,
        "requested_agency_id": requested,
        "title": "Information on a company",
        "crime_areas": ["corruption"],
    }
    created = client.post("/api/v1/requests", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    path = f"/api/v1/requests/{created.json()['id']}/comments"
    _is_problem(client.post(path, json={"body": "a\x00b"}, headers=admin.headers), 422)


def test_a_number_is_not_a_bool(engine: Engine, client: TestClient, admin: Account) -> None:
    other = make_account(engine, "officer")
    answer = client.patch(f"/api/v1/users/{other.username}", json={"is_active": 0}, headers=admin.headers)
    _is_problem(answer, 422)
    assert client.get("/api/v1/me", headers=other.headers).status_code == 200


def test_a_number_is_not_a_date(client: TestClient, admin: Account) -> None:
    body = {"title": "Coordinated Action", "start_year": 2022, "end_year": 2024, "signed_on": 0}
    _is_problem(client.post("/api/v1/programmes", json=body, headers=admin.headers), 422)
    assert client.get("/api/v1/programmes", headers=admin.headers).json()["total"] == 0
