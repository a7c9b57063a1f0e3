"""The officer finishes a draft: links what the report names to registry records or creates them
(only on that action, through the registry's services), and merges a second outlet's report of a
meeting into the engagement already recorded, once. Through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict, Invalid, NotFound
from liaison.core.models import AuditEvent
from liaison.core.security.policy import SystemActor
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements.models import Commitment, Engagement, EngagementParticipant, EngagementSource
from liaison.ingest import merge, review, service
from liaison.ingest.evaluation import second_reports, written_reports
from liaison.ingest.models import DraftItem
from liaison.registry import schemas as registry_schemas
from liaison.registry.models import Agency, Official
from tests.registry import factories

OFFICER = SystemActor(username="ingest-reviewer")
HERE = Path(__file__).resolve().parent
BENCH = HERE.parents[1] / "bench" / "extraction_reports"
SECOND_OUTLET = (HERE / "second_outlet_sg_2024.txt").read_bytes()
FIRST_OUTLET = (HERE / "first_outlet_sg_2024.txt").read_bytes()


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def ingest(session: Session, data: bytes, published: date, url: str = "") -> Engagement:
    outcome = service.ingest_report(session, OFFICER, data, published, source_url=url)
    assert outcome.engagement_id is not None, outcome.reason
    engagement = session.get(Engagement, outcome.engagement_id)
    assert engagement is not None
    return engagement


def item(session: Session, engagement_id: int, name: str) -> DraftItem:
    return next(i for i in review.items_of(session, engagement_id) if i.name == name)


def test_the_same_person_is_suggested_across_titles_and_diacritics(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        vn = factories.agency(session, "Bộ Công an", country="VN")
        quang = factories.official(session, "Lương Tam Quang", agency_id=vn.id)
        factories.official(session, "Lương Văn Quang", agency_id=vn.id)
        officials_before = count(session, Official)
        draft = ingest(session, SECOND_OUTLET, date(2024, 10, 10))
        found = review.suggestions(session, OFFICER, item(session, draft.id, "Luong Tam Quang"))
        assert found[0].record_id == quang.id and found[0].score == 1.0
        assert [r.template for r in found[0].reasons] == [
            "The same name, titles and diacritics aside.",
            "The same country: {country}.",
        ]
        assert all(s.score < 1.0 for s in found[1:])
        assert review.suggestions(session, OFFICER, item(session, draft.id, "Aubeck Kam")) == []
        assert count(session, Official) == officials_before  # ingesting wrote nothing to the registry
    assert review.person_readings("Sen. Lt. Gen. Lương Tam Quang") == review.person_readings(
        "General Luong Tam Quang"
    )


def test_linking_and_creating_go_through_the_registry_only_on_the_officers_action(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        vn = factories.agency(session, "Bộ Công an", country="VN")
        quang = factories.official(session, "Lương Tam Quang", agency_id=vn.id)
        draft = ingest(session, SECOND_OUTLET, date(2024, 10, 10))
        quang_item, kam_item = (
            item(session, draft.id, "Luong Tam Quang"),
            item(session, draft.id, "Aubeck Kam"),
        )
        agency_item = item(session, draft.id, "Ministry of Home Affairs")
        draft_id = draft.id
        before = (count(session, Official), count(session, EngagementParticipant), count(session, AuditEvent))
        for bad in (
            lambda: review.link_item(session, OFFICER, draft_id, quang_item.id, 999_999),
            lambda: review.link_item(session, OFFICER, draft_id, 999_999, quang.id),
            lambda: review.create_agency(
                session, OFFICER, draft_id, kam_item.id, registry_schemas.AgencyIn(name="X", kind="police")
            ),
        ):
            with pytest.raises((Invalid, NotFound)), session.begin_nested():
                bad()
        assert (
            count(session, Official),
            count(session, EngagementParticipant),
            count(session, AuditEvent),
        ) == before

        review.link_item(session, OFFICER, draft_id, quang_item.id, quang.id)
        review.link_item(session, OFFICER, draft_id, quang_item.id, quang.id)  # again: nothing more
        created = review.create_official(
            session,
            OFFICER,
            draft_id,
            kam_item.id,
            registry_schemas.OfficialIn(name="Aubeck Kam", posts=[{"title": "Permanent Secretary"}]),
        )
        agency = review.create_agency(
            session,
            OFFICER,
            draft_id,
            agency_item.id,
            registry_schemas.AgencyIn(name="Ministry of Home Affairs", kind="interior", country="SG"),
        )
        with pytest.raises(Conflict):
            review.dismiss_item(session, OFFICER, draft_id, kam_item.id)
        session.refresh(draft)
        assert {p.official_id for p in draft.participants} == {quang.id, created.record_id}
        assert [a.agency_id for a in draft.agencies] == [agency.record_id]
        assert session.get(Agency, agency.record_id).country_code == "SG"  # type: ignore[union-attr]
        creations = session.scalars(
            select(AuditEvent.object_type).where(
                AuditEvent.action == "create", AuditEvent.actor == OFFICER.username
            )
        ).all()
        assert {"official", "agency"} <= set(creations)


def confirmed(session: Session, data: bytes, published: date) -> Engagement:
    engagement = ingest(session, data, published)
    return service.confirm_draft(session, OFFICER, engagement.id)


def test_second_reports_of_a_meeting_are_proposed_and_other_meetings_are_not(engine: Engine) -> None:
    firsts = {r.id: r for r in written_reports(BENCH)}
    for second in second_reports(BENCH / "merge" / "second_reports.yaml"):
        with unit_of_work(engine) as session:
            first_report = firsts[second.same_as or second.near or ""]
            assert first_report.published is not None and second.published is not None
            first = confirmed(session, first_report.data, first_report.published)
            draft = ingest(session, second.data, second.published)
            proposed = [p.engagement.id for p in merge.proposals(session, OFFICER, draft)]
            assert (first.id in proposed) == bool(second.same_as), second.id
            session.rollback()


def test_a_meeting_the_reviewer_may_not_read_is_neither_proposed_nor_merged_into(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        first = ingest(session, FIRST_OUTLET, date(2024, 10, 9), url="https://vns.example/1")
        service.confirm_draft(session, OFFICER, first.id)
        first.handling_code, first.owning_unit = "H3", "special-unit"  # another unit's restricted meeting
        draft = ingest(session, SECOND_OUTLET, date(2024, 10, 10), url="https://st.example/2")
        assert merge.proposals(session, OFFICER, draft) == []
        with pytest.raises(NotFound):  # the same answer as for a meeting that does not exist
            merge.merge_draft(session, OFFICER, draft.id, first.id)
        owner = SystemActor(username="owner", role="officer", unit="special-unit")
        assert [p.engagement.id for p in merge.proposals(session, owner, draft)] == [first.id]


def test_a_merge_adds_what_is_new_keeps_both_reports_and_happens_once(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        vn = factories.agency(session, "Bộ Công an", country="VN")
        quang = factories.official(session, "General Luong Tam Quang", agency_id=vn.id)
        first = ingest(session, FIRST_OUTLET, date(2024, 10, 9), url="https://vns.example/1")
        review.link_item(session, OFFICER, first.id, item(session, first.id, "Luong Tam Quang").id, quang.id)
        service.confirm_draft(session, OFFICER, first.id)
        first_id, first_commitments = first.id, len(first.commitments)
        draft = ingest(session, SECOND_OUTLET, date(2024, 10, 10), url="https://st.example/2")
        review.link_item(session, OFFICER, draft.id, item(session, draft.id, "Luong Tam Quang").id, quang.id)
        draft_id, draft_commitments = draft.id, [c.text for c in draft.commitments]
        [proposal] = merge.proposals(session, OFFICER, draft)
        assert proposal.engagement.id == first_id and proposal.score >= merge.THRESHOLD
        reasons = {r.template for r in proposal.reasons}
        assert {
            "Held on the same day.",
            "The same partner country: {country}.",
            "Participants in common: {count}.",
        } <= reasons

        other = factories.engagement(session, "Unrelated talks", held_on=date(2024, 10, 9), country="LA")
        engagements_before = count(session, Engagement)
        before = (count(session, EngagementSource), count(session, Commitment), count(session, AuditEvent))
        for target in (999_999, draft_id, other.id + 1000):
            with pytest.raises((NotFound, Conflict)), session.begin_nested():
                merge.merge_draft(session, OFFICER, draft_id, target)
        assert (
            count(session, EngagementSource),
            count(session, Commitment),
            count(session, AuditEvent),
        ) == before
        assert (
            session.get(Engagement, draft_id) is not None and count(session, Engagement) == engagements_before
        )

        merged = merge.merge_draft(session, OFFICER, draft_id, first_id)
        session.refresh(merged)
        assert merged.id == first_id and len(merged.sources) == 2
        assert {s.url for s in merged.sources} == {"https://vns.example/1", "https://st.example/2"}
        assert [p.official_id for p in merged.participants].count(quang.id) == 1
        texts = [
            c.text for c in session.scalars(select(Commitment).where(Commitment.engagement_id == first_id))
        ]
        assert len(texts) == len(set(texts))
        assert (
            first_commitments < len(texts) < first_commitments + len(draft_commitments)
        )  # duplicates dropped
        # the draft's own engagement is gone, with nothing of it left behind
        session.expire_all()
        assert session.get(Engagement, draft_id) is None
        assert merge.merged_into(session, draft_id) == first_id
        assert not review.items_of(session, draft_id)
        assert count(session, Engagement) == engagements_before - 1
        assert not session.scalars(
            select(EngagementParticipant).where(EngagementParticipant.engagement_id == draft_id)
        ).all()
        removal = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "delete", AuditEvent.object_type == "engagement")
        ).one()
        assert removal.object_id == str(draft_id)
        after = (count(session, EngagementSource), count(session, Commitment), count(session, AuditEvent))

        again = merge.merge_draft(session, OFFICER, draft_id, first_id)
        assert again.id == first_id
        assert (
            count(session, EngagementSource),
            count(session, Commitment),
            count(session, AuditEvent),
        ) == after
        with pytest.raises(Conflict):
            merge.merge_draft(session, OFFICER, draft_id, other.id)
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "merge")).all()
        assert event.object_id == str(first_id)
        # the second report ingested again finds the engagement it was merged into
        assert (
            service.ingest_report(session, OFFICER, SECOND_OUTLET, date(2024, 10, 10)).engagement_id
            == first_id
        )


def test_corrections_go_through_the_engagements_service_and_bad_ones_change_nothing(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        draft = ingest(session, SECOND_OUTLET, date(2024, 10, 10))
        draft_id = draft.id
        review.correct_draft(
            session,
            OFFICER,
            draft_id,
            engagement_schemas.EngagementPatch(kind="courtesy_call", country="SG", place="Hà Nội"),
        )
        assert (draft.kind, draft.country_code, draft.place) == ("courtesy_call", "SG", "Hà Nội")
        before = count(session, AuditEvent)
        for bad in (
            engagement_schemas.EngagementPatch(kind="picnic"),
            engagement_schemas.EngagementPatch(country="ZZ"),
            engagement_schemas.EngagementPatch(crime_areas=["no_such_area"]),
        ):
            with pytest.raises((Invalid, NotFound)), session.begin_nested():
                review.correct_draft(session, OFFICER, draft_id, bad)
        session.refresh(draft)
        assert (draft.kind, draft.country_code, count(session, AuditEvent)) == ("courtesy_call", "SG", before)
        service.confirm_draft(session, OFFICER, draft_id)
        with pytest.raises(Conflict):
            review.correct_draft(
                session, OFFICER, draft_id, engagement_schemas.EngagementPatch(place="Elsewhere")
            )
        with pytest.raises(Conflict):
            review.link_item(session, OFFICER, draft_id, item(session, draft_id, "Aubeck Kam").id, 1)


def test_a_different_meeting_of_the_same_parties_within_the_window_is_not_proposed(engine: Engine) -> None:
    """The same country and one shared person a day apart, but another counterpart on each side."""
    firsts = {r.id: r for r in written_reports(BENCH)}
    [second] = [
        r for r in second_reports(BENCH / "merge" / "second_reports.yaml") if r.id == "kr-2023-next-day"
    ]
    first_report = firsts["kr-2023-talks"]
    assert first_report.published is not None and second.published is not None
    with unit_of_work(engine) as session:
        first = confirmed(session, first_report.data, first_report.published)
        draft = ingest(session, second.data, second.published)
        assert abs((draft.held_on - first.held_on).days) <= merge.WINDOW_DAYS
        assert merge.proposals(session, OFFICER, draft) == []
        # the officer may still merge by the engagement's number; here, keeping it separate
        assert service.confirm_draft(session, OFFICER, draft.id).status == "confirmed"


def test_the_officer_edits_and_removes_draft_commitments_and_bad_edits_change_nothing(
    engine: Engine,
) -> None:
    with unit_of_work(engine) as session:
        sg = factories.agency(session, "Ministry of Home Affairs", country="SG")
        draft = ingest(session, SECOND_OUTLET, date(2024, 10, 10))
        draft_id = draft.id
        first, second, *_ = [c.id for c in draft.commitments]
        edited = review.edit_commitment(
            session,
            OFFICER,
            draft_id,
            first,
            engagement_schemas.CommitmentPatch(
                text="Share intelligence on drug trafficking.",
                owner_agency_id=sg.id,
                due_date=date(2025, 6, 30),
            ),
        )
        assert (edited.text, edited.owner_agency_id, edited.due_date) == (
            "Share intelligence on drug trafficking.",
            sg.id,
            date(2025, 6, 30),
        )
        before = (count(session, Commitment), count(session, AuditEvent))
        for bad in (
            lambda: review.edit_commitment(
                session, OFFICER, draft_id, first, engagement_schemas.CommitmentPatch(owner_agency_id=999_999)
            ),
            lambda: review.edit_commitment(
                session, OFFICER, draft_id, first, engagement_schemas.CommitmentPatch(kind="hoped")
            ),
            lambda: review.edit_commitment(
                session, OFFICER, draft_id, 999_999, engagement_schemas.CommitmentPatch(text="x")
            ),
            lambda: review.remove_commitment(session, OFFICER, draft_id, 999_999),
        ):
            with pytest.raises((Invalid, NotFound)), session.begin_nested():
                bad()
        session.refresh(edited)
        assert (edited.owner_agency_id, edited.kind) == (sg.id, draft.commitments[0].kind)
        assert (count(session, Commitment), count(session, AuditEvent)) == before

        review.remove_commitment(session, OFFICER, draft_id, second)
        assert session.get(Commitment, second) is None
        assert second not in {c.id for c in draft.commitments}
        actions = session.execute(
            select(AuditEvent.action, AuditEvent.object_id).where(AuditEvent.object_type == "commitment")
        ).all()
        assert {("update", str(first)), ("delete", str(second))} <= set(actions)

        # a confirmed engagement's commitments are followed up on its own pages, not here
        service.confirm_draft(session, OFFICER, draft_id)
        with pytest.raises(Conflict):
            review.remove_commitment(session, OFFICER, draft_id, first)


def test_a_draft_a_citizen_protection_case_refers_to_is_not_merged_away(engine: Engine) -> None:
    from liaison.engagements import service as engagements

    with unit_of_work(engine) as session:
        first = confirmed(session, FIRST_OUTLET, date(2024, 10, 9))
        draft = ingest(session, SECOND_OUTLET, date(2024, 10, 10))
        engagements.create_case(
            session,
            OFFICER,
            engagement_schemas.CaseIn(country="SG", title="Workers stranded", engagement_id=draft.id),
        )
        sources = count(session, EngagementSource)
        with pytest.raises(Conflict), session.begin_nested():
            merge.merge_draft(session, OFFICER, draft.id, first.id)
        assert session.get(Engagement, draft.id) is not None and count(session, EngagementSource) == sources
