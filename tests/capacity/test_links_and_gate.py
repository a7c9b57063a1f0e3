"""Capacity building on SQLite and PostgreSQL, continued: an activity linked to its engagement and
shown on both sides, records of a restricted unit hidden from the others, every write audited
with the record's handling code, and bad input refused as a problem document (API) or a readable
message (pages) with nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison.capacity import schemas, service
from liaison.core.audit import AuditEvent
from liaison.core.db import unit_of_work
from liaison.core.errors import Invalid, NotFound
from liaison.core.security.policy import SystemActor
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements import service as engagements
from tests.capacity.test_capacity import activity_in
from tests.conftest import make_account, sign_in_pages
from tests.requests.factories import OFFICER, agency

SECRET_UNIT = "special-cases"
INSIDER = SystemActor(username="insider.one", role="officer", unit=SECRET_UNIT)
OUTSIDER = SystemActor(username="supervisor.two", role="supervisor", unit="international-cooperation")
SESSION_BODY = {
    "kind": "experience_sharing",
    "title": "Sharing experience in digital transformation",
    "subject_areas": ["digital_transformation"],
    "start_date": "2024-10-09",
}


def csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_an_experience_sharing_session_is_linked_to_its_engagement_on_both_sides(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    with unit_of_work(engine) as session:
        singapore = agency(session, "Ministry of Home Affairs", "SG").id
        talks = engagement_schemas.EngagementIn(
            kind="talks", title="Talks with Singapore", held_on="2024-10-09"
        )
        engagement_id = engagements.create_engagement(session, OFFICER, talks).id
    body = SESSION_BODY | {"partner_agency_id": singapore}
    refused = client.post(
        "/api/v1/capacity/activities",
        json=body | {"engagement_id": engagement_id + 99},
        headers=officer.headers,
    )
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    assert "engagement_id" in [e["field"] for e in refused.json()["errors"]]
    assert client.get("/api/v1/capacity/activities", headers=officer.headers).json()["total"] == 0

    created = client.post(
        "/api/v1/capacity/activities", json=body | {"engagement_id": engagement_id}, headers=officer.headers
    )
    assert created.status_code == 201, created.text
    activity_id = created.json()["id"]
    assert created.json()["engagement_id"] == engagement_id
    linked = client.get(
        "/api/v1/capacity/activities", params={"engagement_id": engagement_id}, headers=officer.headers
    ).json()
    assert [a["id"] for a in linked["items"]] == [activity_id]

    sign_in_pages(client, officer)
    assert f'href="/engagements/{engagement_id}"' in client.get(f"/capacity/{activity_id}").text
    page = client.get(f"/engagements/{engagement_id}").text
    assert "Capacity building linked to this engagement" in page
    assert (
        f'href="/capacity/{activity_id}"' in page and "Sharing experience in digital transformation" in page
    )
    vietnamese = client.get(f"/engagements/{engagement_id}", headers={"Accept-Language": "vi"}).text
    assert "Nâng cao năng lực gắn với hoạt động đối ngoại này" in vietnamese


def test_restricted_staff_records_and_activities_are_missing_for_another_unit(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        partner = agency(session, "United Nations", None, kind="international").id
        member = service.create_staff_member(
            session, INSIDER, schemas.StaffMemberIn(full_name="Officer Kín", handling_code="H3")
        ).id
        people = [{"staff_member_id": member, "role": "staff_officer"}]
        activity = service.create_activity(
            session, INSIDER, activity_in(partner, handling_code="H3", participants=people)
        )
        activity_id = activity.id
        assert (activity.owning_unit, activity.handling_code) == (SECRET_UNIT, "H3")
        service.change_status(session, INSIDER, activity_id, schemas.StatusIn(status="deployed"))
    with unit_of_work(engine) as session:
        assert service.list_staff(session, OUTSIDER)[1] == 0
        assert service.staff_choices(session, OUTSIDER) == []
        assert service.list_activities(session, OUTSIDER)[1] == 0
        assert service.counts(session, OUTSIDER, [partner]).rows == []
        with pytest.raises(NotFound):
            service.get_activity(session, OUTSIDER, activity_id)
        assert service.list_activities(session, INSIDER)[1] == 1
        assert service.readable_staff_ids(INSIDER, service.get_activity(session, INSIDER, activity_id)) == {
            member
        }
    with pytest.raises(NotFound), unit_of_work(engine) as session:
        service.change_status(session, OUTSIDER, activity_id, schemas.StatusIn(status="completed"))
    with pytest.raises(Invalid) as refused, unit_of_work(engine) as session:
        service.create_activity(session, OUTSIDER, activity_in(partner, participants=people))
    assert "participants.0.staff_member_id" in refused.value.fields
    with unit_of_work(engine) as session:
        events = session.execute(
            select(AuditEvent.object_type, AuditEvent.action, AuditEvent.handling_code).where(
                AuditEvent.object_type.in_(["staff_member", "capacity_activity"]),
                AuditEvent.action != "read",
            )
        ).all()
    assert sorted(tuple(e) for e in events) == [
        ("capacity_activity", "create", "H3"),
        ("capacity_activity", "status", "H3"),
        ("staff_member", "create", "H3"),
    ]


def test_restricted_activity_answers_as_missing_on_the_api_and_the_pages(
    client: TestClient, engine: Engine
) -> None:
    outsider = make_account(engine, "supervisor", unit="international-cooperation")
    with unit_of_work(engine) as session:
        singapore = agency(session, "Ministry of Home Affairs", "SG").id
        data = activity_in(singapore, **SESSION_BODY, mission="", handling_code="H3")
        activity_id = service.create_activity(session, INSIDER, data).id
    assert (
        client.get(f"/api/v1/capacity/activities/{activity_id}", headers=outsider.headers).status_code == 404
    )
    view = client.get("/api/v1/partners/SG", headers=outsider.headers).json()
    assert view["capacity_building"]["rows"] == []
    sign_in_pages(client, outsider)
    assert client.get(f"/capacity/{activity_id}").status_code == 404
    assert "Sharing experience in digital transformation" not in client.get("/capacity").text


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"end_date": "2024-05-01"}, "end_date"),
        ({"participants": [{"subject_id": 1, "role": "staff_officer"}]}, "participants.0.subject_id"),
        ({"participants": [{"staff_member_id": 987654, "role": "staff_officer"}]},
         "participants.0.staff_member_id"),
        ({"kind": "training", "mission": "", "direction": "sideways"}, "direction"),
        ({"start_date": "not a date"}, "start_date"),
    ],
    ids=["deployment-ends-before-it-starts", "subject-as-participant", "not-a-staff-record",
         "unknown-direction", "not-a-date"],
)  # fmt: skip
def test_bad_activity_is_a_problem_document_and_nothing_is_saved(
    client: TestClient, engine: Engine, values: dict[str, Any], field: str
) -> None:
    officer = make_account(engine, "officer")
    with unit_of_work(engine) as session:
        partner = agency(session, "United Nations", None, kind="international").id
    body = activity_in(partner).model_dump(mode="json") | values
    response = client.post("/api/v1/capacity/activities", json=body, headers=officer.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert client.get("/api/v1/capacity/activities", headers=officer.headers).json()["total"] == 0


def test_refused_forms_show_the_reason_and_save_nothing(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    with unit_of_work(engine) as session:
        partner = agency(session, "United Nations", None, kind="international").id
    sign_in_pages(client, officer)
    token = csrf(client.get("/capacity").text)
    form = {
        "csrf_token": token, "kind": "deployment", "title": "Deployment to UNMISS", "mission": "UNMISS",
        "partner_agency_id": str(partner), "start_date": "2024-06-01", "end_date": "2025-06-01",
        "role": "staff_officer",
    }  # fmt: skip
    for values in ({"end_date": "2024-05-01"}, {"staff_member_ids": "987654"}, {"engagement_id": "424242"}):
        refused = client.post("/capacity", data=form | values)
        assert refused.status_code == 422, values
        assert refused.text.count('role="alert"') == 1 and "Deployment to UNMISS" in refused.text
    vietnamese = client.post(
        "/capacity", data=form | {"end_date": "2024-05-01"}, headers={"Accept-Language": "vi"}
    )
    assert vietnamese.status_code == 422 and 'role="alert"' in vietnamese.text
    with unit_of_work(engine) as session:
        assert service.list_activities(session, OFFICER)[1] == 0
    staff_page = client.post("/capacity/staff", data={"csrf_token": token, "full_name": ""})
    assert staff_page.status_code == 422 and staff_page.text.count('role="alert"') == 1
    with unit_of_work(engine) as session:
        assert service.list_staff(session, OFFICER)[1] == 0
