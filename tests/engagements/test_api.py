"""Engagements, commitments and citizen-protection cases through the JSON API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.core.db import unit_of_work
from tests.conftest import make_account
from tests.registry import factories


def setting(engine: Engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        vn = factories.agency(session, "Bộ Công an", country="VN")
        kz = factories.agency(
            session, "Anti-Corruption Agency of Kazakhstan", country="KZ", kind="anti_corruption"
        )
        quang = factories.official(session, "Lương Tam Quang", agency_id=vn.id)
        askhat = factories.official(
            session, "Zhumagali Askhat", agency_id=kz.id, names=[{"text": "Асхат Жумагали", "lang": "ru"}]
        )
        return {"vn": vn.id, "kz": kz.id, "quang": quang.id, "askhat": askhat.id}


def test_record_an_engagement_with_participants_and_source(client: TestClient, engine: Engine) -> None:
    ids, headers = setting(engine), make_account(engine, "officer").headers
    created = client.post(
        "/api/v1/engagements",
        headers=headers,
        json={
            "kind": "reception",
            "title": "Tiếp Chủ tịch Cơ quan Chống tham nhũng Kazakhstan",
            "held_on": "2025-02-25",
            "place": "Hà Nội",
            "place_country": "VN",
            "country": "KZ",
            "agency_ids": [ids["vn"], ids["kz"]],
            "participants": [
                {"official_id": ids["quang"], "role": "host"},
                {"official_id": ids["askhat"], "role": "head_of_delegation"},
            ],
            "crime_areas": ["corruption"],
            "sources": [{"file": "seeds/000.txt", "quote": "hosted a reception in Hà Nội on Tuesday"}],
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["participants"] == [
        {"official_id": ids["quang"], "role": "host"},
        {"official_id": ids["askhat"], "role": "head_of_delegation"},
    ]
    hits = client.get("/api/v1/search", params={"q": "co quan chong tham nhung"}, headers=headers).json()
    assert ("engagement", body["id"]) in {(h["entity"], h["id"]) for h in hits}
    listed = client.get(
        "/api/v1/engagements",
        headers=headers,
        params={"country": "KZ", "date_from": "2025-01-01", "crime_area": "corruption"},
    ).json()
    assert [e["id"] for e in listed["items"]] == [body["id"]]


def test_bad_engagement_input_saves_nothing(client: TestClient, engine: Engine) -> None:
    ids, headers = setting(engine), make_account(engine, "officer").headers
    base = {"kind": "talks", "title": "Hội đàm", "held_on": "2024-08-20"}
    cases = [
        {**base, "end_on": "2024-08-19"},
        {**base, "country": "ZZ"},
        {**base, "kind": "party"},
        {**base, "participants": [{"official_id": 999999}]},
        {**base, "title": "会" * 301},
        {**base, "agency_ids": [ids["vn"], 999999]},
    ]
    for body in cases:
        response = client.post("/api/v1/engagements", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
    assert client.get("/api/v1/engagements", headers=headers).json()["total"] == 0


def test_commitment_on_a_missing_engagement_is_refused(client: TestClient, engine: Engine) -> None:
    headers = make_account(engine, "officer").headers
    response = client.post(
        "/api/v1/commitments",
        headers=headers,
        json={"engagement_id": 999999, "text": "Trao đổi thông tin", "kind": "agreed"},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "engagement_id"
    assert client.get("/api/v1/commitments", headers=headers, params={"status": ""}).json()["total"] == 0


def test_record_follow_up_and_close_a_commitment(client: TestClient, engine: Engine) -> None:
    ids, headers = setting(engine), make_account(engine, "officer").headers
    engagement = client.post(
        "/api/v1/engagements",
        headers=headers,
        json={"kind": "talks", "title": "Talks", "held_on": "2025-02-25", "country": "KZ"},
    ).json()
    commitment = client.post(
        "/api/v1/commitments",
        headers=headers,
        json={
            "engagement_id": engagement["id"],
            "text": "Negotiate an agreement on crime prevention",
            "kind": "urged",
            "party_agency_ids": [ids["vn"], ids["kz"]],
            "owner_agency_id": ids["vn"],
            "due_date": "2025-12-31",
        },
    ).json()
    assert commitment["status"] == "open" and commitment["allowed_next"] == ["in_progress", "done", "dropped"]
    url = f"/api/v1/commitments/{commitment['id']}/follow-ups"
    assert client.post(url, json={}, headers=headers).status_code == 422  # neither a note nor a status
    progressed = client.post(
        url, json={"status": "in_progress", "note": "Draft sent"}, headers=headers
    ).json()
    assert progressed["status"] == "in_progress"
    done = client.post(
        url, json={"status": "done", "note": "Signed", "noted_on": "2025-11-01"}, headers=headers
    )
    assert done.json()["status"] == "done" and len(done.json()["follow_ups"]) == 2
    illegal = client.post(url, json={"status": "dropped"}, headers=headers)
    assert illegal.status_code == 409 and illegal.json()["allowed"] == ["in_progress"]
    view = client.get("/api/v1/partners/KZ", headers=headers).json()
    assert view["open_commitments"] == []
    still_open = client.get(
        "/api/v1/commitments", params={"status": "open,in_progress"}, headers=headers
    ).json()
    assert still_open["total"] == 0


def test_citizen_protection_case_needs_a_known_country_and_group(client: TestClient, engine: Engine) -> None:
    headers = make_account(engine, "officer").headers
    ok = client.post(
        "/api/v1/citizen-protection",
        headers=headers,
        json={
            "country": "RU",
            "title": "Bảo hộ doanh nhân, sinh viên tại Nga",
            "concerned": ["business_people", "students"],
        },
    )
    assert ok.status_code == 201
    assert (
        client.post(
            "/api/v1/citizen-protection", headers=headers, json={"country": "SU", "title": "USSR"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/citizen-protection",
            headers=headers,
            json={"country": "RU", "title": "x", "concerned": ["diplomats"]},
        ).status_code
        == 422
    )
    case_id = ok.json()["id"]
    closed = client.patch(f"/api/v1/citizen-protection/{case_id}", json={"status": "closed"}, headers=headers)
    assert closed.json()["status"] == "closed"
    assert (
        client.get("/api/v1/citizen-protection", params={"country": "RU"}, headers=headers).json()["total"]
        == 1
    )
