"""Without --dry-run a report becomes a draft engagement; the same report again changes nothing;
confirmation is audited. Through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict
from liaison.core.models import AuditEvent
from liaison.core.security.policy import SystemActor
from liaison.engagements.models import Commitment, Engagement, EngagementSource
from liaison.ingest import service
from liaison.registry import demo as registry_demo
from tests.ingest.test_contract import REPORT

OFFICER = SystemActor(username="ingest-tester")
PUBLISHED = date(2024, 8, 21)


def count(engine: Engine, model: type) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_report_becomes_a_draft_engagement_with_its_commitments(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        outcome = service.ingest_report(
            session, OFFICER, REPORT.encode(), PUBLISHED, source_url="https://example.org/1"
        )
    assert outcome.created and outcome.engagement_id is not None
    with unit_of_work(engine) as session:
        engagement = session.get(Engagement, outcome.engagement_id)
        assert engagement is not None
        assert (engagement.status, engagement.kind, engagement.held_on) == (
            "draft",
            "talks",
            date(2024, 8, 19),
        )
        assert engagement.country_code == "LA" and engagement.place == "Vientiane"
        assert set(engagement.crime_areas) == {"drug_trafficking", "trafficking_in_persons"}
        assert engagement.sources[0].url == "https://example.org/1" and engagement.sources[0].content_hash
        kinds = set(session.scalars(select(Commitment.kind).where(Commitment.engagement_id == engagement.id)))
        assert {"agreed", "proposed"} <= kinds


def test_ingesting_the_same_text_or_url_again_changes_nothing(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        first = service.ingest_report(
            session, OFFICER, REPORT.encode(), PUBLISHED, source_url="https://example.org/2"
        )
    before = (
        count(engine, Engagement),
        count(engine, Commitment),
        count(engine, EngagementSource),
        count(engine, AuditEvent),
    )
    with unit_of_work(engine) as session:
        again = service.ingest_report(session, OFFICER, ("  " + REPORT.upper()).encode(), PUBLISHED)
        by_url = service.ingest_report(
            session,
            OFFICER,
            b"Other words entirely, same page.",
            PUBLISHED,
            source_url="https://example.org/2",
        )
    assert again.engagement_id == first.engagement_id and not again.created
    assert by_url.engagement_id == first.engagement_id or by_url.engagement_id is None
    after = (
        count(engine, Engagement),
        count(engine, Commitment),
        count(engine, EngagementSource),
        count(engine, AuditEvent),
    )
    assert after == before


def test_a_report_without_a_meeting_writes_nothing_and_says_why(engine: Engine) -> None:
    before = count(engine, Engagement), count(engine, AuditEvent)
    with unit_of_work(engine) as session:
        outcome = service.ingest_report(
            session, OFFICER, b"Exports rose 14 percent in December, the office said.", PUBLISHED
        )
    assert outcome.engagement_id is None and "no meeting" in (outcome.reason or "")
    assert (count(engine, Engagement), count(engine, AuditEvent)) == before


def test_registry_agencies_and_officials_named_are_linked(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        registry_demo.load(session, "demo")
    text = (
        "Vietnamese Minister of Public Security Luong Tam Quang held talks with his Chinese counterpart "
        "Wang Xiaohong in Beijing, China, on August 20. The Chinese Ministry of Public Security stands ready "
        "to work with the Vietnamese side."
    )
    with unit_of_work(engine) as session:
        outcome = service.ingest_report(session, OFFICER, text.encode(), PUBLISHED)
    with unit_of_work(engine) as session:
        engagement = session.get(Engagement, outcome.engagement_id)
        assert engagement is not None
        assert {p.official.name for p in engagement.participants} == {"Lương Tam Quang", "Wang Xiaohong"}
        assert "cn-mps" in {a.agency.ref for a in engagement.agencies}


def test_confirming_a_draft_is_audited_and_happens_once(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        outcome = service.ingest_report(session, OFFICER, REPORT.encode(), PUBLISHED)
    assert outcome.engagement_id is not None
    with unit_of_work(engine) as session:
        service.confirm_draft(session, OFFICER, outcome.engagement_id)
    with unit_of_work(engine) as session:
        engagement = session.get(Engagement, outcome.engagement_id)
        assert engagement is not None and engagement.status == "confirmed"
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "confirm", AuditEvent.object_type == "engagement")
        ).one()
        assert event.actor == "ingest-tester"
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        service.confirm_draft(session, OFFICER, outcome.engagement_id)


def test_drafts_stay_out_of_the_engagement_list_until_confirmed(engine: Engine) -> None:
    from liaison.engagements import service as engagements

    with unit_of_work(engine) as session:
        outcome = service.ingest_report(session, OFFICER, REPORT.encode(), PUBLISHED)
    with unit_of_work(engine) as session:
        assert outcome.engagement_id not in {e.id for e in engagements.list_engagements(session, OFFICER)[0]}
        service.confirm_draft(session, OFFICER, outcome.engagement_id or 0)
    with unit_of_work(engine) as session:
        assert outcome.engagement_id in {e.id for e in engagements.list_engagements(session, OFFICER)[0]}
