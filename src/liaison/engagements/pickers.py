"""The type-ahead pickers of engagements and commitments (`liaison.web.pickers`): the ones this
reader may read whose title (a commitment: its engagement's title) matches, or whose number was
typed, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from liaison.core.errors import DomainError
from liaison.core.models import User
from liaison.core.web import DbSession, Permission
from liaison.engagements import service
from liaison.web.forms import attempt
from liaison.web.pickers import PICK_LIMIT, Field, FieldId, Search, choices_page, number_in

router = APIRouter(include_in_schema=False)
Reader = Annotated[User, Depends(Permission("engagements.read"))]


@router.get("/pick/engagements", response_class=HTMLResponse)
def pick_engagement(
    request: Request, session: DbSession, user: Reader, field: Field, field_id: FieldId, q: Search = ""
) -> HTMLResponse:
    found, _ = service.list_engagements(session, user, q=q or None, limit=PICK_LIMIT, sort="-held_on")
    number = number_in(q)
    if number is not None and number not in {e.id for e in found}:
        exact = attempt(session, lambda: service.get_engagement(session, user, number))
        found = ([] if isinstance(exact, DomainError) else [exact]) + found
    labels = ((e.id, f"{e.held_on.isoformat()} · {e.title} (#{e.id})") for e in found)
    return choices_page(request, field, field_id, labels)


@router.get("/pick/commitments", response_class=HTMLResponse)
def pick_commitment(
    request: Request, session: DbSession, user: Reader, field: Field, field_id: FieldId, q: Search = ""
) -> HTMLResponse:
    """Commitments of the engagements whose title matches `q`, or the one whose number was typed."""
    number = number_in(q)
    if number is not None:
        exact = attempt(session, lambda: service.get_commitment(session, user, number))
        found = [] if isinstance(exact, DomainError) else [exact]
    else:
        found, _ = service.list_commitments(session, user, q=q or None, limit=PICK_LIMIT)
    return choices_page(request, field, field_id, ((c.id, f"{c.text[:120]} (#{c.id})") for c in found))
