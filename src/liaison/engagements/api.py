"""JSON routes of engagements, commitments and citizen-protection cases, under /api/v1."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from liaison import capabilities
from liaison.core.listing import sorted_by
from liaison.core.models import User
from liaison.core.schemas import LinkedOut, Page
from liaison.core.web import DbSession, Permission
from liaison.engagements import schemas, service

router = APIRouter(tags=["engagements"])

Reader = Annotated[User, Depends(Permission("engagements.read"))]
Writer = Annotated[User, Depends(Permission("engagements.write"))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Text = Annotated[str | None, Query(max_length=300)]
CodeQuery = Annotated[str | None, Query(max_length=40)]


@router.get("/engagements", response_model=Page[schemas.EngagementOut])
def list_engagements(
    session: DbSession,
    user: Reader,
    kind: CodeQuery = None,
    country: CodeQuery = None,
    mechanism_id: int | None = None,
    agency_id: int | None = None,
    crime_area: CodeQuery = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: Text = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(service.ENGAGEMENT_SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.EngagementOut]:
    """Engagements, filtered by kind, partner country, mechanism, agency, crime area, dates or title.
    Sort by `held_on` (default newest first as `-held_on`), `kind`, `title` or `id`."""
    rows, total = service.list_engagements(
        session,
        user,
        kind=kind,
        country=country,
        mechanism_id=mechanism_id,
        agency_id=agency_id,
        crime_area=crime_area,
        date_from=date_from,
        date_to=date_to,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Page(items=[service.engagement_out(e) for e in rows], total=total, limit=limit, offset=offset)


@router.post("/engagements", response_model=schemas.EngagementOut, status_code=201)
def create_engagement(body: schemas.EngagementIn, session: DbSession, user: Writer) -> schemas.EngagementOut:
    """Record an engagement with its participants, agencies and sources."""
    return service.engagement_out(service.create_engagement(session, user, body))


@router.get("/engagements/{engagement_id}", response_model=schemas.EngagementOut)
def read_engagement(engagement_id: int, session: DbSession, user: Reader) -> schemas.EngagementOut:
    """One engagement, with the records of other capabilities linked to it (`linked`: the
    requests that follow from it, ... — only those this reader may read)."""
    engagement = service.get_engagement(session, user, engagement_id)
    linked = capabilities.linked(capabilities.panels(session, user, engagement, lambda c: c.engagement_view))
    return service.engagement_out(engagement).model_copy(
        update={"linked": [LinkedOut.model_validate(link) for link in linked]}
    )


@router.patch("/engagements/{engagement_id}", response_model=schemas.EngagementOut)
def update_engagement(
    engagement_id: int, body: schemas.EngagementPatch, session: DbSession, user: Writer
) -> schemas.EngagementOut:
    """Change an engagement; lists sent replace the old ones."""
    return service.engagement_out(service.update_engagement(session, user, engagement_id, body))


@router.get("/commitments", response_model=Page[schemas.CommitmentOut])
def list_commitments(
    session: DbSession,
    user: Reader,
    status: CodeQuery = None,
    kind: CodeQuery = None,
    engagement_id: int | None = None,
    country: CodeQuery = None,
    owner_agency_id: int | None = None,
    due_before: date | None = None,
    q: Text = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(service.COMMITMENT_SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.CommitmentOut]:
    """Commitments, filtered by status (comma-separated), kind, engagement, partner country, owner,
    due date or the engagement's title. Sort by `due`, `status`, `updated` or `id`."""
    rows, total = service.list_commitments(
        session,
        user,
        status=status,
        kind=kind,
        engagement_id=engagement_id,
        country=country,
        owner_agency_id=owner_agency_id,
        due_before=due_before,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Page(items=[service.commitment_out(c) for c in rows], total=total, limit=limit, offset=offset)


@router.post("/commitments", response_model=schemas.CommitmentOut, status_code=201)
def create_commitment(body: schemas.CommitmentIn, session: DbSession, user: Writer) -> schemas.CommitmentOut:
    """Record a commitment made at an engagement; it starts open."""
    return service.commitment_out(service.create_commitment(session, user, body))


@router.get("/commitments/{commitment_id}", response_model=schemas.CommitmentOut)
def read_commitment(commitment_id: int, session: DbSession, user: Reader) -> schemas.CommitmentOut:
    """One commitment with its follow-ups and the statuses it may move to."""
    return service.commitment_out(service.get_commitment(session, user, commitment_id))


@router.patch("/commitments/{commitment_id}", response_model=schemas.CommitmentOut)
def update_commitment(
    commitment_id: int, body: schemas.CommitmentPatch, session: DbSession, user: Writer
) -> schemas.CommitmentOut:
    """Change a commitment's text, owner, due date or what it concerns."""
    return service.commitment_out(service.update_commitment(session, user, commitment_id, body))


@router.post("/commitments/{commitment_id}/follow-ups", response_model=schemas.CommitmentOut)
def follow_up_commitment(
    commitment_id: int, body: schemas.FollowUpIn, session: DbSession, user: Writer
) -> schemas.CommitmentOut:
    """Add a follow-up note and optionally move the status; an illegal move answers 409 with `allowed`."""
    return service.commitment_out(service.follow_up(session, user, commitment_id, body))


@router.get("/citizen-protection", response_model=Page[schemas.CaseOut])
def list_cases(
    session: DbSession,
    user: Reader,
    country: CodeQuery = None,
    status: CodeQuery = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(service.CASE_SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.CaseOut]:
    """Citizen-protection cases, filtered by partner country or status."""
    rows, total = service.list_cases(
        session, user, country=country, status=status, sort=sort, limit=limit, offset=offset
    )
    return Page(
        items=[schemas.CaseOut.model_validate(c) for c in rows], total=total, limit=limit, offset=offset
    )


@router.post("/citizen-protection", response_model=schemas.CaseOut, status_code=201)
def create_case(body: schemas.CaseIn, session: DbSession, user: Writer) -> schemas.CaseOut:
    """Open a citizen-protection case with a partner country."""
    return schemas.CaseOut.model_validate(service.create_case(session, user, body))


@router.get("/citizen-protection/{case_id}", response_model=schemas.CaseOut)
def read_case(case_id: int, session: DbSession, user: Reader) -> schemas.CaseOut:
    """One citizen-protection case."""
    return schemas.CaseOut.model_validate(service.get_case(session, user, case_id))


@router.patch("/citizen-protection/{case_id}", response_model=schemas.CaseOut)
def update_case(case_id: int, body: schemas.CasePatch, session: DbSession, user: Writer) -> schemas.CaseOut:
    """Change a citizen-protection case."""
    return schemas.CaseOut.model_validate(service.update_case(session, user, case_id, body))
