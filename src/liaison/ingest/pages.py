"""Pages of ingestion: upload a report (a file or pasted text), review the draft beside the report
with each field's evidence highlighted, and confirm it into the registry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from liaison.core.errors import DomainError, NotFound
from liaison.core.models import User
from liaison.core.security.policy import may
from liaison.core.vocab import label
from liaison.core.web import DbSession, Permission
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements.models import Engagement
from liaison.engagements.vocabulary import vocabulary as engagement_words
from liaison.ingest import agreement_match, merge, service
from liaison.ingest import review as review_service
from liaison.ingest import schemas as ingest_schemas
from liaison.ingest.extract import Extraction
from liaison.ingest.models import DraftItem
from liaison.ingest.text import MAX_BYTES
from liaison.registry import schemas as registry_schemas
from liaison.registry.agencies import agency_choices
from liaison.registry.mechanisms import mechanism_choices
from liaison.registry.vocabulary import countries, country_label, crime_areas
from liaison.registry.vocabulary import vocabulary as registry_words
from liaison.web.forms import attempt, form_values, optional_date, optional_int, parse, posted, redirect
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[User, Depends(Permission("engagements.read"))]
Writer = Annotated[User, Depends(Permission("engagements.write"))]

NAV = (NavItem("Ingest a report", "/ingest", "engagements.write"),)


@router.get("/ingest", response_class=HTMLResponse)
def upload_page(request: Request, user: Writer) -> HTMLResponse:
    return render(request, "ingest/upload.html", {"form": {}, "error": None})


@router.post("/ingest", response_class=HTMLResponse, response_model=None)
async def upload(request: Request, session: DbSession, user: Writer) -> HTMLResponse | RedirectResponse:
    """A file or pasted text becomes a draft (or the draft it made before); else the reason is shown."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    upload_file = form.get("report")
    data = b""
    if isinstance(upload_file, UploadFile):
        data = await upload_file.read(MAX_BYTES + 1)
    if not data.strip():
        data = values.get("text", "").encode("utf-8")
    published = None
    try:
        published = date.fromisoformat(values["published"]) if values.get("published") else None
    except ValueError:
        return show_form(request, values, "The publication date is not a date (YYYY-MM-DD).", 422)
    name = upload_file.filename if isinstance(upload_file, UploadFile) and upload_file.filename else ""
    outcome = attempt(
        session,
        lambda: service.ingest_report(
            session, user, data, published, source_url=values.get("source", ""), file_name=name or ""
        ),
    )
    if isinstance(outcome, DomainError):
        return show_form(request, values, outcome.detail, outcome.status)
    if outcome.engagement_id is None:
        return show_form(request, values, f"No draft: {outcome.reason}", 422)
    return redirect(f"/ingest/drafts/{outcome.engagement_id}")


def show_form(request: Request, values: dict[str, str], error: str, status: int) -> HTMLResponse:
    return render(request, "ingest/upload.html", {"form": values, "error": error}, status_code=status)


