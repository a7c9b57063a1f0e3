"""A small cooperation history for report tests: requests with Russia answered on time, late and
not at all, one restricted request of another unit, an engagement with two commitments, and a
programme; on dates of the first quarter of 2025."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from liaison.core.security.policy import SystemActor
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements import service as engagements
from liaison.registry import programmes
from liaison.registry import schemas as registry_schemas
from liaison.registry.models import Agency
from liaison.requests import service
from tests.requests.factories import agency, at, request_data

UNIT = "international-cooperation"
OFFICER = SystemActor(username="officer.one", role="officer", unit=UNIT)
ANALYST = SystemActor(username="analyst.one", role="analyst", unit=UNIT)
AUDITOR = SystemActor(username="auditor.one", role="auditor", unit=UNIT)
SECRET_UNIT = "counter-terrorism"
SECRET_OFFICER = SystemActor(username="ct.one", role="officer", unit=SECRET_UNIT)
QUESTIONS = {"questions": "Whereabouts of a person", "purpose": "Investigation"}


@dataclass
class History:
    russia_agency_id: int
    kazakhstan_agency_id: int
    programme_id: int


def incoming_information(
    session: Session,
    partner_id: int,
    home_id: int,
    received: str,
    answered_after_days: float | None,
    **extra: object,
) -> int:
    """An incoming information request received at `received`, answered that many days later (or not)."""
    actor = SECRET_OFFICER if extra.get("handling_code") == "H3" else OFFICER
    data = request_data(
        session.get_one(Agency, partner_id), session.get_one(Agency, home_id),
        kind="information_request", direction="incoming", title="Information on a company",
        details=QUESTIONS, received_at=at(received), request_date=received[:10], **extra,
    )  # fmt: skip
    request = service.create_request(session, actor, data, now=at(received))
    if answered_after_days is not None:
        when = at(received) + timedelta(days=answered_after_days)
        service.transition_request(session, actor, request.id, "answer", now=when)
    return request.id


def cooperation_history(session: Session) -> History:
    home = agency(session, "Ministry of Public Security", "VN", "interior")
    russia = agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior")
    kazakhstan = agency(session, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption")
    incoming_information(session, russia.id, home.id, "2025-03-03 03:00", 2)  # within the 7 days
    incoming_information(session, russia.id, home.id, "2025-03-04 03:00", 10)  # late
    incoming_information(session, russia.id, home.id, "2025-03-05 03:00", None)  # overdue at the end
    incoming_information(session, russia.id, home.id, "2025-03-06 03:00", 1, handling_code="H3")
    incoming_information(session, kazakhstan.id, home.id, "2025-02-10 03:00", 3)
    held = engagements.create_engagement(
        session, OFFICER,
        engagement_schemas.EngagementIn(
            kind="talks", title="Talks with the MIA", held_on=date(2025, 2, 20), country="RU",
            agency_ids=[russia.id], crime_areas=["cybercrime", "drug_trafficking"],
        ),
    )  # fmt: skip
    for text, status in (("Exchange liaison officers", "done"), ("Train investigators", None)):
        commitment = engagements.create_commitment(
            session, OFFICER,
            engagement_schemas.CommitmentIn(engagement_id=held.id, text=text, kind="agreed"),
        )  # fmt: skip
        if status:
            engagements.follow_up(
                session, OFFICER, commitment.id,
                engagement_schemas.FollowUpIn(noted_on=date(2025, 3, 1), note="Done", status=status),
            )  # fmt: skip
    programme = programmes.create_programme(
        session, OFFICER,
        registry_schemas.ProgrammeIn(
            title="Coordinated Action Program 2025-2027", start_year=2025, end_year=2027,
            party_agency_ids=[home.id, russia.id],
        ),
    )  # fmt: skip
    for text, status in (("Joint training", "done"), ("Hotline", "open"), ("Old idea", "dropped")):
        programmes.add_action_item(
            session, OFFICER, programme.id, registry_schemas.ActionItemIn(text=text, status=status)
        )
    session.flush()
    return History(russia.id, kazakhstan.id, programme.id)
