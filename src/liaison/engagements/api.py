"""JSON routes of engagements, commitments and citizen-protection cases, under /api/v1."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from liaison import capabilities
from liaison.core.listing import sorted_by
from liaison.core.models import User
from liaison.core.schemas import LinkedOut, Page
from liaison.core.web import DbSession, Permission
from liaison.engagements import feeds, planning, proposals, schemas, service

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
    stage: CodeQuery = None,
    q: Text = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(service.ENGAGEMENT_SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.EngagementOut]:
    """Engagements this reader may see, filtered by kind, partner country, mechanism, agency, crime
    area, dates, stage (comma-separated: `planned,held`) or title. Sort by `held_on` (default newest
    first as `-held_on`), `kind`, `title` or `id`."""
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
        stage=stage,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Page(items=[service.engagement_out(e) for e in rows], total=total, limit=limit, offset=offset)


@router.post("/engagements", response_model=schemas.EngagementOut, status_code=201)
def create_engagement(body: schemas.EngagementIn, session: DbSession, user: Writer) -> schemas.EngagementOut:
    """Record an engagement with its participants, agencies and sources, or plan one: `stage`
    `planned` (today or later) with an agenda, delegation lists and preparation tasks. A held one
    is today or earlier; either date on the wrong side answers 422 and records nothing."""
    return service.engagement_out(service.create_engagement(session, user, body))


@router.get("/engagements/calendar", response_model=schemas.CalendarOut)
def engagement_calendar(
    session: DbSession,
    user: Reader,
    view: Annotated[Literal["week", "month"], Query(description="week or month")] = "week",
    day: Annotated[date | None, Query(alias="date", description="a day of the week or month; today")] = None,
) -> schemas.CalendarOut:
    """The week (Monday to Sunday) or month (its whole weeks) around `date`, in the node's time
    zone: each day's engagements this reader may see and the preparation tasks due that day."""
    return planning.calendar_out(planning.calendar(session, user, view, day))


@router.get("/engagements/feeds", response_model=list[schemas.FeedOut])
def list_feeds(session: DbSession, user: Reader) -> list[schemas.FeedOut]:
    """Your calendar feeds, revoked ones included (their secrets are never shown again)."""
    return [schemas.FeedOut.model_validate(f) for f in feeds.list_feeds(session, user)]


@router.post("/engagements/feeds", response_model=schemas.FeedCreated, status_code=201)
def create_feed(
    request: Request, body: schemas.FeedIn, session: DbSession, user: Reader
) -> schemas.FeedCreated:
    """A secret iCalendar address for a calendar client: `mine` (on our delegation, owning a
    preparation task, or of your unit), or one partner `country` or `agency`. The address is shown
    once; only its digest is kept. It reads as you, through the record-access gate."""
    feed, secret = feeds.create_feed(session, user, body)
    url = str(request.base_url).rstrip("/") + feeds.FEED_PATH.format(token=secret)
    return schemas.FeedCreated(**schemas.FeedOut.model_validate(feed).model_dump(), url=url)


@router.delete("/engagements/feeds/{feed_id}", response_model=schemas.FeedOut)
def revoke_feed(feed_id: int, session: DbSession, user: Reader) -> schemas.FeedOut:
    """Revoke one of your feeds: its address answers 404 from now on."""
    return schemas.FeedOut.model_validate(feeds.revoke_feed(session, user, feed_id))


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


@router.post("/engagements/{engagement_id}/stage", response_model=schemas.EngagementOut)
def move_engagement_stage(
    engagement_id: int, body: schemas.StageIn, session: DbSession, user: Writer
) -> schemas.EngagementOut:
    """Mark a planned engagement held (on its date or `held_on`, not in the future) or cancelled,
    or plan a cancelled one again; a move the stages do not allow answers 409 with `allowed`."""
    return service.engagement_out(planning.move_stage(session, user, engagement_id, body))


@router.post("/engagements/{engagement_id}/tasks", response_model=schemas.TaskOut, status_code=201)
def add_task(engagement_id: int, body: schemas.TaskIn, session: DbSession, user: Writer) -> schemas.TaskOut:
    """Add a preparation task with its owner (a user) and due date."""
    return schemas.TaskOut.model_validate(planning.add_task(session, user, engagement_id, body))


@router.patch("/engagements/{engagement_id}/tasks/{task_id}", response_model=schemas.TaskOut)
def update_task(
    engagement_id: int, task_id: int, body: schemas.TaskPatch, session: DbSession, user: Writer
) -> schemas.TaskOut:
    """Change a preparation task or mark it done."""
    return schemas.TaskOut.model_validate(planning.update_task(session, user, engagement_id, task_id, body))


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


@router.post("/commitments/follow-ups", response_model=list[schemas.CommitmentOut])
def follow_up_commitments(
    body: schemas.BulkFollowUpIn, session: DbSession, user: Writer
) -> list[schemas.CommitmentOut]:
    """The same follow-up (note, status, or both) on several commitments: all of them, or, when
    one is refused (409 with its `allowed` moves, 404, 403), none."""
    return [service.commitment_out(c) for c in service.follow_up_many(session, user, body)]


@router.post("/commitments/{commitment_id}/follow-ups", response_model=schemas.CommitmentOut)
def follow_up_commitment(
    commitment_id: int, body: schemas.FollowUpIn, session: DbSession, user: Writer
) -> schemas.CommitmentOut:
    """Add a follow-up note and optionally move the status; an illegal move answers 409 with `allowed`."""
    return service.commitment_out(service.follow_up(session, user, commitment_id, body))


@router.get("/commitments/{commitment_id}/proposals", response_model=list[schemas.ProposalOut])
def list_proposals(commitment_id: int, session: DbSession, user: Reader) -> list[schemas.ProposalOut]:
    """Partner nodes' proposed changes of status of this commitment, open and decided, with where
    each came from (node, envelope message id, when) and who decided it, oldest first."""
    return [proposals.proposal_out(p) for p in proposals.list_proposals(session, user, commitment_id)]


@router.post(
    "/commitments/{commitment_id}/proposals/{proposal_id}/decision", response_model=schemas.ProposalOut
)
def decide_proposal(
    commitment_id: int, proposal_id: int, body: schemas.ProposalDecisionIn, session: DbSession, user: Writer
) -> schemas.ProposalOut:
    """Accept (the status moves, shared back with the partners) or refuse (a reason is required;
    the proposer is told) a partner's proposal; 409 when it was decided already."""
    decided = proposals.decide(session, user, commitment_id, proposal_id, body.decision, body.reason)
    return proposals.proposal_out(decided)


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
