"""The cooperation report's figures on a known history, on SQLite and PostgreSQL: what is opened,
answered in time or late, overdue at the period's end, and that the gate leaves out what a reader
may not read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from liaison.core.errors import Forbidden, Invalid, NotFound
from liaison.core.security.policy import SystemActor
from liaison.reports.statistics import cooperation_report, parse_period
from tests.reports.factories import AUDITOR, OFFICER, SECRET_OFFICER, cooperation_history

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as db:
        yield db
        db.rollback()


def test_quarter_for_russia_counts_opened_answered_in_time_late_and_overdue(session: Session) -> None:
    history = cooperation_history(session)
    report = cooperation_report(session, OFFICER, date(2025, 1, 1), date(2025, 3, 31), "RU", now=NOW)

    assert report.partner == "RU"
    [row] = report.requests_by_kind or []
    assert (row.kind, row.direction) == ("information_request", "incoming")
    assert (row.opened, row.answered, row.overdue) == (3, 2, 1)
    assert row.answered_within_deadline == 1
    assert row.within_deadline_share == 0.5
    assert row.median_days == 6.0
    [partner] = report.requests_by_partner or []
    assert (partner.partner_agency_id, partner.country, partner.opened) == (history.russia_agency_id, "RU", 3)
    assert [(m.month, m.kind, m.opened) for m in report.requests_by_month or []] == [
        ("2025-03", "information_request", 3)
    ]
    assert report.totals.requests_opened == 3


def test_overall_report_lists_every_partner_and_the_other_sections(session: Session) -> None:
    history = cooperation_history(session)
    report = cooperation_report(session, OFFICER, date(2025, 1, 1), date(2025, 3, 31), now=NOW)

    opened = {row.partner_agency_id: row.opened for row in report.requests_by_partner or []}
    assert opened == {history.russia_agency_id: 3, history.kazakhstan_agency_id: 1}
    areas = {(row.country, row.crime_area): row.engagements for row in report.engagements_by_partner or []}
    assert areas == {("RU", "cybercrime"): 1, ("RU", "drug_trafficking"): 1}
    assert report.totals.engagements == 1
    statuses = {(row.country, row.status): row.commitments for row in report.commitments_by_status or []}
    assert statuses == {("RU", "done"): 1, ("RU", "open"): 1}
    assert (report.totals.commitments_done, report.totals.commitments_open) == (1, 1)
    [programme] = report.programmes or []
    assert (programme.programme_id, programme.action_items, programme.done) == (history.programme_id, 2, 1)
    assert programme.progress == 0.5


def test_a_request_the_reader_may_not_read_is_not_counted(session: Session) -> None:
    cooperation_history(session)
    shown = cooperation_report(session, OFFICER, date(2025, 3, 1), date(2025, 3, 31), "RU", now=NOW)
    owner = cooperation_report(session, SECRET_OFFICER, date(2025, 3, 1), date(2025, 3, 31), "RU", now=NOW)

    assert shown.totals.requests_opened == 3
    assert owner.totals.requests_opened == 4
    assert owner.totals.requests_answered == shown.totals.requests_answered + 1


def test_overdue_is_measured_at_the_end_of_the_period(session: Session) -> None:
    cooperation_history(session)
    # On 5 March the unanswered request of that day was not due yet; the late one was not late yet.
    early = cooperation_report(session, OFFICER, date(2025, 3, 1), date(2025, 3, 5), "RU", now=NOW)
    assert early.totals.requests_overdue == 0
    assert early.totals.requests_answered == 1


def test_sections_the_role_may_not_read_are_left_out(session: Session) -> None:
    cooperation_history(session)
    report = cooperation_report(session, AUDITOR, date(2025, 1, 1), date(2025, 3, 31), now=NOW)
    assert report.screening_hits is None
    assert report.totals.hits_confirmed is None
    assert report.requests_by_kind is not None


def test_unknown_partner_bad_period_and_role_are_refused(session: Session) -> None:
    cooperation_history(session)
    with pytest.raises(NotFound):
        cooperation_report(session, OFFICER, date(2025, 1, 1), date(2025, 3, 31), "XX-NOPE")
    with pytest.raises(Invalid):
        cooperation_report(session, OFFICER, date(2025, 3, 31), date(2025, 1, 1))
    with pytest.raises(Forbidden):
        cooperation_report(session, SystemActor(role="nobody"), date(2025, 1, 1), date(2025, 3, 31))


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-q4", date(2025, 10, 1), date(2025, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_periods_are_a_year_a_quarter_or_a_month(text: str, since: date, until: date) -> None:
    period = parse_period(text)
    assert (period.since, period.until) == (since, until)


def test_a_malformed_period_is_refused() -> None:
    with pytest.raises(Invalid):
        parse_period("2025-13")


def test_a_confirmed_hit_counts_only_for_readers_of_its_person_sought(engine: Engine) -> None:
    from liaison.screening import service as screening
    from liaison.screening.live import build_index
    from liaison.screening.schemas import DecisionIn, RecordIn
    from tests.screening.factories import RESTRICTED_BORN, RESTRICTED_NAME, restricted_subject

    restricted_subject(engine, "H3", "fugitives")
    owner = SystemActor(username="fugitives-owner", role="officer", unit="fugitives")
    arrival = RecordIn(name=RESTRICTED_NAME, birth_date=RESTRICTED_BORN, nationality="LA")
    with Session(engine) as session:
        screened = screening.screen(session, owner, build_index(engine), [arrival])
        [hit] = screened.results[0].hits
        assert hit.hit_id is not None
        screening.decide(session, owner, hit.hit_id, DecisionIn(decision="confirm", reason="passport"))
        year = datetime.now(UTC).year  # a hit is decided now
        period = (date(year, 1, 1), date(year, 12, 31))
        assert cooperation_report(session, owner, *period).totals.hits_confirmed == 1
        assert cooperation_report(session, OFFICER, *period).totals.hits_confirmed == 0
        session.rollback()


def test_asset_values_count_the_steps_taken_in_the_period_only(session: Session) -> None:
    from liaison.assets import service as assets
    from liaison.assets.schemas import AssetIn, StatusChangeIn
    from liaison.reports.report_tables import report_tables
    from liaison.subjects import service as subjects
    from liaison.subjects.schemas import NameIn, SubjectIn

    owner = subjects.create_subject(session, OFFICER, SubjectIn(names=[NameIn(full_name="Trần Văn Mẫu")]))

    def frozen_on(day: date, number: str) -> None:
        asset = assets.create_asset(
            session,
            OFFICER,
            AssetIn(
                kind="real_estate",
                name=f"Flat {number} (fictitious)",
                owner_subject_id=owner.id,
                country="CN",
                registration_number=number,
                value="1000",
                currency="USD",
                value_date=date(2024, 1, 2),
                identified_on=date(2024, 1, 2),
            ),
        )
        frozen = StatusChangeIn(status="frozen", effective_on=day, decision="Order 7")
        assets.change_status(session, OFFICER, asset.id, frozen)

    frozen_on(date(2024, 6, 1), "DEMO-1")
    frozen_on(date(2025, 2, 10), "DEMO-2")
    report = cooperation_report(session, OFFICER, date(2025, 1, 1), date(2025, 3, 31), "CN", now=NOW)
    [row] = report.asset_values or []
    assert (row.status, row.assets, row.value, row.currency) == ("frozen", 1, "1000.00", "USD")
    assert cooperation_report(session, OFFICER, date(2025, 1, 1), date(2025, 3, 31), "RU").asset_values == []
    assert cooperation_report(session, AUDITOR, date(2025, 1, 1), date(2025, 3, 31)).asset_values is None
    [table] = [t for t in report_tables(session, report, "vi") if t.name == "asset_values"]
    assert table.rows == [["Đã phong tỏa", 1, "1000.00", "USD"]]
