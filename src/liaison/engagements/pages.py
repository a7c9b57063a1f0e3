"""Pages of engagements: the list and timeline, recording or planning an engagement, its page with
its agenda, delegations, preparation tasks and the commitments made there, the week and month
calendar, the calendar feeds (and the feed itself, read by calendar clients with its secret
address), following a commitment up until it is done, citizen-protection cases."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from babel.dates import format_date
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.capabilities import panels
from liaison.core import i18n
from liaison.core.errors import DomainError, Invalid, NotFound
from liaison.core.models import User
from liaison.core.records import today
from liaison.core.security.policy import ensure
from liaison.core.vocab import allowed_next, label
from liaison.core.web import DbSession, Permission
from liaison.engagements import feeds, pickers, planning, proposals, schemas, service
from liaison.engagements.models import CalendarFeed
from liaison.engagements.vocabulary import vocabulary as engagement_words
from liaison.registry.agencies import agency_choices
from liaison.registry.mechanisms import mechanism_choices
from liaison.registry.models import Agreement, Official, Programme
from liaison.registry.vocabulary import countries, country_label, crime_areas, vocabulary
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    SortQuery,
    attempt,
    form_values,
    lines,
    many,
    optional_date,
    optional_int,
    pager,
    parse,
    posted,
    redirect,
    refusal,
    texts_in_two_languages,
)
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[User, Depends(Permission("engagements.read"))]
Writer = Annotated[User, Depends(Permission("engagements.write"))]
Text = Annotated[str | None, Query(max_length=300)]
CodeQuery = Annotated[str | None, Query(max_length=40)]

NAV = (
    NavItem("Engagements", "/engagements", "engagements.read", "g e"),
    NavItem("Calendar", "/engagements/calendar", "engagements.read", "g c"),
    NavItem("Commitments", "/engagements/commitments", "engagements.read", "g m"),
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
        "weekday": lambda day: format_date(day, "EEEE", locale=i18n.date_locale()),
        "month_name": lambda day: format_date(day, "LLLL yyyy", locale=i18n.date_locale()),
        "delegate_name": feeds.delegate_name,
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
    stage: CodeQuery = None,
    q: Text = None,
    sort: SortQuery = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    filters: dict[str, Any] = {"country": country, "kind": kind, "stage": stage, "q": q, "sort": sort or None}
    rows, total = service.list_engagements(
        session, user, **filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    context = {"engagements": rows, "filters": filters, "pager": pager(page, total)}
    return show(request, "list.html", context | {"default_sort": service.ENGAGEMENT_DEFAULT_SORT})


def _engagement_form(
    request: Request, session: Session, form: dict[str, Any], error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {
        "form": form,
        "error": error,
        "agencies": agency_choices(session),
        "officials": list(session.scalars(select(Official).order_by(Official.name_key))),
        "mechanisms": mechanism_choices(session),
        "users": planning.user_choices(session),
        "today": today(),
    }
    return show(request, "form.html", context, status)


@router.get("/engagements/new", response_class=HTMLResponse)
def new_engagement_page(
    request: Request,
    session: DbSession,
    user: Writer,
    held_on: date | None = None,
    stage: CodeQuery = None,
) -> HTMLResponse:
    """The form, prefilled from the calendar: "plan a meeting" on a day opens it planned on that day."""
    form: dict[str, Any] = {}
    if held_on is not None:
        form["held_on"] = held_on.isoformat()
        form["stage"] = stage or ("planned" if held_on >= today() else "held")
    elif stage:
        form["stage"] = stage
    return _engagement_form(request, session, form)


def _delegates(values: dict[str, str], multi: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Both delegation lists from a form: users and names on our side, officials and names on theirs."""
    return [
        *({"side": "ours", "username": name} for name in multi.get("our_users", []) if name),
        *({"side": "ours", "name": name} for name in lines(values.get("our_names"))),
        *({"side": "theirs", "official_id": i} for i in many(multi.get("their_officials", []))),
        *({"side": "theirs", "name": name} for name in lines(values.get("their_names"))),
    ]


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
        "stage": values.get("stage") or "held",
        "agenda": lines(values.get("agenda")),
        "delegates": _delegates(values, multi),
        "handling_code": values.get("handling_code") or "H0",
        **texts_in_two_languages(values, service.ENGAGEMENT_TEXTS),
    }
    engagement = attempt(
        session, lambda: service.create_engagement(session, user, parse(schemas.EngagementIn, data))
    )
    if isinstance(engagement, DomainError):
        detail, status = engagement.detail, engagement.status
        return _engagement_form(request, session, values, detail, status)
    return redirect(f"/engagements/{engagement.id}")


