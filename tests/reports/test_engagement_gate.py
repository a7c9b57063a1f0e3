"""Engagements carry a handling code: a briefing, the cooperation report and a capacity activity's
link see another unit's H3 meeting and its commitments only as its own unit does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select

from liaison import capabilities
from liaison.capacity import service as capacity
from liaison.capacity.schemas import ActivityIn
from liaison.core.db import unit_of_work
from liaison.core.errors import Invalid
from liaison.core.records import today
from liaison.core.security.policy import SystemActor
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements import service as engagements
from liaison.registry import demo as registry_demo
from liaison.registry.models import Agency
from liaison.reports.briefing import build_briefing
from liaison.reports.statistics import cooperation_report

PLEDGE = "Quackenbush pledge to exchange files"
OWNER = SystemActor(username="owner", role="officer", unit="special-unit")
OUTSIDER = SystemActor(username="outsider", role="officer", unit="international-cooperation")


def restricted_meeting(engine: Engine) -> int:
    """Registry demo data and one H3 meeting with Russia's MIA, held last month by another unit,
    with an open commitment."""
    capabilities.install(capabilities.enabled())
    with unit_of_work(engine) as session:
        registry_demo.load(session, "demo")
        mia = session.scalar(select(Agency).where(Agency.ref == "ru-mvd"))
        assert mia is not None
        held = today() - timedelta(days=30)
        meeting = engagements.create_engagement(
            session,
            OWNER,
            engagement_schemas.EngagementIn(
                kind="talks", title="Restricted talks", held_on=held, country="RU",
                agency_ids=[mia.id], handling_code="H3",
            ),
        )  # fmt: skip
        engagements.create_commitment(
            session,
            OWNER,
            engagement_schemas.CommitmentIn(engagement_id=meeting.id, text=PLEDGE, kind="pledged"),
        )
        return meeting.id


def test_a_briefing_and_the_report_leave_out_another_units_h3_meeting(engine: Engine) -> None:
    restricted_meeting(engine)
    with unit_of_work(engine) as session:
        for reader, sees in ((OUTSIDER, False), (OWNER, True)):
            briefing = build_briefing(session, reader, "RU")
            texts = [c["text"] for c in briefing.commitments or []]
            assert (PLEDGE in texts) is sees, reader.unit
            assert (briefing.open_commitments == 1) is sees, reader.unit
            report = cooperation_report(session, reader, date(today().year - 1, 1, 1), today(), "RU")
            assert (report.totals.engagements == 1) is sees, reader.unit
            assert (report.totals.commitments_open == 1) is sees, reader.unit


def test_an_activity_cannot_be_linked_to_a_meeting_its_author_may_not_read(engine: Engine) -> None:
    meeting = restricted_meeting(engine)
    with unit_of_work(engine) as session:
        mia = session.scalar(select(Agency).where(Agency.ref == "ru-mvd"))
        assert mia is not None
        activity = ActivityIn(
            kind="experience_sharing", title="Sharing session", partner_agency_id=mia.id,
            start_date=today() - timedelta(days=30), engagement_id=meeting,
        )  # fmt: skip
        with pytest.raises(Invalid, match="No engagement with id"):  # as if it did not exist
            capacity.create_activity(session, OUTSIDER, activity)
        assert capacity.create_activity(session, OWNER, activity).engagement_id == meeting
