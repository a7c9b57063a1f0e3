"""Pages of engagements: the list and timeline, recording an engagement, its page with the
commitments made there, following a commitment up until it is done, citizen-protection cases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.capabilities import panels
from liaison.core.errors import DomainError, NotFound
from liaison.core.models import User
from liaison.core.records import today
from liaison.core.security.policy import ensure
from liaison.core.vocab import allowed_next, label
from liaison.core.web import DbSession, Permission
from liaison.engagements import pickers, schemas, service
from liaison.engagements.vocabulary import vocabulary as engagement_words
from liaison.registry.agencies import agency_choices
from liaison.registry.mechanisms import mechanism_choices
from liaison.registry.models import Agreement, Official, Programme
from liaison.registry.vocabulary import countries, country_label, crime_areas, vocabulary
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    attempt,
    form_values,
    many,
    optional_date,
    optional_int,
    pager,
    parse,
    posted,
    redirect,
)
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[User, Depends(Permission("engagements.read"))]
Writer = Annotated[User, Depends(Permission("engagements.write"))]
Text = Annotated[str | None, Query(max_length=300)]
CodeQuery = Annotated[str | None, Query(max_length=40)]

NAV = (
    NavItem("Engagements", "/engagements", "engagements.read"),
    NavItem("Commitments", "/engagements/commitments", "engagements.read"),
    NavItem("Citizen protection", "/engagements/citizen-protection", "engagements.read"),
)


def show(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    helpers = {
        "words": vocabulary(),
        "ewords": engagement_words(),
        "crime_areas": crime_areas(),
        "label": label,
        "country_label": country_label,
        "countries": countries(),
    }
    return render(request, f"engagements/{template}", {**helpers, **context}, status_code=status_code)


# Engagements


@router.get("/engagements", response_class=HTMLResponse)
def engagements_page(
    request: Request,
    session: DbSession,
    user: Reader,
    country: CodeQuery = None,
    kind: CodeQuery = None,
    q: Text = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    filters: dict[str, Any] = {"country": country, "kind": kind, "q": q}
    rows, total = service.list_engagements(
        session, user, **filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return show(request, "list.html", {"engagements": rows, "filters": filters, "pager": pager(page, total)})


def _engagement_form(
    request: Request, session: Session, form: dict[str, Any], error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {
        "form": form,
        "error": error,
        "agencies": agency_choices(session),
        "officials": list(session.scalars(select(Official).order_by(Official.name_key))),
        "mechanisms": mechanism_choices(session),
    }
    return show(request, "form.html", context, status)


@router.get("/engagements/new", response_class=HTMLResponse)
def new_engagement_page(request: Request, session: DbSession, user: Writer) -> HTMLResponse:
    return _engagement_form(request, session, {})


@router.post("/engagements", response_class=HTMLResponse, response_model=None)
async def add_engagement(
    request: Request, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values, multi = await posted(request)
    sources = []
    if values.get("source_url") or values.get("source_quote"):
        sources.append({"url": values.get("source_url", ""), "quote": values.get("source_quote", "")})
    data = {
        "kind": values.get("kind", ""),
        "title": values.get("title", ""),
        "held_on": optional_date(values.get("held_on")),
        "end_on": optional_date(values.get("end_on")),
        "place": values.get("place", ""),
        "country": values.get("country") or None,
        "mechanism_id": optional_int(values.get("mechanism_id")),
        "ordinal": optional_int(values.get("ordinal")),
        "agency_ids": many(multi.get("agency_ids", [])),
        "participants": [{"official_id": i} for i in many(multi.get("official_ids", []))],
        "crime_areas": multi.get("crime_areas", []),
        "summary": values.get("summary", ""),
        "sources": sources,
    }
    engagement = attempt(
        session, lambda: service.create_engagement(session, user, parse(schemas.EngagementIn, data))
    )
    if isinstance(engagement, DomainError):
        detail, status = engagement.detail, engagement.status
        return _engagement_form(request, session, values, detail, status)
    return redirect(f"/engagements/{engagement.id}")


# Commitments (declared before /engagements/{id} so the fixed paths win)


@router.get("/engagements/commitments", response_class=HTMLResponse)
def commitments_page(
    request: Request,
    session: DbSession,
    user: Reader,
    status: CodeQuery = "open,in_progress",
    country: CodeQuery = None,
    kind: CodeQuery = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    filters: dict[str, Any] = {"status": status, "country": country, "kind": kind}
    rows, total = service.list_commitments(
        session, user, **filters, sort="due", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return show(
        request, "commitments.html", {"commitments": rows, "filters": filters, "pager": pager(page, total)}
    )


def _commitment(
    request: Request,
    session: Session,
    user: User,
    commitment_id: int,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    commitment = service.get_commitment(session, user, commitment_id)
    context = {
        "commitment": commitment,
        "allowed": allowed_next(engagement_words().commitment_statuses, commitment.status),
        "error": error,
        "today": today(),
    }
    return show(request, "commitment.html", context, status)


@router.get("/engagements/commitments/{commitment_id}", response_class=HTMLResponse)
def commitment_page(request: Request, commitment_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _commitment(request, session, user, commitment_id)


@router.post(
    "/engagements/commitments/{commitment_id}/follow-ups", response_class=HTMLResponse, response_model=None
)
async def add_follow_up(
    request: Request, commitment_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "note": values.get("note", ""),
        "status": values.get("status") or None,
        "noted_on": optional_date(values.get("noted_on")),
    }
    outcome = attempt(
        session, lambda: service.follow_up(session, user, commitment_id, parse(schemas.FollowUpIn, data))
    )
    if isinstance(outcome, DomainError):
        detail = outcome.detail
        if outcome.extra.get("allowed") is not None:
            statuses = engagement_words().commitment_statuses
            detail = f"{detail} ({', '.join(label(statuses, s) for s in outcome.extra['allowed']) or '—'})"
        return _commitment(request, session, user, commitment_id, detail, outcome.status)
    return redirect(f"/engagements/commitments/{commitment_id}")


# Citizen protection


def _cases(
    request: Request,
    session: Session,
    user: User,
    country: str | None,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    rows, total = service.list_cases(session, user, country=country, limit=PAGE_SIZE)
    return show(
        request,
        "cases.html",
        {
            "cases": rows,
            "filters": {"country": country},
            "form": form or {},
            "error": error,
            "pager": pager(1, total),
        },
        status,
    )


@router.get("/engagements/citizen-protection", response_class=HTMLResponse)
def cases_page(request: Request, session: DbSession, user: Reader, country: CodeQuery = None) -> HTMLResponse:
    return _cases(request, session, user, country)


@router.post("/engagements/citizen-protection", response_class=HTMLResponse, response_model=None)
async def add_case(request: Request, session: DbSession, user: Writer) -> HTMLResponse | RedirectResponse:
    values, multi = await posted(request)
    data = {
        "country": values.get("country", ""),
        "title": values.get("title", ""),
        "concerned": multi.get("concerned", []),
        "summary": values.get("summary", ""),
        "handling_code": values.get("handling_code", "H0"),
    }
    outcome = attempt(session, lambda: service.create_case(session, user, parse(schemas.CaseIn, data)))
    if isinstance(outcome, DomainError):
        detail, status = outcome.detail, outcome.status
        return _cases(request, session, user, None, values, detail, status)
    return redirect("/engagements/citizen-protection")


# One engagement and the commitments made there


def _engagement(
    request: Request,
    session: Session,
    user: User,
    engagement_id: int,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    ensure(user, "engagements.read")
    engagement = service.engagement_with_everything(session, engagement_id)
    if engagement is None:
        raise NotFound("No engagement with id {engagement_id}.", engagement_id=engagement_id)
    context = {
        "engagement": engagement,
        "error": error,
        "form": form or {},
        "agencies": agency_choices(session),
        "agreements": list(session.scalars(select(Agreement).order_by(Agreement.title_key))),
        "programmes": list(session.scalars(select(Programme).order_by(Programme.start_year))),
        "panels": panels(session, user, engagement, lambda c: c.engagement_view),
    }
    return show(request, "engagement.html", context, status)


@router.get("/engagements/{engagement_id}", response_class=HTMLResponse)
def engagement_page(request: Request, engagement_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _engagement(request, session, user, engagement_id)


@router.post("/engagements/{engagement_id}", response_class=HTMLResponse, response_model=None)
async def edit_engagement(
    request: Request, engagement_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "title": values.get("title", ""),
        "held_on": optional_date(values.get("held_on")),
        "end_on": optional_date(values.get("end_on")),
        "place": values.get("place", ""),
        "summary": values.get("summary", ""),
    }
    outcome = attempt(
        session,
        lambda: service.update_engagement(session, user, engagement_id, parse(schemas.EngagementPatch, data)),
    )
    if isinstance(outcome, DomainError):
        return _engagement(request, session, user, engagement_id, outcome.detail, None, outcome.status)
    return redirect(f"/engagements/{engagement_id}")


@router.post("/engagements/{engagement_id}/commitments", response_class=HTMLResponse, response_model=None)
async def add_commitment(
    request: Request, engagement_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values, multi = await posted(request)
    data = {
        "engagement_id": engagement_id,
        "text": values.get("text", ""),
        "kind": values.get("kind", ""),
        "party_agency_ids": many(multi.get("party_agency_ids", [])),
        "owner_agency_id": optional_int(values.get("owner_agency_id")),
        "due_date": optional_date(values.get("due_date")),
        "agreement_id": optional_int(values.get("agreement_id")),
        "programme_id": optional_int(values.get("programme_id")),
    }
    commitment = attempt(
        session, lambda: service.create_commitment(session, user, parse(schemas.CommitmentIn, data))
    )
    if isinstance(commitment, DomainError):
        detail, status = commitment.detail, commitment.status
        if status == 422 and "engagement_id" in getattr(commitment, "fields", {}):
            raise NotFound("No engagement with id {engagement_id}.", engagement_id=engagement_id)
        return _engagement(request, session, user, engagement_id, detail, values, status)
    return redirect(f"/engagements/{engagement_id}")


router.include_router(pickers.router)  # the type-ahead pickers of engagements and commitments
