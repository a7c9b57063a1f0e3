"""Pages of the partner briefing: choose a partner, read the briefing, pick its sections, add
notes, and take it away as a PDF or a DOCX in English or Vietnamese."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from liaison.core import i18n
from liaison.core.models import User
from liaison.core.web import DbSession, Permission
from liaison.registry.partners import partner_agencies, partners
from liaison.registry.vocabulary import country_label
from liaison.reports import READ
from liaison.reports.briefing import NOTES_LIMIT, Briefing, build_briefing
from liaison.reports.briefing_documents import export_briefing
from liaison.web.documents import attachment_headers
from liaison.web.forms import parse, posted
from liaison.web.rendering import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[User, Depends(Permission(READ))]
PartnerKey = Annotated[str, Path(max_length=40)]


class BriefingForm(BaseModel):
    """The options the page posts: what the API takes as query parameters."""

    agency_id: int | None = Field(default=None, ge=1, le=2**62)
    meeting_on: date | None = None
    sections: list[str] = []
    notes: str = Field(default="", max_length=NOTES_LIMIT)
    language: str = Field(default=i18n.DEFAULT_LANGUAGE, pattern="^(en|vi)$")
    format: str = Field(default="html", pattern="^(html|pdf|docx)$")


def _show(request: Request, session: Session, user: User, briefing: Briefing) -> HTMLResponse:
    _, _, agencies = partner_agencies(session, briefing.partner_key)
    return render(
        request,
        "reports/briefing.html",
        {"briefing": briefing, "agencies": agencies, "link_base": "", "country_label": country_label},
    )


@router.get("/reports/briefings", response_class=HTMLResponse)
def briefings_page(request: Request, session: DbSession, user: Reader) -> HTMLResponse:
    return render(
        request,
        "reports/briefings.html",
        {"partners": partners(session, user), "country_label": country_label},
    )


@router.get("/reports/briefings/{partner}", response_class=HTMLResponse)
def briefing_page(
    request: Request,
    partner: PartnerKey,
    session: DbSession,
    user: Reader,
    agency_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    meeting_on: date | None = None,
) -> HTMLResponse:
    briefing = build_briefing(session, user, partner, agency_id=agency_id, meeting_on=meeting_on)
    return _show(request, session, user, briefing)


@router.post("/reports/briefings/{partner}/document", response_model=None)
async def briefing_document(
    request: Request, partner: PartnerKey, session: DbSession, user: Reader
) -> Response:
    """Show the briefing with the chosen sections, notes and language, or download it (audited)."""
    values, multi = await posted(request)
    data: dict[str, Any] = {k: v for k, v in values.items() if v != "" and k != "sections"}
    data["sections"] = multi.get("sections", [])
    form = parse(BriefingForm, data)
    with i18n.speaking(form.language):
        briefing = build_briefing(
            session,
            user,
            partner,
            agency_id=form.agency_id,
            meeting_on=form.meeting_on,
            sections=form.sections or None,
            notes=form.notes,
        )
        if form.format == "html":
            return _show(request, session, user, briefing)
        document = export_briefing(session, user, briefing, form.format, str(request.base_url).rstrip("/"))
    return Response(
        document.content, media_type=document.media_type, headers=attachment_headers(document.filename)
    )
