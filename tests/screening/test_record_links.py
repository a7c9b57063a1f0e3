"""Records linked both ways, on SQLite and PostgreSQL: a request naming a person sought and
following from an engagement (or one of its commitments) appears on the subject's and the
engagement's pages and API details; the hit that opened a locate request is linked from the
request and from the subject; a request the reader may not read is on neither."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from liaison.core.security.policy import SystemActor
from liaison.requests import service as requests_service
from tests.conftest import Account, app_on, make_account
from tests.query_plans import plans_reading, scans
from tests.registry.factories import commitment, engagement
from tests.requests.factories import OFFICER, agency, request_data
from tests.screening.test_api import add_subject, confirmed_into_a_request

SECRET_UNIT = SystemActor(username="fugitive.desk", role="officer", unit="fugitives")


def _requests(engine: Engine, subject_id: int) -> tuple[int, int, int, int]:
    """An engagement with a commitment; a request naming the subject and following from the
    engagement, one following from the commitment, and a restricted one of another unit."""
    with Session(engine) as session:
        talks = engagement(session, "Talks with Russia's MIA")
        pledge = commitment(session, talks.id, "Exchange lists of fugitives")
        vn = agency(session, "Ministry of Public Security", "VN", "interior")
        ru = agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior")
        persons = [{"name": "Nguyễn Văn A", "subject_id": subject_id}]
        named = requests_service.create_request(
            session, OFFICER, request_data(vn, ru, persons=persons, engagement_id=talks.id, title="Named")
        )
        follows = requests_service.create_request(
            session, OFFICER, request_data(vn, ru, commitment_id=pledge.id, title="From the pledge")
        )
        hidden = requests_service.create_request(
            session, SECRET_UNIT,
            request_data(vn, ru, persons=persons, engagement_id=talks.id, title="Secret", handling_code="H3"),
        )  # fmt: skip
        session.commit()
        return talks.id, named.id, follows.id, hidden.id


def _linked(api: TestClient, who: Account, path: str) -> set[tuple[str, int]]:
    answer = api.get(path, headers=who.headers)
    assert answer.status_code == 200, answer.text
    return {(link["type"], link["id"]) for link in answer.json()["linked"]}


def test_a_request_naming_a_subject_and_an_engagement_appears_on_both(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    subject_id = add_subject(api, officer, "Nguyễn Văn A", born="1970-05-01")
    talks, named, follows, hidden = _requests(engine, subject_id)
    assert _linked(api, officer, f"/api/v1/subjects/{subject_id}") == {("request", named)}
    assert _linked(api, officer, f"/api/v1/engagements/{talks}") == {("request", named), ("request", follows)}
    subject_page = api.get(f"/subjects/{subject_id}", headers=officer.headers).text
    assert "Requests naming this person" in subject_page and f'href="/requests/{named}"' in subject_page
    engagement_page = api.get(f"/engagements/{talks}", headers=officer.headers).text
    assert f'href="/requests/{follows}"' in engagement_page
    assert f'href="/requests/{hidden}"' not in subject_page + engagement_page


def test_editing_the_persons_of_a_request_moves_it_between_subjects(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    first = add_subject(api, officer, "Nguyễn Văn A", born="1970-05-01")
    second = add_subject(api, officer, "Trần Văn B", born="1971-06-02")
    _, named, _, _ = _requests(engine, first)
    patch = {"version": 1, "persons": [{"name": "Trần Văn B", "subject_id": second}]}
    assert api.patch(f"/api/v1/requests/{named}", json=patch, headers=officer.headers).status_code == 200
    assert _linked(api, officer, f"/api/v1/subjects/{first}") == set()
    assert _linked(api, officer, f"/api/v1/subjects/{second}") == {("request", named)}


def test_the_hit_that_opened_a_locate_request_is_linked_from_the_request_and_the_subject(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    subject_id, hit_id, request_id = confirmed_into_a_request(api, officer, engine)
    request_page = api.get(f"/requests/{request_id}", headers=officer.headers).text
    assert "Opened by a screening hit" in request_page and f'href="/subjects/{subject_id}"' in request_page
    assert ("hit", hit_id) in _linked(api, officer, f"/api/v1/subjects/{subject_id}")
    assert _linked(api, officer, f"/api/v1/requests/{request_id}") == {("hit", hit_id)}
    subject_page = api.get(f"/subjects/{subject_id}", headers=officer.headers).text
    assert "Confirmed screening hits" in subject_page and f'href="/requests/{request_id}"' in subject_page


def test_reading_a_request_finds_the_hit_that_opened_it_by_index_not_by_reading_every_hit(
    sqlite_engine: Engine,
) -> None:
    """Every read of a request looks up the hit that opened it: on a list screened for years
    that must be an index search, not a scan of every hit ever raised (SQLite's own plan)."""
    officer = make_account(sqlite_engine, "officer")
    with TestClient(app_on(sqlite_engine), base_url="http://testserver") as api:
        _subject_id, hit_id, request_id = confirmed_into_a_request(api, officer, sqlite_engine)
        with plans_reading(sqlite_engine, "screening_hit") as plans:
            assert _linked(api, officer, f"/api/v1/requests/{request_id}") == {("hit", hit_id)}
    assert not scans(plans, "screening_hit"), plans


def test_reading_an_engagement_finds_the_requests_following_from_it_by_index(sqlite_engine: Engine) -> None:
    """An engagement's detail lists the requests that follow from it or its commitments: an index
    search, not a scan of every request (SQLite's own plan)."""
    officer = make_account(sqlite_engine, "officer")
    with TestClient(app_on(sqlite_engine), base_url="http://testserver") as api:
        subject_id = add_subject(api, officer, "Nguyễn Văn A", born="1970-05-01")
        talks, named, follows, _hidden = _requests(sqlite_engine, subject_id)
        with plans_reading(sqlite_engine, "request") as plans:
            linked = _linked(api, officer, f"/api/v1/engagements/{talks}")
    assert linked == {("request", named), ("request", follows)}
    assert not scans(plans, "request"), plans