# The calendar and its feeds (declared before /engagements/{id} so the fixed paths win)


@router.get("/engagements/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    session: DbSession,
    user: Reader,
    view: Annotated[str, Query(max_length=10)] = "week",
    day: Annotated[date | None, Query(alias="date")] = None,
) -> HTMLResponse:
    cal = planning.calendar(session, user, view, day)
    return show(request, "calendar.html", {"cal": cal})


def _feeds(
    request: Request,
    session: Session,
    user: User,
    created: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "feeds": feeds.list_feeds(session, user),
        "created": created,
        "error": error,
        "agencies": agency_choices(session),
        "base": str(request.base_url).rstrip("/"),
    }
    return show(request, "feeds.html", context, status)


@router.get("/engagements/feeds", response_class=HTMLResponse)
def feeds_page(request: Request, session: DbSession, user: Reader) -> HTMLResponse:
    return _feeds(request, session, user)


@router.post("/engagements/feeds", response_class=HTMLResponse, response_model=None)
async def add_feed(request: Request, session: DbSession, user: Reader) -> HTMLResponse:
    """A new feed: its secret address is shown on this answer only."""
    values = await form_values(request)
    data = {
        "scope": values.get("scope", ""),
        "country": values.get("country") or None,
        "agency_id": optional_int(values.get("agency_id")),
    }
    outcome = attempt(session, lambda: feeds.create_feed(session, user, parse(schemas.FeedIn, data)))
    if isinstance(outcome, DomainError):
        return _feeds(request, session, user, None, outcome.detail, outcome.status)
    url = str(request.base_url).rstrip("/") + feeds.FEED_PATH.format(token=outcome[1])
    return _feeds(request, session, user, url, status=201)


@router.post("/engagements/feeds/{feed_id}/revoke", response_class=HTMLResponse, response_model=None)
async def revoke_feed(
    request: Request, feed_id: int, session: DbSession, user: Reader
) -> HTMLResponse | RedirectResponse:
    outcome = attempt(session, lambda: feeds.revoke_feed(session, user, feed_id))
    if isinstance(outcome, DomainError):
        raise outcome
    return redirect("/engagements/feeds")


@router.get("/engagements/feeds/{secret}.ics", response_class=Response)
def feed(
    request: Request,
    session: DbSession,
    found_feed: Annotated[tuple[CalendarFeed, User], Depends(feeds.FeedSecret())],
    secret: Annotated[str, Path(max_length=100)],
) -> Response:
    """The feed a calendar client reads, authenticated by its secret address (no cookie, no token)."""
    found, reader = found_feed
    body = feeds.ics(
        feeds.feed_engagements(session, reader, found, reader),
        request,
        feeds.feed_name(session, found, reader),
    )
    return Response(body, media_type="text/calendar; charset=utf-8")


# Commitments (declared before /engagements/{id} so the fixed paths win)


COMMITMENTS_PAGE_SORT = "due"  # the page lists what falls due first (the API, the newest)


