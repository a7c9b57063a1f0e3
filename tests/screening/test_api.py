"""Screening through the API, on SQLite and PostgreSQL: screen, store hits, review, live index."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.screening.schemas import MAX_BATCH
from tests.conftest import Account, make_account
from tests.screening.factories import agency_pair


def add_subject(api: TestClient, who: Account, *names: str, born: str | None = None, **extra: object) -> int:
    body = {"names": [{"full_name": n} for n in names], "birth_dates": [born] if born else [], **extra}
    response = api.post("/api/v1/subjects", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def screen(api: TestClient, who: Account, body: dict) -> dict:  # type: ignore[type-arg]
    response = api.post("/api/v1/screen", json=body, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_screening_one_record_finds_the_subject_with_an_explanation(
    api: TestClient, officer: Account
) -> None:
    subject_id = add_subject(api, officer, "Nguyễn Văn An", born="1970-03-15")
    result = screen(api, officer, {"record_id": "T1", "name": "An Nguyen Van", "birth_date": "1970-03-15"})
    (record,) = result["results"]
    (hit,) = record["hits"]
    assert hit["subject_id"] == subject_id and hit["hit_id"] is not None
    assert {f["feature"] for f in hit["explanation"]} >= {"name", "birth_date", "nationality", "gender"}
    assert "birth_date exact" in hit["explanation_text"]


def test_a_subject_added_after_start_is_found_without_a_rebuild(api: TestClient, officer: Account) -> None:
    assert screen(api, officer, {"name": "Колокольцев Владимир"})["results"][0]["hits"] == []
    subject_id = add_subject(api, officer, "Kolokoltsev Vladimir")
    assert (
        screen(api, officer, {"name": "Колокольцев Владимир"})["results"][0]["hits"][0]["subject_id"]
        == subject_id
    )
    api.post(f"/api/v1/subjects/{subject_id}/names", json={"full_name": "王小洪"}, headers=officer.headers)
    assert (
        screen(api, officer, {"name": "Wang Xiaohong"})["results"][0]["hits"][0]["subject_id"] == subject_id
    )


def test_batch_answers_every_record_including_those_with_problems(api: TestClient, officer: Account) -> None:
    add_subject(api, officer, "阮富仲")
    records = [
        {"record_id": "a", "name": "Нгуен Фу Чонг"},
        {"record_id": "b", "name": "!!!"},
        {"record_id": "c", "name": "Nguyen Phu Trong", "birth_date": "1944-02-30"},
        {"record_id": "d", "name": ""},
    ]
    result = screen(api, officer, {"records": records})
    by_id = {r["record_id"]: r for r in result["results"]}
    assert len(by_id) == 4 and by_id["a"]["hits"]
    assert by_id["b"]["problems"] == ["name has no letters"] == by_id["d"]["problems"]
    assert by_id["c"]["hits"] and by_id["c"]["problems"][0].startswith("birth date ignored")


def test_batch_over_the_documented_maximum_is_refused(api: TestClient, officer: Account) -> None:
    body = {"records": [{"name": "A B"}] * (MAX_BATCH + 1)}
    assert api.post("/api/v1/screen", json=body, headers=officer.headers).status_code == 422


def test_born_1970_does_not_alert_on_namesake_born_1995(api: TestClient, officer: Account) -> None:
    add_subject(api, officer, "Nguyễn Văn An", born="1995")
    assert screen(api, officer, {"name": "Nguyen Van An", "birth_date": "1970"})["results"][0]["hits"] == []


def test_dismissed_pair_stays_quiet_until_the_record_or_the_subject_changes(
    api: TestClient, officer: Account
) -> None:
    subject_id = add_subject(api, officer, "Trần Văn Bình", born="1980")
    record = {"record_id": "x", "name": "Tran Van Binh", "birth_date": "1980-05-05"}
    (hit,) = screen(api, officer, record)["results"][0]["hits"]
    no_reason = api.post(f"/api/v1/screening/hits/{hit['hit_id']}/decision", json={"decision": "dismiss"},
                         headers=officer.headers)  # fmt: skip
    assert no_reason.status_code == 422
    decided = api.post(
        f"/api/v1/screening/hits/{hit['hit_id']}/decision",
        json={"decision": "dismiss", "reason": "different father's name"},
        headers=officer.headers,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "dismissed"
    again = screen(api, officer, record)["results"][0]
    assert again["hits"] == [] and again["suppressed"] == 1
    changed_record = screen(api, officer, {**record, "nationality": "VN"})["results"][0]
    assert changed_record["hits"] and changed_record["suppressed"] == 0
    api.post(f"/api/v1/subjects/{subject_id}/documents", json={"number": "B1234567"}, headers=officer.headers)
    assert screen(api, officer, record)["results"][0]["hits"]
    twice = api.post(f"/api/v1/screening/hits/{hit['hit_id']}/decision",
                     json={"decision": "confirm"}, headers=officer.headers)  # fmt: skip
    assert twice.status_code == 409


def confirmed_into_a_request(api: TestClient, officer: Account, engine: Engine) -> tuple[int, int, int]:
    """A person sought, the hit a screening raised on them, and the locate request the hit's
    confirmation opened: their ids."""
    ours, partner = agency_pair(engine, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption")
    subject_id = add_subject(api, officer, "Қасым Тоқаев", born="1953-05-17")
    (hit,) = screen(api, officer, {"name": "Kasym Tokaev", "birth_date": "1953-05-17"})["results"][0]["hits"]
    body = {"decision": "confirm", "reason": "passport photo", "requesting_agency_id": ours,
            "requested_agency_id": partner}  # fmt: skip
    decided = api.post(f"/api/v1/screening/hits/{hit['hit_id']}/decision", json=body, headers=officer.headers)
    assert decided.status_code == 200, decided.text
    return subject_id, int(hit["hit_id"]), int(decided.json()["request_id"])


def test_confirming_a_hit_opens_a_locate_or_verify_request(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    _subject_id, _hit_id, request_id = confirmed_into_a_request(api, officer, engine)
    opened = api.get(f"/api/v1/requests/{request_id}", headers=officer.headers).json()
    assert opened["kind"] == "locate_person" and opened["direction"] == "outgoing"


def test_review_queue_lists_open_hits_strongest_first(api: TestClient, officer: Account) -> None:
    add_subject(api, officer, "Lê Văn Tám", born="1960")
    add_subject(api, officer, "Lê Văn Tâm", born="1960")
    screen(api, officer, {"name": "Le Van Tam", "birth_date": "1960"})
    queue = api.get("/api/v1/screening/hits", headers=officer.headers).json()
    scores = [item["score"] for item in queue["items"]]
    assert queue["total"] == len(scores) >= 1 and scores == sorted(scores, reverse=True)
    auditor = make_account(api.app.state.engine, "auditor")  # type: ignore[attr-defined]
    assert api.get("/api/v1/screening/hits", headers=auditor.headers).status_code == 403


def test_a_restricted_subject_still_alerts_without_showing_its_name(api: TestClient, engine: Engine) -> None:
    owner = make_account(engine, "officer", unit="fugitives")
    add_subject(api, owner, "Phạm Văn Đồng", born="1950-02-02", handling_code="H3", owning_unit="fugitives")
    analyst = make_account(engine, "analyst", unit="border")
    (hit,) = screen(api, analyst, {"name": "Pham Van Dong", "birth_date": "1950-02-02"})["results"][0]["hits"]
    assert hit["matched_name"] == "[restricted]" and "Phạm" not in hit["explanation_text"]
    queued = api.get(f"/api/v1/screening/hits/{hit['hit_id']}", headers=analyst.headers).json()
    assert queued["subject_name"] == "[restricted]"
    assert api.get(f"/api/v1/screening/hits/{hit['hit_id']}", headers=owner.headers).json()[
        "subject_name"
    ] == ("Phạm Văn Đồng")
