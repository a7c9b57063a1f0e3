"""JSON routes of capacity building, under /api/v1. Each parses, calls the service, answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from liaison.capacity import schemas, service
from liaison.core.models import User
from liaison.core.schemas import Page
from liaison.core.web import DbSession, Permission

router = APIRouter(tags=["capacity"])

Reader = Annotated[User, Depends(Permission(service.READ))]
Writer = Annotated[User, Depends(Permission(service.WRITE))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


@router.get("/capacity/staff", response_model=Page[schemas.StaffMemberOut])
def list_staff(
    session: DbSession, user: Reader, limit: Limit = 50, offset: Offset = 0
) -> Page[schemas.StaffMemberOut]:
    """Staff records of the home ministry (never persons sought). Audited."""
    rows, total = service.list_staff(session, user, limit=limit, offset=offset)
    return Page(
        items=[schemas.StaffMemberOut.model_validate(r) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post("/capacity/staff", response_model=schemas.StaffMemberOut, status_code=201)
def create_staff_member(
    body: schemas.StaffMemberIn, session: DbSession, user: Writer
) -> schemas.StaffMemberOut:
    """Add a staff record of the home ministry."""
    return schemas.StaffMemberOut.model_validate(service.create_staff_member(session, user, body))


@router.get("/capacity/activities", response_model=Page[schemas.ActivityOut])
def list_activities(
    session: DbSession,
    user: Reader,
    kind: Annotated[str, Query(max_length=40)] = "",
    partner_agency_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    engagement_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.ActivityOut]:
    """Trainings, secondments, applications, deployments and experience sharing, newest first;
    `engagement_id` gives those linked to one engagement. Only those the reader may read."""
    ids = [partner_agency_id] if partner_agency_id is not None else None
    rows, total = service.list_activities(
        session, user, partner_agency_ids=ids, kind=kind, year=year, engagement_id=engagement_id,
        limit=limit, offset=offset,
    )  # fmt: skip
    return Page(items=[service.activity_out(a) for a in rows], total=total, limit=limit, offset=offset)


@router.post("/capacity/activities", response_model=schemas.ActivityOut, status_code=201)
def create_activity(body: schemas.ActivityIn, session: DbSession, user: Writer) -> schemas.ActivityOut:
    """Record an activity with its partner, period, subject areas and participants (staff records
    of the home ministry, or partners' people by name). A period ending before it starts, a
    deployment without a mission or a secondment without a post is refused."""
    return service.activity_out(service.create_activity(session, user, body))


@router.get("/capacity/counts", response_model=schemas.Counts)
def capacity_counts(
    session: DbSession,
    user: Reader,
    partner_agency_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> schemas.Counts:
    """Activities and home-ministry participants per year and kind, and officers trained."""
    ids = [partner_agency_id] if partner_agency_id is not None else None
    return service.counts(session, user, ids)


@router.get("/capacity/activities/{activity_id}", response_model=schemas.ActivityOut)
def get_activity(activity_id: int, session: DbSession, user: Reader) -> schemas.ActivityOut:
    """One activity with its participants. Audited."""
    return service.activity_out(service.get_activity(session, user, activity_id))


@router.post(
    "/capacity/activities/{activity_id}/participants", response_model=schemas.ParticipantOut, status_code=201
)
def add_participant(
    activity_id: int, body: schemas.ParticipantIn, session: DbSession, user: Writer
) -> schemas.ParticipantOut:
    """Add a participant with a role the activity's kind allows."""
    return schemas.ParticipantOut.model_validate(service.add_participant(session, user, activity_id, body))


@router.post("/capacity/activities/{activity_id}/status", response_model=schemas.ActivityOut)
def change_status(
    activity_id: int, body: schemas.StatusIn, session: DbSession, user: Writer
) -> schemas.ActivityOut:
    """Move the activity along its kind's statuses, with its outcome; 409 lists the allowed ones."""
    return service.activity_out(service.change_status(session, user, activity_id, body))
