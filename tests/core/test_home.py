"""The home page lists what needs the signed-in officer: after the demo, the overdue demo requests
and the commitments due, each linking to its record; nothing the gate hides."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison import capabilities
from liaison.core import home
from liaison.core.db import unit_of_work
from liaison.core.records import today
from liaison.engagements import demo as engagements_demo
from liaison.engagements.models import Commitment
from liaison.registry import demo as registry_demo
from liaison.requests import demo as requests_demo
from liaison.requests.models import CooperationRequest, RequestDeadline
from tests.conftest import Account, make_account, sign_in_pages

UNIT = "international-cooperation"


def load_demo(engine: Engine) -> None:
    capabilities.install(capabilities.enabled())
    with unit_of_work(engine) as session:
        registry_demo.load(session, "demo")
        engagements_demo.load(session, "demo")
        requests_demo.load(session, "demo")


def section_of(html: str, kind: str) -> str:
    match = re.search(rf'<section[^>]*data-testid="needs-{kind}">(.*?)</section>', html, re.S)
    assert match, f"no {kind} section on the home page"
    return match.group(1)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_home_lists_the_officers_overdue_demo_requests_and_the_commitments_due(
    engine: Engine, client: TestClient
) -> None:
    load_demo(engine)
    officer = make_account(engine, "officer", username=requests_demo.RESPONSIBLE, unit=UNIT)
    sign_in_pages(client, officer)
    page = client.get("/")
    assert page.status_code == 200
    day = today()

    with unit_of_work(engine) as session:
        past_due = session.scalar(
            select(func.count())
            .select_from(RequestDeadline)
            .join(CooperationRequest)
            .where(
                RequestDeadline.met_at.is_(None),
                RequestDeadline.cancelled_at.is_(None),
                RequestDeadline.due_date < day,
                CooperationRequest.responsible_username == officer.username,
            )
        )
        assert past_due and past_due > 0, "the demo has overdue requests"
        overdue = section_of(page.text, "deadline_passed")
        assert f"({past_due})" in overdue
        shown = [int(i) for i in re.findall(r'href="/requests/(\d+)"', overdue)]
        assert len(shown) == min(past_due, home.PER_KIND)
        for request_id in shown:
            deadlines = session.scalars(
                select(RequestDeadline).where(
                    RequestDeadline.request_id == request_id, RequestDeadline.met_at.is_(None)
                )
            ).all()
            assert any(d.due_date < day for d in deadlines)

        due = section_of(page.text, "commitment_due")
        commitment_ids = [int(i) for i in re.findall(r'href="/engagements/commitments/(\d+)"', due)]
        expected = session.scalars(
            select(Commitment.id).where(
                Commitment.status.in_(("open", "in_progress")),
                Commitment.due_date <= day + timedelta(days=7),
            )
        ).all()
        assert expected and sorted(commitment_ids) == sorted(expected)
        dates = [session.get(Commitment, i).due_date for i in commitment_ids]  # type: ignore[union-attr]
        assert any(d < day for d in dates) and any(day <= d <= day + timedelta(days=7) for d in dates)
        assert 'class="due overdue"' in due
    assert client.get(f"/requests/{shown[0]}").status_code == 200  # the link opens the record


def test_a_restricted_request_of_another_unit_is_not_on_the_home_page(
    engine: Engine, client: TestClient
) -> None:
    from tests.core.test_notifications import overdue_request

    outsider = make_account(engine, "officer", unit="border")
    with unit_of_work(engine) as session:
        overdue_request(session, outsider.username, title="Restricted Quackenbush inquiry", code="H3")
        overdue_request(session, outsider.username, title="Open Quackenbush inquiry", code="H1")
    sign_in_pages(client, outsider)
    page = client.get("/").text
    assert "Open Quackenbush inquiry" in page  # responsible for it and allowed to read it
    assert "Restricted Quackenbush inquiry" not in page


def test_a_user_with_nothing_waiting_is_told_so(engine: Engine, client: TestClient) -> None:
    auditor = make_account(engine, "auditor")
    sign_in_pages(client, auditor)
    assert 'data-testid="needs-nothing"' in client.get("/").text


def test_the_next_engagements_are_planned_ones_the_reader_may_see_and_never_cancelled(
    engine: Engine, client: TestClient
) -> None:
    officer = make_account(engine, "officer", unit=UNIT)
    stranger = make_account(engine, "officer", unit="fugitives")
    week = (today() + timedelta(days=7)).isoformat()

    def plan(account: Account, title: str, code: str = "H0") -> int:
        meeting = {
            "kind": "talks",
            "title": title,
            "held_on": week,
            "stage": "planned",
            "handling_code": code,
        }
        answer = client.post("/api/v1/engagements", json=meeting, headers=account.headers)
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])

    plan(officer, "Talks with the MIA next week")
    plan(stranger, "Restricted Quackenbush talks", "H3")
    dropped = plan(officer, "Talks called off")
    cancel = client.post(
        f"/api/v1/engagements/{dropped}/stage", json={"stage": "cancelled"}, headers=officer.headers
    )
    assert cancel.status_code == 200, cancel.text
    sign_in_pages(client, officer)
    upcoming = section_of(client.get("/").text, "engagement_next")
    assert "Talks with the MIA next week" in upcoming
    assert "Talks called off" not in upcoming
    assert "Restricted Quackenbush talks" not in upcoming
