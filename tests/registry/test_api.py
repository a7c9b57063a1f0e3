"""The registry's JSON routes: create, read, update, list with filters, sorting and pagination,
and every kind of bad input answered with a clear problem and nothing saved."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import make_account


def officer(engine: Engine) -> dict[str, str]:
    return make_account(engine, "officer").headers


def test_agency_create_read_update_list(client: TestClient, engine: Engine) -> None:
    headers = officer(engine)
    for name, country in (("Bộ Công an", "VN"), ("Ministry of Home Affairs", "SG"), ("МВД России", "RU")):
        response = client.post(
            "/api/v1/agencies", json={"name": name, "kind": "interior", "country": country}, headers=headers
        )
        assert response.status_code == 201, response.text
    agency_id = response.json()["id"]
    patched = client.patch(
        f"/api/v1/agencies/{agency_id}",
        headers=headers,
        json={"acronym": "MVD", "names": [{"text": "Ministry of Internal Affairs", "lang": "en"}]},
    )
    assert (
        patched.json()["acronym"] == "MVD"
        and patched.json()["names"][0]["text"] == "Ministry of Internal Affairs"
    )
    assert client.get(f"/api/v1/agencies/{agency_id}", headers=headers).json()["name"] == "МВД России"
    page = client.get("/api/v1/agencies", params={"sort": "-country", "limit": 2}, headers=headers).json()
    assert page["total"] == 3 and [a["country_code"] for a in page["items"]] == ["VN", "SG"]
    second = client.get(
        "/api/v1/agencies", params={"sort": "-country", "limit": 2, "offset": 2}, headers=headers
    )
    assert [a["country_code"] for a in second.json()["items"]] == ["RU"]
    filtered = client.get("/api/v1/agencies", params={"q": "ministry internal"}, headers=headers).json()
    assert [a["id"] for a in filtered["items"]] == []  # words must be a suffix of a name form
    filtered = client.get("/api/v1/agencies", params={"q": "internal affairs"}, headers=headers).json()
    assert [a["id"] for a in filtered["items"]] == [agency_id]
    bad_sort = client.get("/api/v1/agencies", params={"sort": "password"}, headers=headers)
    assert bad_sort.status_code == 422


def test_bad_agency_input_is_a_problem_and_saves_nothing(client: TestClient, engine: Engine) -> None:
    headers = officer(engine)
    unknown = client.post(
        "/api/v1/agencies", json={"name": "X", "kind": "police", "country": "XX"}, headers=headers
    )
    assert unknown.status_code == 422 and unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["errors"][0]["field"] == "country"
    too_long = client.post(
        "/api/v1/agencies", json={"name": "Ж" * 301, "kind": "police", "country": "RU"}, headers=headers
    )
    assert too_long.status_code == 422
    notes_too_long = client.post(
        "/api/v1/agencies",
        headers=headers,
        json={"name": "Police", "kind": "police", "country": "RU", "notes": "x" * 20_001},
    )
    assert notes_too_long.status_code == 422
    kind = client.post(
        "/api/v1/agencies", json={"name": "X", "kind": "army", "country": "RU"}, headers=headers
    )
    assert kind.status_code == 422
    first = client.post(
        "/api/v1/agencies", json={"name": "Cảnh sát", "kind": "police", "country": "VN"}, headers=headers
    )
    duplicate = client.post(
        "/api/v1/agencies", json={"name": "canh sat", "kind": "police", "country": "VN"}, headers=headers
    )
    assert first.status_code == 201 and duplicate.status_code == 409
    assert client.get("/api/v1/agencies", headers=headers).json()["total"] == 1


def test_agreement_lifecycle_and_illegal_transition(client: TestClient, engine: Engine) -> None:
    headers = officer(engine)
    parties = [{"country": "VN"}, {"country": "KZ"}]
    one_party = client.post(
        "/api/v1/agreements",
        headers=headers,
        json={"title": "Hiệp định", "kind": "extradition", "parties": parties[:1]},
    )
    assert one_party.status_code == 422 and one_party.json()["errors"][0]["field"] == "parties"
    created = client.post(
        "/api/v1/agreements",
        headers=headers,
        json={
            "title": "Hiệp định dẫn độ Việt Nam – Kazakhstan",
            "kind": "extradition",
            "parties": parties,
            "crime_areas": ["corruption"],
            "history": [{"status": "proposed", "effective_on": "2025-02-25"}],
        },
    )
    assert created.status_code == 201, created.text
    agreement_id = created.json()["id"]
    for status, on in (("negotiating", "2025-06-01"), ("signed", "2025-12-01"), ("in_force", "2026-03-01")):
        moved = client.post(
            f"/api/v1/agreements/{agreement_id}/status",
            headers=headers,
            json={"status": status, "effective_on": on},
        )
        assert moved.status_code == 200 and moved.json()["status"] == status
    backwards = client.post(
        f"/api/v1/agreements/{agreement_id}/status",
        headers=headers,
        json={"status": "signed", "effective_on": "2026-04-01"},
    )
    assert backwards.status_code == 409
    assert backwards.json()["allowed"] == ["amended", "suspended", "terminated"]
    earlier = client.post(
        f"/api/v1/agreements/{agreement_id}/status",
        headers=headers,
        json={"status": "suspended", "effective_on": "2020-01-01"},
    )
    assert earlier.status_code == 422
    listed = client.get(
        "/api/v1/agreements",
        headers=headers,
        params={"country": "kz", "status": "in_force", "crime_area": "corruption"},
    ).json()
    assert [a["id"] for a in listed["items"]] == [agreement_id]
    assert (
        client.get("/api/v1/agreements", headers=headers, params={"crime_area": "terrorism"}).json()["total"]
        == 0
    )
    history = client.get(f"/api/v1/agreements/{agreement_id}", headers=headers).json()["history"]
    assert [h["status"] for h in history] == ["proposed", "negotiating", "signed", "in_force"]


def test_unknown_partner_and_missing_records_are_404(client: TestClient, engine: Engine) -> None:
    headers = officer(engine)
    assert client.get("/api/v1/partners/ZZ", headers=headers).status_code == 404
    assert client.get("/api/v1/agreements/999999", headers=headers).status_code == 404
    assert (
        client.post(
            "/api/v1/agreements/999999/status",
            headers=headers,
            json={"status": "signed", "effective_on": "2024-01-01"},
        ).status_code
        == 404
    )


def test_search_endpoint_folds_case_and_marks(client: TestClient, engine: Engine) -> None:
    headers = officer(engine)
    created = client.post(
        "/api/v1/officials",
        headers=headers,
        json={"name": "Lương Tam Quang", "names": [{"text": "Луонг Там Куанг", "lang": "ru"}]},
    )
    official_id = created.json()["id"]
    for form in ("Lương Tam Quang", "Luong Tam Quang", "luong tam quang", "Луонг"):
        hits = client.get("/api/v1/search", params={"q": form}, headers=headers).json()
        assert [(h["entity"], h["id"]) for h in hits] == [("official", official_id)], form
        assert hits[0]["path"] == f"/registry/officials/{official_id}"
    assert client.get("/api/v1/search", params={"q": "  ,. "}, headers=headers).status_code == 422


def test_analyst_reads_but_may_not_write(client: TestClient, engine: Engine) -> None:
    analyst = make_account(engine, "analyst").headers
    assert client.get("/api/v1/agencies", headers=analyst).status_code == 200
    refused = client.post(
        "/api/v1/agencies", json={"name": "X", "kind": "police", "country": "VN"}, headers=analyst
    )
    assert refused.status_code == 403


def test_an_official_takes_a_new_post_and_the_one_held_ends_that_day(
    client: TestClient, engine: Engine
) -> None:
    headers = officer(engine)
    agencies = [
        client.post(
            "/api/v1/agencies", json={"name": name, "kind": "police", "country": "VN"}, headers=headers
        )
        for name in ("Cục Cảnh sát hình sự", "Cục Hợp tác quốc tế")
    ]
    police, cooperation = (a.json()["id"] for a in agencies)
    created = client.post(
        "/api/v1/officials",
        headers=headers,
        json={"name": "Trần Văn B", "agency_id": police,
              "posts": [{"title": "Deputy Director", "agency_id": police, "start_date": "2019-01-01"}]},
    )  # fmt: skip
    official_id = created.json()["id"]
    new_post = {
        "title": "Director",
        "rank": "Major General",
        "agency_id": cooperation,
        "start_date": "2024-07-01",
    }
    taken = client.post(f"/api/v1/officials/{official_id}/posts", json=new_post, headers=headers)
    assert taken.status_code == 201, taken.text
    posts = [(p["title"], p["start_date"], p["end_date"]) for p in taken.json()["posts"]]
    assert posts == [("Deputy Director", "2019-01-01", "2024-07-01"), ("Director", "2024-07-01", None)]
    assert taken.json()["agency_id"] == cooperation


def test_a_new_post_before_the_open_one_began_is_a_problem_and_changes_nothing(
    client: TestClient, engine: Engine
) -> None:
    headers = officer(engine)
    created = client.post(
        "/api/v1/officials",
        headers=headers,
        json={"name": "Trần Văn C", "posts": [{"title": "Deputy Director", "start_date": "2019-01-01"}]},
    )
    official_id = created.json()["id"]
    for body in (
        {"title": "Director", "start_date": "2018-01-01"},  # before the open post began
        {"title": "Director", "rank": "R" * 121, "start_date": "2024-01-01"},  # longer than a rank is kept
        {"title": "Director"},  # no day
    ):
        refused = client.post(f"/api/v1/officials/{official_id}/posts", json=body, headers=headers)
        assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    posts = client.get(f"/api/v1/officials/{official_id}", headers=headers).json()["posts"]
    assert [(p["title"], p["end_date"]) for p in posts] == [("Deputy Director", None)]


def test_an_action_item_s_owner_is_changed_and_cleared(client: TestClient, engine: Engine) -> None:
    headers = officer(engine)
    owner = client.post(
        "/api/v1/agencies", json={"name": "C03", "kind": "police", "country": "VN"}, headers=headers
    )
    programme = client.post(
        "/api/v1/programmes", json={"title": "Plan", "start_year": 2024, "end_year": 2026}, headers=headers
    ).json()
    item = client.post(
        f"/api/v1/programmes/{programme['id']}/action-items", json={"text": "Hotline"}, headers=headers
    ).json()
    url = f"/api/v1/action-items/{item['id']}"
    owned = client.patch(
        url, json={"owner_agency_id": owner.json()["id"], "text": "24/7 hotline"}, headers=headers
    )
    assert (owned.json()["owner_agency_id"], owned.json()["text"]) == (owner.json()["id"], "24/7 hotline")
    untouched = client.patch(url, json={"status": "in_progress"}, headers=headers).json()
    assert untouched["owner_agency_id"] == owner.json()["id"]  # not sent: kept
    cleared = client.patch(url, json={"owner_agency_id": None}, headers=headers).json()
    assert cleared["owner_agency_id"] is None
    blank = client.patch(url, json={"text": ""}, headers=headers)
    assert blank.status_code == 422 and blank.headers["content-type"] == "application/problem+json"
