"""JSON routes of screening, under /api/v1. Each parses, calls the service, answers."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from liaison.core.models import User
from liaison.core.schemas import Page
from liaison.core.web import DbSession, Permission
from liaison.screening import schemas, service
from liaison.screening.startup import live_index

router = APIRouter(tags=["screening"])

Screener = Annotated[User, Depends(Permission(service.SCREEN))]
Reader = Annotated[User, Depends(Permission(service.READ))]
Reviewer = Annotated[User, Depends(Permission(service.REVIEW))]


@router.post("/screen", response_model=schemas.ScreenOut)
def screen(
    request: Request, body: schemas.RecordIn | schemas.BatchIn, session: DbSession, user: Screener
) -> schemas.ScreenOut:
    """Screen one record, or a batch of up to 1,000 (`{"records": [...], "threshold": 0.5}`), against
    the persons sought. A record is `{record_id, name, birth_date, nationality, document_number,
    gender}`; only `name` is required. Each hit has a calibrated score (the share of such hits that
    were true matches on the labelled benchmark) and a per-feature explanation. Records that alert
    are stored for review; a pair a reviewer dismissed is not raised again (`suppressed`) while
    neither the subject nor the record changes. Records with problems (a name without letters, an
    impossible birth date) are answered with the problem, never dropped."""
    if isinstance(body, schemas.BatchIn):
        records, threshold = body.records, body.threshold
    else:
        records, threshold = [body], None
    return service.screen(session, user, live_index(request.app), records, threshold=threshold)


@router.get("/screening/hits", response_model=Page[schemas.ReviewHitOut])
def list_hits(
    session: DbSession,
    user: Reader,
    status: Literal["open", "confirmed", "dismissed"] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[schemas.ReviewHitOut]:
    """The review queue: hits in a status (default `open`), strongest first. Audited."""
    return service.list_hits(session, user, status, limit, offset)


@router.get("/screening/hits/{hit_id}", response_model=schemas.ReviewHitOut)
def get_hit(hit_id: int, session: DbSession, user: Reader) -> schemas.ReviewHitOut:
    """One hit with the record screened and the explanation. Audited."""
    return service.get_hit(session, user, hit_id)


@router.post("/screening/hits/{hit_id}/decision", response_model=schemas.ReviewHitOut)
def decide(hit_id: int, body: schemas.DecisionIn, session: DbSession, user: Reviewer) -> schemas.ReviewHitOut:
    """Confirm or dismiss an open hit. Dismissing needs a reason and keeps the pair quiet until the
    subject or the record changes. Confirming with `requesting_agency_id` and `requested_agency_id`
    opens a locate-or-verify request to the partner in the same transaction."""
    return service.decide(session, user, hit_id, body)
