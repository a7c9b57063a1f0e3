"""Pages of ingestion: upload a report (a file or pasted text), review the draft beside the report
with each field's evidence highlighted, and confirm it into the registry."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from liaison.core.errors import DomainError
from liaison.core.models import User
from liaison.core.web import DbSession, Permission
from liaison.ingest import service
from liaison.ingest.extract import Extraction
from liaison.ingest.text import MAX_BYTES
from liaison.web.forms import attempt, redirect
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


@router.get("/ingest/drafts/{engagement_id}", response_class=HTMLResponse)
def review_page(request: Request, session: DbSession, user: Reader, engagement_id: int) -> HTMLResponse:
    engagement, extraction = service.draft_for_review(session, user, engagement_id)
    segments = evidence(extraction) if extraction is not None else []
    return render(request, "ingest/review.html", {"engagement": engagement, "segments": segments})


@router.post("/ingest/drafts/{engagement_id}/confirm", response_class=HTMLResponse, response_model=None)
def confirm(request: Request, session: DbSession, user: Writer, engagement_id: int) -> RedirectResponse:
    service.confirm_draft(session, user, engagement_id)
    return redirect(f"/engagements/{engagement_id}")


def evidence(extraction: Extraction) -> list[tuple[str, str | None]]:
    """The report as (text, field) pieces: each extracted value's span marked with its field."""
    spans: list[tuple[int, int, str]] = []
    for name, value in (("kind", extraction.kind), ("date", extraction.date), ("place", extraction.place)):
        if value.span:
            spans.append((*value.span, name))
    spans += [(p.start, p.end, "mentioned" if p.is_mentioned else "official") for p in extraction.persons]
    spans += [(a.start, a.end, "agency") for a in extraction.agencies]
    spans += [(*c.span, "crime area") for c in extraction.crime_areas if c.span]
    spans += [(c.start, c.end, f"commitment: {c.kind}") for c in extraction.commitments]
    spans += [(a.start, a.end, f"agreement: {a.kind}") for a in extraction.agreements]
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for start, end, name in sorted(spans):
        if start < position:
            continue  # overlapping evidence: the first wins
        pieces.append((extraction.text[position:start], None))
        pieces.append((extraction.text[start:end], name))
        position = end
    pieces.append((extraction.text[position:], None))
    return [p for p in pieces if p[0]]
