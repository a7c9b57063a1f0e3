"""Events dated when they happened: a transition or follow-up recorded today may have happened
earlier (`happened_on`); the deadlines and the response times count from then, the history and the
audit keep both times, and a day in the future or before the previous event is refused with
nothing written. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison.core.db import utcnow
from liaison.core.errors import Invalid
from liaison.core.models import AuditEvent
from liaison.requests import service
from liaison.requests.models import CooperationRequest
from liaison.requests.statistics import answer_percentiles
from tests.conftest import make_account
from tests.requests.conftest import Partners
from tests.requests.factories import OFFICER, agency, attach_all_required, request_data

SUBMITTED = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # Monday 2 November, 10:00 in Ha Noi
RECORDED = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # the officer records it on 1 December


def _submitted_to_russia(session: Session, partners: Partners, root: Path) -> CooperationRequest:
    data = request_data(partners.mps, partners.russia)
    request = service.create_request(session, OFFICER, data, now=SUBMITTED - timedelta(days=1))
    attach_all_required(session, request, root)
    service.transition_request(session, OFFICER, request.id, "submit", now=SUBMITTED)
    return request


def _due(request: CooperationRequest) -> dict[str, date]:
    return {d.clock: d.due_date for d in request.deadlines}


def test_acknowledgement_received_last_week_moves_the_deadlines_to_count_from_then(
    session: Session, partners: Partners, tmp_path: Path
) -> None:
    request = _submitted_to_russia(session, partners, tmp_path)
    assert _due(request)["decision"] == date(2027, 1, 1)  # 60 days from the submission
    service.transition_request(
        session, OFFICER, request.id, "acknowledge", now=RECORDED, happened_on=date(2026, 11, 20)
    )
    due = _due(request)
    assert (due["decision"], due["execution"]) == (date(2027, 1, 19), date(2027, 5, 19))
    acknowledgement = next(d for d in request.deadlines if d.clock == "acknowledgement")
    assert acknowledgement.met_at is not None and acknowledgement.met_at < RECORDED - timedelta(days=10)
    step = request.history[-1]
    assert (step.at, service.local_today(step.happened_at)) == (RECORDED, date(2026, 11, 20))


def test_an_acknowledgement_recorded_without_a_date_counts_from_when_it_is_recorded(
    session: Session, partners: Partners, tmp_path: Path
) -> None:
    request = _submitted_to_russia(session, partners, tmp_path)
    service.transition_request(session, OFFICER, request.id, "acknowledge", now=RECORDED)
    assert _due(request)["decision"] == date(2027, 1, 30)
    assert request.history[-1].happened_at == RECORDED


def test_response_times_count_from_when_the_answer_happened(
    session: Session, partners: Partners, tmp_path: Path
) -> None:
    request = _submitted_to_russia(session, partners, tmp_path)
    service.transition_request(
        session, OFFICER, request.id, "grant", now=RECORDED, happened_on=date(2026, 11, 27)
    )
    r = CooperationRequest
    found = answer_percentiles(session, OFFICER, [r.id == request.id], [r.kind])
    answered, median, _ = found[("extradition",)]
    # From 2 November 10:00 to 27 November 12:00, Ha Noi time: 25 days and 2 hours, not 29 days.
    assert answered == 1 and median == pytest.approx(25 + 2 / 24, abs=1e-6)


@pytest.mark.parametrize(
    ("day", "reason"),
    [(date(2026, 12, 2), "in the future"), (date(2026, 11, 1), "before the previous event")],
)
def test_a_day_in_the_future_or_before_the_previous_event_is_refused_and_nothing_changes(
    session: Session, partners: Partners, tmp_path: Path, day: date, reason: str
) -> None:
    request = _submitted_to_russia(session, partners, tmp_path)
    before = (request.status, len(request.history), _due(request))
    with pytest.raises(Invalid) as refused:
        service.transition_request(session, OFFICER, request.id, "acknowledge", now=RECORDED, happened_on=day)
    assert refused.value.status == 422 and refused.value.fields == {"happened_on": reason}
    assert (request.status, len(request.history), _due(request)) == before


def test_a_follow_up_is_dated_when_it_happened_and_not_before_the_previous_event(
    session: Session, partners: Partners, tmp_path: Path
) -> None:
    request = _submitted_to_russia(session, partners, tmp_path)
    note = service.add_comment(
        session, OFFICER, request.id, "Phoned the MIA desk", date(2026, 11, 10), now=RECORDED
    )
    assert (note.at, service.local_today(note.happened_at)) == (RECORDED, date(2026, 11, 10))
    with pytest.raises(Invalid):
        service.add_comment(session, OFFICER, request.id, "Earlier", date(2026, 11, 9), now=RECORDED)
    assert len(request.comments) == 1


# ---------------------------------------------------------------- API and page


@pytest.fixture
def submitted(engine: Engine, tmp_path: Path) -> int:
    with Session(engine) as session:
        vn = agency(session, "Ministry of Public Security", "VN", "interior")
        ru = agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior")
        begun = utcnow() - timedelta(days=21)
        request = service.create_request(session, OFFICER, request_data(vn, ru), now=begun)
        attach_all_required(session, request, tmp_path)
        service.transition_request(session, OFFICER, request.id, "submit", now=utcnow() - timedelta(days=20))
        session.commit()
        return request.id


def test_api_takes_happened_on_and_the_history_and_audit_keep_both_times(
    client: TestClient, engine: Engine, submitted: int
) -> None:
    officer = make_account(engine, "officer")
    last_week = service.local_today() - timedelta(days=7)
    answer = client.post(
        f"/api/v1/requests/{submitted}/transitions",
        json={"transition": "acknowledge", "happened_on": last_week.isoformat()},
        headers=officer.headers,
    )
    assert answer.status_code == 200, answer.text
    step = answer.json()["history"][-1]
    assert step["happened_at"] < step["at"]
    decision = next(d for d in answer.json()["deadlines"] if d["clock"] == "decision")
    assert decision["due_date"] == (last_week + timedelta(days=60)).isoformat()
    with Session(engine) as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "transition", AuditEvent.object_id == str(submitted)
            )
        ).all()[-1]
        assert last_week.isoformat() in str(event.changes)


def test_api_refuses_a_future_day_with_a_problem_and_writes_nothing(
    client: TestClient, engine: Engine, submitted: int
) -> None:
    officer = make_account(engine, "officer")
    tomorrow = service.local_today() + timedelta(days=1)
    answer = client.post(
        f"/api/v1/requests/{submitted}/transitions",
        json={"transition": "acknowledge", "happened_on": tomorrow.isoformat()},
        headers=officer.headers,
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in answer.json()["errors"]] == ["happened_on"]
    with Session(engine) as session:
        request = service.get_request(session, OFFICER, submitted)
        assert (request.status, len(request.history)) == ("submitted", 2)


def test_page_refuses_a_malformed_day_with_a_readable_page_in_vietnamese(
    client: TestClient, engine: Engine, submitted: int
) -> None:
    officer = make_account(engine, "officer")
    answer = client.post(
        f"/requests/{submitted}/transition",
        data={"transition": "acknowledge", "happened_on": "2026-13-40"},
        headers={**officer.headers, "Accept-Language": "vi"},
        follow_redirects=False,
    )
    assert answer.status_code == 422 and "Vui lòng sửa lại biểu mẫu" in answer.text
    with Session(engine) as session:
        assert service.get_request(session, OFFICER, submitted).status == "submitted"