def review(
    request: Request,
    session: Session,
    user: User,
    engagement_id: int,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The draft beside its report: fields to correct, items to settle, engagements it may report."""
    engagement, extraction = service.draft_for_review(session, user, engagement_id)
    items = review_service.items_of(session, engagement.id)
    context = {
        "engagement": engagement,
        "segments": evidence(extraction) if extraction is not None else [],
        "items": [
            (
                item,
                review_service.suggestions(session, user, item) if open_for(user, engagement, item) else [],
            )
            for item in items
        ],
        "proposals": merge.proposals(session, user, engagement),
        "merged_into": merge.merged_into(session, engagement.id),
        "error": error,
        "ewords": engagement_words(),
        "words": registry_words(),
        "crime_areas": crime_areas(),
        "countries": countries(),
        "label": label,
        "country_label": country_label,
        "agencies": agency_choices(session),
        "mechanisms": mechanism_choices(session) if engagement.status == "draft" else [],
        "named_mechanisms": [m.value["name"] for m in extraction.mechanisms] if extraction else [],
        "programmes": extraction.programmes if extraction else [],
        "status_of_cue": agreement_match.STATUS_OF_CUE,
    }
    return render(request, "ingest/review.html", context, status_code=status)


def open_for(user: User, engagement: Engagement, item: DraftItem) -> bool:
    """Suggestions are worked out only for what this user may still settle."""
    return (
        engagement.status == "draft"
        and item.decision == "open"
        and may(user, "engagements.write")
        and may(user, "registry.read")
    )


@router.get("/ingest/drafts/{engagement_id}", response_class=HTMLResponse, response_model=None)
def review_page(
    request: Request, session: DbSession, user: Reader, engagement_id: int
) -> HTMLResponse | RedirectResponse:
    """The review; a draft merged away is now a source of the engagement it was merged into."""
    target = merge.merged_into(session, engagement_id)
    if target is not None:
        return redirect(f"/engagements/{target}")
    return review(request, session, user, engagement_id)


def settle(
    request: Request, session: Session, user: User, engagement_id: int, action: Callable[[], object]
) -> HTMLResponse | RedirectResponse:
    """Run one review step in a savepoint: back to the review page, or the page with the message."""
    outcome = attempt(session, action)
    if isinstance(outcome, DomainError):
        if isinstance(outcome, NotFound) and session.get(Engagement, engagement_id) is None:
            raise outcome
        return review(request, session, user, engagement_id, outcome.detail, outcome.status)
    return redirect(f"/ingest/drafts/{engagement_id}")


@router.post("/ingest/drafts/{engagement_id}", response_class=HTMLResponse, response_model=None)
async def correct(
    request: Request, session: DbSession, user: Writer, engagement_id: int
) -> HTMLResponse | RedirectResponse:
    """The officer's corrections of the draft's fields."""
    values, multi = await posted(request)
    data = {
        "kind": values.get("kind") or None,
        "title": values.get("title", ""),
        "held_on": optional_date(values.get("held_on")),
        "place": values.get("place", ""),
        "country": values.get("country") or None,
        "mechanism_id": optional_int(values.get("mechanism_id")),
        "ordinal": optional_int(values.get("ordinal")) if values.get("mechanism_id") else None,
        "crime_areas": multi.get("crime_areas", []),
        "summary": values.get("summary", ""),
    }
    return settle(
        request,
        session,
        user,
        engagement_id,
        lambda: review_service.correct_draft(
            session, user, engagement_id, parse(engagement_schemas.EngagementPatch, data)
        ),
    )


@router.post(
    "/ingest/drafts/{engagement_id}/items/{item_id}/link", response_class=HTMLResponse, response_model=None
)
async def link(
    request: Request, session: DbSession, user: Writer, engagement_id: int, item_id: int
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)

    def action() -> object:
        data = parse(ingest_schemas.LinkIn, {"record_id": optional_int(values.get("record_id"))})
        return review_service.link_item(session, user, engagement_id, item_id, data.record_id)

    return settle(request, session, user, engagement_id, action)


@router.post(
    "/ingest/drafts/{engagement_id}/items/{item_id}/official",
    response_class=HTMLResponse,
    response_model=None,
)
async def new_official(
    request: Request, session: DbSession, user: Writer, engagement_id: int, item_id: int
) -> HTMLResponse | RedirectResponse:
    """The officer confirms a new registry official made from what the report says."""
    values = await form_values(request)
    agency_id = optional_int(values.get("agency_id"))
    title = values.get("title", "").strip()
    data = {
        "name": values.get("name", ""),
        "agency_id": agency_id,
        "posts": [{"title": title, "agency_id": agency_id}] if title else [],
    }
    return settle(
        request,
        session,
        user,
        engagement_id,
        lambda: review_service.create_official(
            session, user, engagement_id, item_id, parse(registry_schemas.OfficialIn, data)
        ),
    )


@router.post(
    "/ingest/drafts/{engagement_id}/items/{item_id}/agency", response_class=HTMLResponse, response_model=None
)
async def new_agency(
    request: Request, session: DbSession, user: Writer, engagement_id: int, item_id: int
) -> HTMLResponse | RedirectResponse:
    """The officer confirms a new registry agency made from what the report says."""
    values = await form_values(request)
    data = {
        "name": values.get("name", ""),
        "kind": values.get("kind", ""),
        "country": values.get("country") or None,
    }
    return settle(
        request,
        session,
        user,
        engagement_id,
        lambda: review_service.create_agency(
            session, user, engagement_id, item_id, parse(registry_schemas.AgencyIn, data)
        ),
    )


@router.post(
    "/ingest/drafts/{engagement_id}/items/{item_id}/agreement",
    response_class=HTMLResponse,
    response_model=None,
)
async def new_agreement(
    request: Request, session: DbSession, user: Writer, engagement_id: int, item_id: int
) -> HTMLResponse | RedirectResponse:
    """The officer confirms a new registry agreement made from what the report says."""
    values = await form_values(request)

    def action() -> object:
        data = {
            "title": values.get("title", ""),
            "kind": values.get("kind", ""),
            "status": values.get("status") or None,
            "effective_on": optional_date(values.get("effective_on")),
        }
        agreement = parse(ingest_schemas.NewAgreementIn, data)
        return review_service.create_agreement(session, user, engagement_id, item_id, agreement)

    return settle(request, session, user, engagement_id, action)


@router.post(
    "/ingest/drafts/{engagement_id}/items/{item_id}/dismiss", response_class=HTMLResponse, response_model=None
)
def dismiss(
    request: Request, session: DbSession, user: Writer, engagement_id: int, item_id: int
) -> HTMLResponse | RedirectResponse:
    return settle(
        request,
        session,
        user,
        engagement_id,
        lambda: review_service.dismiss_item(session, user, engagement_id, item_id),
    )


@router.post(
    "/ingest/drafts/{engagement_id}/commitments/{commitment_id}",
    response_class=HTMLResponse,
    response_model=None,
)
async def edit_commitment(
    request: Request, session: DbSession, user: Writer, engagement_id: int, commitment_id: int
) -> HTMLResponse | RedirectResponse:
    """The officer corrects a commitment read from the report: text, kind, owner, due date."""
    values = await form_values(request)

    def action() -> object:
        data = {
            "text": values.get("text", ""),
            "kind": values.get("kind") or None,
            "owner_agency_id": optional_int(values.get("owner_agency_id")),
            "due_date": optional_date(values.get("due_date")),
        }
        patch = parse(engagement_schemas.CommitmentPatch, data)
        return review_service.edit_commitment(session, user, engagement_id, commitment_id, patch)

    return settle(request, session, user, engagement_id, action)


@router.post(
    "/ingest/drafts/{engagement_id}/commitments/{commitment_id}/remove",
    response_class=HTMLResponse,
    response_model=None,
)
def remove_commitment(
    request: Request, session: DbSession, user: Writer, engagement_id: int, commitment_id: int
) -> HTMLResponse | RedirectResponse:
    """The officer drops a commitment misread from the report."""

    def action() -> None:
        review_service.remove_commitment(session, user, engagement_id, commitment_id)

    return settle(request, session, user, engagement_id, action)


@router.post("/ingest/drafts/{engagement_id}/merge", response_class=HTMLResponse, response_model=None)
async def merge_into(
    request: Request, session: DbSession, user: Writer, engagement_id: int
) -> HTMLResponse | RedirectResponse:
    """The officer merges the draft into the engagement it reports."""
    values = await form_values(request)

    def action() -> Engagement:
        data = parse(ingest_schemas.MergeIn, {"engagement_id": optional_int(values.get("engagement_id"))})
        return merge.merge_draft(session, user, engagement_id, data.engagement_id)

    outcome = attempt(session, action)
    if isinstance(outcome, DomainError):
        return review(request, session, user, engagement_id, outcome.detail, outcome.status)
    return redirect(f"/engagements/{outcome.id}")


@router.post("/ingest/drafts/{engagement_id}/confirm", response_class=HTMLResponse, response_model=None)
def confirm(
    request: Request, session: DbSession, user: Writer, engagement_id: int
) -> HTMLResponse | RedirectResponse:
    outcome = attempt(session, lambda: service.confirm_draft(session, user, engagement_id))
    if isinstance(outcome, DomainError):
        if isinstance(outcome, NotFound):
            raise outcome
        return review(request, session, user, engagement_id, outcome.detail, outcome.status)
    return redirect(f"/engagements/{engagement_id}")


Span = tuple[int, int, str]
Segment = tuple[str, str | None, list[tuple[str, str | None]]]


def evidence(extraction: Extraction) -> list[Segment]:
    """The report as (text, field, inner pieces): each extracted value's span marked with its field.
    The countries, mechanisms and programmes named are marked too, inside another field's evidence
    when they lie within it ("SOMTC" in a commitment); a country whose evidence is an official of
    it (the same span) is not marked twice."""
    spans: list[Span] = []
    for name, value in (("kind", extraction.kind), ("date", extraction.date), ("place", extraction.place)):
        if value.span:
            spans.append((*value.span, name))
    spans += [(p.start, p.end, "mentioned" if p.is_mentioned else "official") for p in extraction.persons]
    spans += [(a.start, a.end, "agency") for a in extraction.agencies]
    spans += [(*c.span, "crime area") for c in extraction.crime_areas if c.span]
    spans += [(c.start, c.end, f"commitment: {c.kind}") for c in extraction.commitments]
    spans += [(a.start, a.end, f"agreement: {a.kind}") for a in extraction.agreements]
    named: list[Span] = [(*c.span, f"country: {c.value}") for c in extraction.countries if c.span]
    named += [(*m.span, "mechanism") for m in extraction.mechanisms if m.span]
    named += [(p.start, p.end, "programme") for p in extraction.programmes]
    marked = apart(spans, [])
    named = [n for n in named if not any(m[:2] == n[:2] for m in marked)]
    text = extraction.text
    segments: list[Segment] = []
    for start, end, field in pieces(text, 0, len(text), apart(named, marked)):
        inside = apart([n for n in named if start <= n[0] and n[1] <= end and n[:2] != (start, end)], [])
        inner = [(text[s:e], f) for s, e, f in pieces(text, start, end, inside)] if field else []
        segments.append((text[start:end], field, inner))
    return segments


def apart(spans: list[Span], taken: list[Span]) -> list[Span]:
    """The spans taken, and those of `spans` overlapping none of them nor an earlier one: of
    overlapping evidence, the first wins."""
    kept = list(taken)
    for span in sorted(spans):
        if span[0] < span[1] and not any(span[0] < end and start < span[1] for start, end, _ in kept):
            kept.append(span)
    return kept


def pieces(text: str, start: int, end: int, spans: list[Span]) -> list[tuple[int, int, str | None]]:
    """text[start:end] cut at the spans (apart, within it): each span with its field, the text
    between them with none."""
    cut: list[tuple[int, int, str | None]] = []
    position = start
    for span_start, span_end, field in sorted(spans):
        cut += [(position, span_start, None), (span_start, span_end, field)]
        position = span_end
    cut.append((position, end, None))
    return [c for c in cut if c[0] < c[1]]
