"""Capacity building on SQLite and PostgreSQL: activities with staff records and partners'
people, bad input refused with nothing saved, and the counts on the partner view."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from liaison.capacity import schemas, service
from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict, Invalid
from tests.conftest import make_account, sign_in_pages
from tests.requests.factories import OFFICER, agency


def staff(session: Session, name: str = "Nguyễn Văn Học") -> int:
    return service.create_staff_member(
        session, OFFICER, schemas.StaffMemberIn(full_name=name, rank="Major")
    ).id


def activity_in(partner: int, **values: Any) -> schemas.ActivityIn:
    fields: dict[str, Any] = {
        "kind": "deployment",
        "title": "Deployment to UN peacekeeping",
        "partner_agency_id": partner,
        "mission": "UNMISS",
        "start_date": "2024-06-01",
        "end_date": "2025-06-01",
    }
    return schemas.ActivityIn.model_validate(fields | values)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"end_date": "2024-05-01"}, "end_date"),
        ({"mission": ""}, "mission"),
        ({"kind": "secondment", "mission": ""}, "post"),
        ({"direction": "received"}, "direction"),
        ({"kind": "training", "mission": ""}, "direction"),
        ({"participants": [{"partner_name": "Officer Tan", "staff_member_id": 1, "role": "staff_officer"}]},
         "participants.0.staff_member_id"),
        ({"participants": [{"role": "staff_officer"}]}, "participants.0.staff_member_id"),
        ({"participants": [{"staff_member_id": 424242, "role": "staff_officer"}]},
         "participants.0.staff_member_id"),
        ({"participants": [{"partner_name": "Officer Tan", "role": "trainee"}]}, "participants.0.role"),
    ],
    ids=["ends-before-start", "deployment-without-mission", "secondment-without-post",
         "direction-not-training", "training-without-direction", "staff-and-partner-at-once", "nobody",
         "unknown-staff-record",
         "role-of-another-kind"],
)  # fmt: skip
def test_bad_activity_is_refused_and_nothing_is_saved(
    engine: Engine, values: dict[str, Any], field: str
) -> None:
    with unit_of_work(engine) as session:
        partner = agency(session, "United Nations", None, kind="international").id
        staff(session)
    with pytest.raises(Invalid) as refused, unit_of_work(engine) as session:
        service.create_activity(session, OFFICER, activity_in(partner, **values))
    assert field in refused.value.fields
    with unit_of_work(engine) as session:
        assert service.list_activities(session, OFFICER)[1] == 0


def test_a_subject_cannot_be_named_as_a_participant() -> None:
    with pytest.raises(ValueError, match="subject_id"):
        schemas.ParticipantIn.model_validate({"subject_id": 1, "role": "trainee"})


def test_training_counts_its_trainees_per_partner_and_year(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        singapore = agency(session, "Ministry of Home Affairs", "SG").id
        other = agency(session, "Ministry of Internal Affairs", "RU").id
        trainees = [staff(session, f"Officer {n}") for n in range(3)]
        people = [{"staff_member_id": t, "role": "trainee"} for t in trainees] + [
            {"partner_name": "Instructor Tan", "role": "trainer"}
        ]
        data = activity_in(singapore, kind="training", mission="", direction="received", participants=people,
                           subject_areas=["cybercrime"])  # fmt: skip
        created = service.create_activity(session, OFFICER, data)
        service.change_status(session, OFFICER, created.id, schemas.StatusIn(status="ongoing"))
        service.create_activity(session, OFFICER, activity_in(other))
        counts = service.counts(session, OFFICER, [singapore])
    assert counts.officers_trained == 3
    assert [(r.year, r.kind, r.activities, r.home_participants) for r in counts.rows] == [
        (2024, "training", 1, 3)
    ]


def test_a_status_step_out_of_order_is_refused(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        partner = agency(session, "United Nations", None, kind="international").id
        activity_id = service.create_activity(session, OFFICER, activity_in(partner)).id
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        service.change_status(session, OFFICER, activity_id, schemas.StatusIn(status="completed"))


def test_partner_view_shows_the_officers_trained(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    with unit_of_work(engine) as session:
        singapore = agency(session, "Ministry of Home Affairs", "SG").id
    member = client.post(
        "/api/v1/capacity/staff", json={"full_name": "Trần Thị Tập"}, headers=officer.headers
    )
    assert member.status_code == 201, member.text
    body = {
        "kind": "training", "title": "Singapore training programme", "partner_agency_id": singapore,
        "direction": "received", "start_date": "2024-05-06", "end_date": "2024-05-24",
        "participants": [{"staff_member_id": member.json()["id"], "role": "trainee"}],
    }  # fmt: skip
    created = client.post("/api/v1/capacity/activities", json=body, headers=officer.headers)
    assert created.status_code == 201, created.text
    refused = client.post(
        "/api/v1/capacity/activities", json=body | {"end_date": "2024-05-01"}, headers=officer.headers
    )
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    view = client.get("/api/v1/partners/SG", headers=officer.headers).json()
    assert view["capacity_building"]["officers_trained"] == 1
    sign_in_pages(client, officer)
    assert "Trần Thị Tập" in client.get(f"/capacity/{created.json()['id']}").text
    vietnamese = client.get("/registry/partners/SG", headers={"Accept-Language": "vi"}).text
    assert "Số cán bộ được đào tạo" in vietnamese and 'data-figure="officers-trained">1<' in vietnamese


def test_status_form_moves_the_activity_and_a_refused_step_is_a_problem_or_a_reason(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    with unit_of_work(engine) as session:
        partner = agency(session, "United Nations", None, kind="international").id
        activity_id = service.create_activity(session, OFFICER, activity_in(partner)).id
    api = client.post(
        f"/api/v1/capacity/activities/{activity_id}/status",
        json={"status": "completed"},
        headers=officer.headers,
    )
    assert api.status_code == 409 and api.headers["content-type"] == "application/problem+json"
    assert "deployed" in api.json()["allowed"]
    sign_in_pages(client, officer)
    page = client.get(f"/capacity/{activity_id}").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert f'action="/capacity/{activity_id}/status"' in page
    refused = client.post(
        f"/capacity/{activity_id}/status", data={"csrf_token": token, "status": "completed"}
    )
    assert refused.status_code == 409 and refused.text.count('role="alert"') == 1
    moved = client.post(
        f"/capacity/{activity_id}/status",
        data={"csrf_token": token, "status": "deployed", "outcome": "Arrived in Juba"},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    with unit_of_work(engine) as session:
        activity = service.get_activity(session, OFFICER, activity_id)
        assert (activity.status, activity.outcome) == ("deployed", "Arrived in Juba")
