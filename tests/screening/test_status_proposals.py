"""A subject's status follows its requests and hits, with the officer confirming, on SQLite and
PostgreSQL: a confirmed hit proposes "located" and links the request it opened; an executed
extradition proposes "surrendered"; nothing changes until an officer confirms; both audited."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison.core.models import AuditEvent
from liaison.requests import service as requests_service
from tests.conftest import Account
from tests.requests.factories import OFFICER, agency, attach_all_required, request_data
from tests.screening.test_api import add_subject, confirmed_into_a_request


def _subject(api: TestClient, who: Account, subject_id: int) -> dict:  # type: ignore[type-arg]
    return api.get(f"/api/v1/subjects/{subject_id}", headers=who.headers).json()  # type: ignore[no-any-return]


def _actions(engine: Engine, subject_id: int) -> list[str]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.object_type == "subject", AuditEvent.object_id == str(subject_id))
                .order_by(AuditEvent.id)
            )
        )


def test_a_confirmed_hit_proposes_located_and_links_its_request_until_the_officer_confirms(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    subject_id, hit_id, request_id = confirmed_into_a_request(api, officer, engine)
    subject = _subject(api, officer, subject_id)
    assert subject["status"] == "sought"
    assert [link["request_id"] for link in subject["requests"]] == [request_id]
    (proposal,) = subject["proposals"]
    assert (proposal["status"], proposal["hit_id"], proposal["request_id"]) == (
        "located",
        hit_id,
        request_id,
    )

    confirmed = api.post(
        f"/api/v1/subjects/{subject_id}/proposals/{proposal['id']}",
        json={"decision": "confirm"},
        headers=officer.headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["proposals"]) == ("located", [])
    assert [
        a
        for a in _actions(engine, subject_id)
        if a in ("propose status", "change status", "confirm proposal")
    ] == ["propose status", "change status", "confirm proposal"]
    again = api.post(
        f"/api/v1/subjects/{subject_id}/proposals/{proposal['id']}",
        json={"decision": "dismiss"},
        headers=officer.headers,
    )
    assert again.status_code == 409


def _executed_extradition(engine: Engine, subject_id: int, root: Path) -> int:
    with Session(engine) as session:
        vn = agency(session, "Ministry of Public Security", "VN", "interior")
        ru = agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior")
        persons = [{"name": "Nguyễn Văn A", "subject_id": subject_id}]
        request = requests_service.create_request(session, OFFICER, request_data(vn, ru, persons=persons))
        attach_all_required(session, request, root)
        for step in ("submit", "acknowledge", "grant", "execute"):
            requests_service.transition_request(session, OFFICER, request.id, step)
        session.commit()
        return request.id


def test_an_executed_extradition_proposes_surrendered_and_a_dismissal_changes_nothing(
    api: TestClient, officer: Account, engine: Engine, tmp_path: Path
) -> None:
    subject_id = add_subject(api, officer, "Nguyễn Văn A", born="1970-05-01")
    request_id = _executed_extradition(engine, subject_id, tmp_path)
    (proposal,) = _subject(api, officer, subject_id)["proposals"]
    assert (proposal["status"], proposal["request_id"]) == ("surrendered", request_id)
    page = api.get(f"/subjects/{subject_id}", headers=officer.headers).text
    assert "Proposed changes of status" in page and f"/requests/{request_id}" in page
    dismissed = api.post(
        f"/subjects/{subject_id}/proposals/{proposal['id']}",
        data={"decision": "dismiss"},
        headers=officer.headers,
        follow_redirects=False,
    )
    assert dismissed.status_code == 303
    subject = _subject(api, officer, subject_id)
    assert (subject["status"], subject["proposals"]) == ("sought", [])
    assert "dismiss proposal" in _actions(engine, subject_id)


def test_confirming_surrendered_passes_through_arrested_in_the_history(
    api: TestClient, officer: Account, engine: Engine, tmp_path: Path
) -> None:
    subject_id = add_subject(api, officer, "Nguyễn Văn A", born="1970-05-01")
    _executed_extradition(engine, subject_id, tmp_path)
    (proposal,) = _subject(api, officer, subject_id)["proposals"]
    confirmed = api.post(
        f"/api/v1/subjects/{subject_id}/proposals/{proposal['id']}",
        json={"decision": "confirm"},
        headers=officer.headers,
    ).json()
    history = [(h["from_status"], h["to_status"]) for h in confirmed["status_history"]]
    assert confirmed["status"] == "surrendered"
    assert history[-2:] == [("sought", "arrested"), ("arrested", "surrendered")]
