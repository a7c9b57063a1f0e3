"""Every registry and engagements page renders with the demo data, in English and in Vietnamese."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison.app import create_app
from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.core.settings import get_settings
from liaison.engagements import schemas, service
from liaison.engagements.models import Commitment
from tests.conftest import fresh_engine, make_account
from tests.registry import factories
from tests.registry.test_demo import load_demo

# one worker holds this module's shared fixture (started once, not once per worker)
pytestmark = pytest.mark.xdist_group("engagements-demo")

PAGES = [
    "/registry/partners",
    "/registry/partners/RU",
    "/registry/partners/SG",
    "/registry/partners/KZ",
    "/registry/partners/ASEAN",
    "/registry/agencies",
    "/registry/agencies/1",
    "/registry/officials",
    "/registry/officials/1",
    "/registry/mechanisms",
    "/registry/mechanisms/4",
    "/registry/agreements",
    "/registry/agreements/new",
    "/registry/agreements/1",
    "/registry/programmes",
    "/registry/programmes/1",
    "/registry/search?q=luong+tam+quang",
    "/engagements",
    "/engagements/new",
    "/engagements/new?stage=planned&held_on=2030-01-07",
    "/engagements/calendar",
    "/engagements/calendar?view=month&date=2025-02-01",
    "/engagements/feeds",
    "/engagements/1",
    "/engagements/commitments",
    "/engagements/commitments/1",
    "/engagements/citizen-protection",
]


@pytest.fixture(scope="module")
def demo_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """One SQLite database with the demo, shared by this module (the form tests only add records)."""
    engine = fresh_engine("sqlite", request, tmp_path_factory.mktemp("pages"))
    load_demo(engine)
    headers = make_account(engine, "officer").headers
    with TestClient(create_app(get_settings(), engine)) as client:
        yield client, headers
    engine.dispose()


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_page_renders(demo_client: tuple[TestClient, dict[str, str]], language: str) -> None:
    client, headers = demo_client
    client.cookies.set("liaison_lang", language)
    for path in PAGES:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text[:500])
        assert f'<html lang="{language}">' in response.text
    vietnamese = client.get("/registry/partners/RU", headers=headers).text
    if language == "vi":
        assert "Cơ quan và quan chức" in vietnamese and "Đang xây dựng" in vietnamese


def test_page_form_errors_show_the_message_and_save_nothing(
    demo_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = demo_client
    client.cookies.set("liaison_lang", "en")
    response = client.post(
        "/registry/agreements",
        headers=headers,
        data={"title": "Lonely", "kind": "extradition", "party_countries": "VN"},
    )
    assert response.status_code == 422 and "two or more parties" in response.text
    assert "Lonely" not in client.get("/registry/agreements", headers=headers).text
    missing = client.post(
        "/engagements/999999/commitments", headers=headers, data={"text": "x", "kind": "agreed"}
    )
    assert missing.status_code == 404


def test_mechanism_role_and_programme_forms_save_and_validate(
    demo_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = demo_client
    client.cookies.set("liaison_lang", "en")
    created = client.post(
        "/registry/mechanisms",
        headers=headers,
        follow_redirects=False,
        data={
            "name": "ASEANAPOL",
            "acronym": "ASEANAPOL",
            "kind": "multilateral",
            "recurrence": "annual",
            "member_agency_ids": ["1"],
        },
    )
    assert created.status_code == 303
    mechanism_path = created.headers["location"]
    bad_role = client.post(
        f"{mechanism_path}/roles",
        headers=headers,
        data={"role": "chair", "holder_agency_id": "1", "start_date": "2025-01-01", "end_date": "2024-01-01"},
    )
    assert bad_role.status_code == 422 and "end is before the start" in bad_role.text
    role = client.post(
        f"{mechanism_path}/roles",
        headers=headers,
        follow_redirects=False,
        data={"role": "chair", "holder_agency_id": "1", "start_date": "2025-01-01", "end_date": "2025-12-31"},
    )
    assert role.status_code == 303
    assert "Chair" in client.get(mechanism_path, headers=headers).text
    backwards = client.post(
        "/registry/programmes",
        headers=headers,
        data={"title": "Kế hoạch 2027–2025", "start_year": "2027", "end_year": "2025", "status": "active"},
    )
    assert backwards.status_code == 422
    programme = client.post(
        "/registry/programmes",
        headers=headers,
        follow_redirects=False,
        data={
            "title": "Kế hoạch phối hợp 2025–2027",
            "start_year": "2025",
            "end_year": "2027",
            "status": "preparing",
            "party_agency_ids": ["1", "6"],
        },
    )
    assert programme.status_code == 303


def test_agency_and_engagement_edit_forms(demo_client: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = demo_client
    client.cookies.set("liaison_lang", "en")
    saved = client.post(
        "/registry/agencies/5",
        headers=headers,
        follow_redirects=False,
        data={
            "name": "Ministry of Home Affairs",
            "acronym": "MHA",
            "kind": "interior",
            "other_names": "Bộ Nội vụ Singapore\n内政部",
            "notes": "",
        },
    )
    assert saved.status_code == 303
    assert "内政部" in client.get("/registry/agencies/5", headers=headers).text
    assert client.get("/api/v1/search", params={"q": "内政部"}, headers=headers).json()[0]["id"] == 5
    clash = client.post(
        "/registry/agencies/5",
        headers=headers,
        data={"name": "Ministry of Home Affairs", "kind": "no-such-kind"},
    )
    assert clash.status_code == 422
    backwards = client.post(
        "/engagements/1",
        headers=headers,
        data={"title": "Tiếp Chủ tịch", "held_on": "2025-02-25", "end_on": "2025-02-20"},
    )
    assert backwards.status_code == 422 and "end is before the start" in backwards.text
    edited = client.post(
        "/engagements/1",
        headers=headers,
        follow_redirects=False,
        data={
            "title": "Tiếp Chủ tịch Cơ quan Chống tham nhũng Kazakhstan",
            "held_on": "2025-02-25",
            "place": "Hà Nội",
        },
    )
    assert edited.status_code == 303
    assert "Tiếp Chủ tịch Cơ quan" in client.get("/engagements/1", headers=headers).text


def test_case_form_records_a_handling_code_that_hides_the_case_from_other_units(
    client: TestClient, engine: Engine
) -> None:
    insider = make_account(engine, "officer", unit="consular")
    form = {"title": "Students detained in Almaty", "country": "KZ", "summary": "", "handling_code": "H3"}
    posted = client.post("/engagements/citizen-protection", headers=insider.headers, data=form)
    assert posted.status_code in (200, 303), posted.text[:500]
    assert "Students detained" in client.get("/engagements/citizen-protection", headers=insider.headers).text
    outsider = make_account(engine, "supervisor", unit="border")
    assert (
        "Students detained"
        not in client.get("/engagements/citizen-protection", headers=outsider.headers).text
    )
    refused = client.post(
        "/engagements/citizen-protection", headers=insider.headers, data={**form, "handling_code": "H7"}
    )
    assert refused.status_code == 422


def test_a_case_changes_status_from_the_list_audited_and_only_for_those_who_may_read_it(
    client: TestClient, engine: Engine
) -> None:
    insider = make_account(engine, "officer", unit="consular")
    with unit_of_work(engine) as session:
        case = service.create_case(
            session,
            accounts.get_user(session, insider.username),
            schemas.CaseIn(title="Students detained in Almaty", country="KZ", handling_code="H3"),
        )
        case_id = case.id
    outsider = make_account(engine, "supervisor", unit="border")
    hidden = client.post(
        f"/engagements/citizen-protection/{case_id}", headers=outsider.headers, data={"status": "closed"}
    )
    assert hidden.status_code == 404
    unknown = client.post(
        f"/engagements/citizen-protection/{case_id}",
        headers={**insider.headers, "Accept-Language": "vi"},
        data={"status": "forgotten"},
    )
    assert unknown.status_code == 422 and "Students detained in Almaty" in unknown.text
    moved = client.post(
        f"/engagements/citizen-protection/{case_id}",
        headers=insider.headers,
        data={"status": "closed"},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    page = client.get("/engagements/citizen-protection", headers=insider.headers).text
    assert '<option value="closed" selected>Closed</option>' in page
    with unit_of_work(engine) as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "citizen_protection_case", AuditEvent.action == "update"
            )
        ).all()
        assert [(e.actor, "closed" in str(e.changes)) for e in events] == [(insider.username, True)]


def test_a_commitment_gets_an_owner_and_a_due_date_on_its_page_audited(
    client: TestClient, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        owner = factories.agency(session, "Cục Cảnh sát hình sự").id
        talks = factories.engagement(session)
        commitment_id = factories.commitment(session, talks.id, "Exchange lists of fugitives").id
    officer = make_account(engine, "officer")
    data = {"text": "Exchange lists of fugitives every quarter", "kind": "agreed",
            "owner_agency_id": str(owner), "due_date": "2026-12-31"}  # fmt: skip
    url = f"/engagements/commitments/{commitment_id}"
    response = client.post(url, data=data, headers=officer.headers, follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get(url, headers=officer.headers).text
    assert "every quarter" in page and "Cục Cảnh sát hình sự" in page
    refused = client.post(
        url, data={**data, "due_date": "31/12/2026"}, headers={**officer.headers, "Accept-Language": "vi"}
    )
    assert refused.status_code == 422 and 'value="31/12/2026"' in refused.text
    with unit_of_work(engine) as session:
        stored = session.get(Commitment, commitment_id)
        assert stored is not None and (stored.owner_agency_id, stored.due_date) == (owner, date(2026, 12, 31))
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "commitment", AuditEvent.action == "update")
        ).one()
        assert event.actor == officer.username and "2026-12-31" in str(event.changes)