@router.get("/engagements/commitments", response_class=HTMLResponse)
def commitments_page(
    request: Request,
    session: DbSession,
    user: Reader,
    status: CodeQuery = "open,in_progress",
    country: CodeQuery = None,
    kind: CodeQuery = None,
    sort: SortQuery = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    filters: dict[str, Any] = {"status": status, "country": country, "kind": kind, "sort": sort or None}
    return _commitments(request, session, user, filters, page)


def _commitments(
    request: Request,
    session: Session,
    user: User,
    filters: dict[str, Any],
    page: int,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rows, total = service.list_commitments(
        session,
        user,
        **(filters | {"sort": filters["sort"] or COMMITMENTS_PAGE_SORT}),
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    context = {
        "commitments": rows,
        "filters": filters,
        "pager": pager(page, total),
        "default_sort": COMMITMENTS_PAGE_SORT,
        "today": today(),
        "error": error,
    }
    return show(request, "commitments.html", context, status_code)


@router.post("/engagements/commitments/follow-ups", response_class=HTMLResponse, response_model=None)
async def follow_up_commitments(
    request: Request, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    """The list's bulk change: the ticked commitments, one note and status, all or none; a refusal
    shows the list again, as it was filtered, with the commitment refused and why."""
    values, chosen = await posted(request)
    filters: dict[str, Any] = {key: values.get(key) or None for key in ("status", "country", "kind", "sort")}
    data = {
        "commitment_ids": many(chosen.get("commitment_id", [])),
        "note": values.get("note", ""),
        "status": values.get("new_status") or None,
        "noted_on": optional_date(values.get("noted_on")),
    }

    def run() -> list[Any]:
        if not data["commitment_ids"]:
            raise Invalid(
                "Tick the commitments to follow up first.",
                fields={"commitment_id": "one or more commitments"},
            )
        return service.follow_up_many(session, user, parse(schemas.BulkFollowUpIn, data))

    outcome = attempt(session, run)
    if isinstance(outcome, DomainError):
        detail = refusal(outcome, engagement_words().commitment_statuses)
        return _commitments(request, session, user, filters, 1, detail, outcome.status)
    chosen_filters = {key: value for key, value in filters.items() if value}
    return redirect("/engagements/commitments" + ("?" + urlencode(chosen_filters) if chosen_filters else ""))


def _commitment(
    request: Request,
    session: Session,
    user: User,
    commitment_id: int,
    error: str | None = None,
    status: int = 200,
    edited: dict[str, str] | None = None,
) -> HTMLResponse:
    """The commitment's page; after a refused correction `edited` holds what was typed."""
    commitment = service.get_commitment(session, user, commitment_id)
    every = proposals.proposals_of(session, commitment.id)
    context = {
        "commitment": commitment,
        "edited": edited or {},
        "agencies": agency_choices(session),
        "allowed": allowed_next(engagement_words().commitment_statuses, commitment.status),
        "error": error,
        "today": today(),
        "owner_node": service.owner_node(commitment),
        "open_proposals": [p for p in every if not p.decision],
        "decided_proposals": [p for p in every if p.decision][::-1],
        "may_decide": proposals.may_decide(user, commitment),
    }
    return show(request, "commitment.html", context, status)


@router.get("/engagements/commitments/{commitment_id}", response_class=HTMLResponse)
def commitment_page(request: Request, commitment_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _commitment(request, session, user, commitment_id)


@router.post("/engagements/commitments/{commitment_id}", response_class=HTMLResponse, response_model=None)
async def correct_commitment(
    request: Request, commitment_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    """Correct what a commitment says, its kind, its owner and its due date; an empty owner or
    due date clears it. Its status moves through follow-ups."""
    values = await form_values(request)
    data = {
        "text": values.get("text", ""),
        "kind": values.get("kind", ""),
        "owner_agency_id": optional_int(values.get("owner_agency_id")),
        "due_date": optional_date(values.get("due_date")),
    }
    outcome = attempt(
        session,
        lambda: service.update_commitment(session, user, commitment_id, parse(schemas.CommitmentPatch, data)),
    )
    if isinstance(outcome, DomainError):
        return _commitment(request, session, user, commitment_id, outcome.detail, outcome.status, values)
    return redirect(f"/engagements/commitments/{commitment_id}")


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
        detail = refusal(outcome, engagement_words().commitment_statuses)
        return _commitment(request, session, user, commitment_id, detail, outcome.status)
    return redirect(f"/engagements/commitments/{commitment_id}")


@router.post(
    "/engagements/commitments/{commitment_id}/proposals/{proposal_id}/{decision}",
    response_class=HTMLResponse,
    response_model=None,
)
async def decide_proposal(
    request: Request,
    commitment_id: int,
    proposal_id: int,
    decision: Annotated[str, Path(pattern="^(accept|refuse)$")],
    session: DbSession,
    user: Writer,
) -> HTMLResponse | RedirectResponse:
    """Accept or refuse (with a reason) a partner node's proposed change of status."""
    values = await form_values(request)
    outcome = attempt(
        session,
        lambda: proposals.decide(
            session, user, commitment_id, proposal_id, decision, str(values.get("reason") or "")
        ),
    )
    if isinstance(outcome, DomainError):
        detail = refusal(outcome, engagement_words().commitment_statuses)
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
    page: int = 1,
) -> HTMLResponse:
    rows, total = service.list_cases(
        session, user, country=country, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return show(
        request,
        "cases.html",
        {
            "cases": rows,
            "filters": {"country": country},
            "form": form or {},
            "error": error,
            "pager": pager(page, total),
        },
        status,
    )


@router.get("/engagements/citizen-protection", response_class=HTMLResponse)
def cases_page(
    request: Request, session: DbSession, user: Reader, country: CodeQuery = None, page: PageNumber = 1
) -> HTMLResponse:
    return _cases(request, session, user, country, page=page)


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


@router.post("/engagements/citizen-protection/{case_id}", response_class=HTMLResponse, response_model=None)
async def change_case_status(
    request: Request, case_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    """Move a case to another status (open, in progress, closed) from the list."""
    values = await form_values(request)
    data = {"status": values.get("status", "")}
    outcome = attempt(
        session, lambda: service.update_case(session, user, case_id, parse(schemas.CasePatch, data))
    )
    if isinstance(outcome, DomainError):
        return _cases(request, session, user, None, None, outcome.detail, outcome.status)
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
    service.get_engagement(session, user, engagement_id)  # the gate: hidden answers as missing
    engagement = service.engagement_with_everything(session, engagement_id)
    if engagement is None:
        raise NotFound("No engagement with id {engagement_id}.", engagement_id=engagement_id)
    context = {
        "stages": allowed_next(engagement_words().engagement_stages, engagement.stage),
        "briefing": service.briefing_link(engagement),
        "users": planning.user_choices(session),
        "officials": list(session.scalars(select(Official).order_by(Official.name_key))),
        "today": today(),
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


def _update(
    request: Request, session: Session, user: User, engagement_id: int, data: dict[str, Any]
) -> HTMLResponse | RedirectResponse:
    """Save what a form of the engagement's page changes; back to the page, or the page with the
    refusal (nothing written)."""
    outcome = attempt(
        session,
        lambda: service.update_engagement(session, user, engagement_id, parse(schemas.EngagementPatch, data)),
    )
    if isinstance(outcome, DomainError):
        return _engagement(request, session, user, engagement_id, outcome.detail, None, outcome.status)
    return redirect(f"/engagements/{engagement_id}")


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
        **texts_in_two_languages(values, service.ENGAGEMENT_TEXTS),
    }
    return _update(request, session, user, engagement_id, data)


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
        **texts_in_two_languages(values, service.COMMITMENT_TEXTS),
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


@router.post("/engagements/{engagement_id}/plan", response_class=HTMLResponse, response_model=None)
async def edit_plan(
    request: Request, engagement_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    """The agenda and both delegation lists, replaced by what the form sends."""
    values, multi = await posted(request)
    data = {"agenda": lines(values.get("agenda")), "delegates": _delegates(values, multi)}
    return _update(request, session, user, engagement_id, data)


@router.post("/engagements/{engagement_id}/stage", response_class=HTMLResponse, response_model=None)
async def move_stage(
    request: Request, engagement_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {"stage": values.get("stage", ""), "held_on": optional_date(values.get("held_on"))}
    outcome = attempt(
        session, lambda: planning.move_stage(session, user, engagement_id, parse(schemas.StageIn, data))
    )
    if isinstance(outcome, DomainError):
        detail = refusal(outcome, engagement_words().engagement_stages)
        return _engagement(request, session, user, engagement_id, detail, None, outcome.status)
    return redirect(f"/engagements/{engagement_id}")


@router.post("/engagements/{engagement_id}/tasks", response_class=HTMLResponse, response_model=None)
async def add_task(
    request: Request, engagement_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "text": values.get("task_text", ""),
        "owner": values.get("owner", ""),
        "due_on": optional_date(values.get("due_on")),
    }
    outcome = attempt(
        session, lambda: planning.add_task(session, user, engagement_id, parse(schemas.TaskIn, data))
    )
    if isinstance(outcome, DomainError):
        return _engagement(request, session, user, engagement_id, outcome.detail, values, outcome.status)
    return redirect(f"/engagements/{engagement_id}")


@router.post("/engagements/{engagement_id}/tasks/{task_id}", response_class=HTMLResponse, response_model=None)
async def mark_task(
    request: Request, engagement_id: int, task_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    """Mark a preparation task done, or not done again."""
    values = await form_values(request)
    choice = values.get("is_done", "")
    data = {"is_done": {"true": True, "false": False}.get(choice, choice)}  # anything else is refused
    outcome = attempt(
        session,
        lambda: planning.update_task(session, user, engagement_id, task_id, parse(schemas.TaskPatch, data)),
    )
    if isinstance(outcome, DomainError):
        return _engagement(request, session, user, engagement_id, outcome.detail, None, outcome.status)
    return redirect(f"/engagements/{engagement_id}")


router.include_router(pickers.router)  # the type-ahead pickers of engagements and commitments
