"""JSON routes of the partner briefing, under /api/v1: its facts, and the document to print."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from liaison.core import i18n
from liaison.core.models import User
from liaison.core.web import DbSession, Permission
from liaison.reports import EXPORT, READ
from liaison.reports.briefing import SECTIONS, SectionCode, build_briefing
from liaison.reports.briefing_documents import export_briefing
from liaison.web.documents import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE, attachment_headers

router = APIRouter(tags=["reports"])

Reader = Annotated[User, Depends(Permission(READ))]
Exporter = Annotated[User, Depends(Permission(EXPORT))]
PartnerKey = Annotated[
    str, Path(max_length=40, description="A country code (RU) or an organisation (ASEAN).")
]
AgencyId = Annotated[int | None, Query(ge=1, le=2**62, description="Only this agency of the partner.")]
Sections = Annotated[
    list[SectionCode] | None, Query(max_length=len(SECTIONS), description="Sections to show (default all).")
]
Language = Annotated[Literal["en", "vi"], Query(description="The document's language.")]


@router.get("/reports/briefings/{partner}")
def get_briefing(
    partner: PartnerKey,
    session: DbSession,
    user: Reader,
    agency_id: AgencyId = None,
    meeting_on: date | None = None,
    sections: Sections = None,
    language: Language = "en",
) -> dict[str, Any]:
    """The briefing for a meeting with this partner (or one of its agencies): agencies and
    officials, mechanisms, agreements by status, programmes and action items, engagements,
    commitments (open first), requests both ways, persons sought believed there with their
    notices, citizen-protection cases, and talking points with the records they come from. Only
    what you may read; a section you may not read is `null`."""
    with i18n.speaking(language):
        briefing = build_briefing(
            session, user, partner, agency_id=agency_id, meeting_on=meeting_on, sections=sections
        )
    return dataclasses.asdict(briefing)


@router.get(
    "/reports/briefings/{partner}/document",
    response_class=Response,
    responses={200: {"description": "The briefing", "content": {PDF_MEDIA_TYPE: {}, DOCX_MEDIA_TYPE: {}}}},
)
def get_briefing_document(
    partner: PartnerKey,
    session: DbSession,
    user: Exporter,
    format: Literal["pdf", "docx"] = "pdf",
    agency_id: AgencyId = None,
    meeting_on: date | None = None,
    sections: Sections = None,
    language: Language = "en",
    notes: Annotated[str, Query(max_length=4000)] = "",
) -> Response:
    """The briefing as a PDF (A4, fonts embedded) or a DOCX, in English or Vietnamese. Audited."""
    with i18n.speaking(language):
        briefing = build_briefing(
            session, user, partner, agency_id=agency_id, meeting_on=meeting_on, sections=sections, notes=notes
        )
        document = export_briefing(session, user, briefing, format)
    return Response(
        document.content, media_type=document.media_type, headers=attachment_headers(document.filename)
    )
