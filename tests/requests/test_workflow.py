"""Requests through their workflow: transitions, required documents, clocks, locking, history."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Forbidden, Invalid
from liaison.requests import service
from liaison.requests.schemas import RequestPatch
from liaison.subjects.models import Subject
from tests.requests.conftest import Partners
from tests.requests.factories import (
    ADMIN,
    ANALYST,
    OFFICER,
    OTHER_OFFICER,
    SUPERVISOR,
    agreement,
    at,
    attach_all_required,
    in_force,
    request_data,
)


def _incoming_information(session: Session, partners: Partners, **values):  # type: ignore[no-untyped-def]
    data = request_data(
        partners.russia,
        partners.mps,
        kind="information_request",
        direction="incoming",
        details={"questions": "Entry and exit records of the person", "purpose": "investigation"},
        **values,
    )
    return service.create_request(session, OFFICER, data)


def test_outgoing_request_starts_as_a_draft_without_clocks(session: Session, partners: Partners) -> None:
    request = service.create_request(session, OFFICER, request_data(partners.mps, partners.kazakhstan))
    assert request.status == "draft"
    assert request.deadlines == [] and request.next_due_at is None
    assert [(h.transition, h.to_state, h.actor) for h in request.history] == [
        ("create", "draft", "officer.one")
    ]


def test_submission_with_documents_missing_is_refused_naming_them(
    session: Session, partners: Partners
) -> None:
    request = service.create_request(session, OFFICER, request_data(partners.mps, partners.kazakhstan))
    with pytest.raises(Invalid) as refused:
        service.transition_request(session, OFFICER, request.id, "submit")
    assert refused.value.status == 422
    assert refused.value.extra["missing_documents"] == [
        "request_letter",
        "arrest_warrant",
        "statement_of_facts",
        "legal_provisions",
        "identification",
    ]
    assert "documents.arrest_warrant" in refused.value.fields
    assert request.status == "draft"


def test_submission_with_everything_attached_starts_the_clocks(
    session: Session, partners: Partners, tmp_path: Path
) -> None:
    request = service.create_request(session, OFFICER, request_data(partners.mps, partners.kazakhstan))
    attach_all_required(session, request, tmp_path)
    submitted = at("2026-06-15 02:00")
    service.transition_request(session, OFFICER, request.id, "submit", now=submitted)
    assert request.status == "submitted" and request.opened_at == submitted
    clocks = {d.clock: d.due_date for d in request.deadlines}
    assert clocks == {
        "acknowledgement": date(2026, 6, 24),  # 7 working days from Monday 15 June
        "decision": date(2026, 8, 14),  # 60 calendar days
        "execution": date(2026, 12, 12),  # 180 calendar days
    }
    assert request.next_due_at == min(d.due_at for d in request.deadlines)


def test_illegal_transition_is_a_conflict_listing_the_allowed_ones(
    session: Session, partners: Partners
) -> None:
    request = service.create_request(session, SUPERVISOR, request_data(partners.mps, partners.kazakhstan))
    with pytest.raises(Conflict) as refused:
        service.transition_request(session, SUPERVISOR, request.id, "execute")
    assert refused.value.status == 409
    assert refused.value.extra["allowed"] == ["submit", "withdraw"]


def test_transition_the_role_may_not_make_is_forbidden(session: Session, partners: Partners) -> None:
    request = service.create_request(session, OFFICER, request_data(partners.mps, partners.kazakhstan))
    with pytest.raises(Forbidden):
        service.transition_request(session, OFFICER, request.id, "withdraw", reason="No longer needed")


def test_analyst_may_read_but_not_move_a_request(session: Session, partners: Partners) -> None:
    request = service.create_request(session, OFFICER, request_data(partners.mps, partners.kazakhstan))
    assert service.get_request(session, ANALYST, request.id) is request
    with pytest.raises(Forbidden):
        service.transition_request(session, ANALYST, request.id, "submit")


def test_refusal_needs_a_reason(session: Session, partners: Partners) -> None:
    request = _incoming_information(session, partners)
    with pytest.raises(Invalid):
        service.transition_request(session, SUPERVISOR, request.id, "refuse")
    service.transition_request(session, SUPERVISOR, request.id, "refuse", reason="Political offence")
    assert request.history[-1].reason == "Political offence"


def test_incoming_urgent_information_request_is_due_in_three_days(
    session: Session, partners: Partners
) -> None:
    request = _incoming_information(session, partners, urgency="urgent", received_at=at("2026-06-15 02:00"))
    answer = next(d for d in request.deadlines if d.clock == "answer")
    assert (answer.days, answer.due_date) == (3, date(2026, 6, 18))


def test_incoming_standard_information_request_is_due_in_seven_days(
    session: Session, partners: Partners
) -> None:
    request = _incoming_information(session, partners, received_at=at("2026-06-15 02:00"))
    answer = next(d for d in request.deadlines if d.clock == "answer")
    assert (answer.days, answer.due_date) == (7, date(2026, 6, 22))


def test_answering_meets_the_clocks_and_closing_clears_the_due_date(
    session: Session, partners: Partners
) -> None:
    request = _incoming_information(session, partners)
    service.transition_request(session, OFFICER, request.id, "acknowledge")
    service.transition_request(session, OFFICER, request.id, "answer")
    assert all(d.met_at is not None for d in request.deadlines)
    assert request.next_due_at is None and request.responded_at is not None
    service.transition_request(session, OFFICER, request.id, "close")
    assert request.closed_at is not None
    assert [h.to_state for h in request.history] == ["received", "acknowledged", "answered", "closed"]


def test_deadline_already_past_on_creation_is_accepted_with_a_warning(
    session: Session, partners: Partners
) -> None:
    request = _incoming_information(session, partners, received_at=utcnow() - timedelta(days=20))
    assert request.id is not None
    assert any("answer deadline" in warning for warning in service.warnings(request))
    items, total = service.overdue_requests(session, OFFICER, partners.russia.id)
    assert total == 1 and items[0].id == request.id


def test_provisional_arrest_formal_request_follows_the_agreements_period(
    session: Session, partners: Partners, tmp_path: Path
) -> None:
    treaty = agreement(
        session, "VN–KZ extradition treaty", "extradition", ["VN", "KZ"], in_force(date(2015, 1, 1))
    )
    service.set_deadline_override(
        session, ADMIN, treaty.id, "provisional_arrest", "formal_request", 40, "calendar"
    )
    data = request_data(
        partners.kazakhstan,
        partners.mps,
        kind="provisional_arrest",
        direction="incoming",
        details={"offence": "Fraud", "warrant_reference": "KZ-77"},
        received_at=at("2026-06-01 02:00"),
    )
    request = service.create_request(session, OFFICER, data)
    service.transition_request(session, OFFICER, request.id, "record_arrest", now=at("2026-06-02 02:00"))
    formal = next(d for d in request.deadlines if d.clock == "formal_request")
    assert (formal.days, formal.source, formal.due_date) == (40, f"agreement:{treaty.id}", date(2026, 7, 12))


def test_provisional_arrest_defaults_to_sixty_days_without_an_override(
    session: Session, partners: Partners
) -> None:
    data = request_data(
        partners.kazakhstan,
        partners.mps,
        kind="provisional_arrest",
        direction="incoming",
        details={"offence": "Fraud", "warrant_reference": "KZ-77"},
        received_at=at("2026-06-01 02:00"),
    )
    request = service.create_request(session, OFFICER, data)
    service.transition_request(session, OFFICER, request.id, "record_arrest", now=at("2026-06-02 02:00"))
    formal = next(d for d in request.deadlines if d.clock == "formal_request")
    assert (formal.days, formal.source, formal.due_date) == (60, "kind", date(2026, 8, 1))


def test_second_editor_with_a_stale_version_gets_a_conflict_and_nothing_is_lost(
    session: Session, partners: Partners
) -> None:
    request = service.create_request(session, OFFICER, request_data(partners.mps, partners.kazakhstan))
    seen = request.version
    service.update_request(
        session, OFFICER, request.id, RequestPatch(version=seen, facts="First officer's facts")
    )
    with pytest.raises(Conflict) as refused:
        service.update_request(session, OTHER_OFFICER, request.id, RequestPatch(version=seen, facts="Second"))
    assert refused.value.extra["current_version"] == seen + 1
    assert request.facts == "First officer's facts"


def test_edit_without_a_version_is_refused(session: Session, partners: Partners) -> None:
    request = service.create_request(session, OFFICER, request_data(partners.mps, partners.kazakhstan))
    with pytest.raises(Invalid):
        service.update_request(session, OFFICER, request.id, RequestPatch(facts="x"))


def test_unknown_kind_field_is_refused(session: Session, partners: Partners) -> None:
    with pytest.raises(Invalid) as refused:
        service.create_request(
            session, OFFICER, request_data(partners.mps, partners.kazakhstan, details={"shoe_size": "42"})
        )
    assert "details.shoe_size" in refused.value.fields


def test_persons_concerned_keep_a_subject_reference(session: Session, partners: Partners) -> None:
    subject = Subject(
        primary_name="Иванов Иван", status="sought", owning_unit=OFFICER.unit, handling_code="H0"
    )
    session.add(subject)
    session.flush()
    persons = [
        {"name": "Иванов Иван", "birth_date": "1980-01-02", "nationality": "RU", "subject_id": subject.id}
    ]
    request = service.create_request(
        session, OFFICER, request_data(partners.mps, partners.kazakhstan, persons=persons)
    )
    assert request.persons == [
        {"name": "Иванов Иван", "birth_date": "1980-01-02", "nationality": "RU", "subject_id": subject.id}
    ]
