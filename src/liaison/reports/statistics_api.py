"""JSON routes of the cooperation report, under /api/v1/reports. Each parses, calls the service
and answers; the docstrings are the API documentation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from liaison.core.models import User
from liaison.core.web import DbSession, Permission
from liaison.reports import EXPORT, READ
from liaison.reports.cooperation import export_report, resolve_period
from liaison.reports.report_tables import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from liaison.reports.statistics import cooperation_report
from liaison.reports.statistics_schemas import CooperationReport
from liaison.web.documents import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE, attachment_headers

router = APIRouter(tags=["reports"])
EXPORT_MEDIA_TYPES = (PDF_MEDIA_TYPE, DOCX_MEDIA_TYPE, XLSX_MEDIA_TYPE, CSV_MEDIA_TYPE)

Reader = Annotated[User, Depends(Permission(READ))]
Exporter = Annotated[User, Depends(Permission(EXPORT))]
PeriodText = Annotated[
    str | None,
    Query(
        max_length=7,
        pattern=r"^\d{4}(-(Q[1-4]|q[1-4]|0[1-9]|1[0-2]))?$",
        description="2025, 2025-Q2 or 2025-03",
    ),
]
Partner = Annotated[
    str | None, Query(max_length=40, description="a country code (RU) or an organisation's acronym (ASEAN)")
]


@router.get("/reports/statistics", response_model=CooperationReport)
def statistics(
    session: DbSession,
    user: Reader,
    period: PeriodText = None,
    since: date | None = None,
    until: date | None = None,
    partner: Partner = None,
) -> CooperationReport:
    """The cooperation report's figures for a period (`period`, or `since` and `until`, a missing
    end being the end or the start of the other's year; default the current year), for every
    partner or one: requests opened, answered and overdue by kind and direction and by partner,
    with median and 90th-percentile days to answer and the share answered within the deadline;
    requests opened by month and kind; engagements by partner country and crime area;
    commitments by status; programme progress; screening hits confirmed. Only records the caller
    may read are counted; a table the caller's role may not read is null."""
    chosen = resolve_period(period, since, until)
    return cooperation_report(session, user, chosen.since, chosen.until, partner)


@router.get(
    "/reports/statistics/export",
    response_class=Response,
    responses={
        200: {
            "content": {media_type: {} for media_type in EXPORT_MEDIA_TYPES},
            "description": "the report file, as an attachment",
        }
    },
)
def export(
    session: DbSession,
    user: Exporter,
    format: Literal["pdf", "docx", "xlsx", "csv"] = "xlsx",
    lang: Literal["en", "vi"] = "en",
    period: PeriodText = None,
    since: date | None = None,
    until: date | None = None,
    partner: Partner = None,
) -> Response:
    """The same report as a file: PDF, DOCX, XLSX (one sheet per table, in the order of the JSON
    fields, after a summary sheet) or CSV (the tables one after another), in English or
    Vietnamese. Audited as the caller's export."""
    chosen = resolve_period(period, since, until)
    document = export_report(session, user, chosen, partner, format, lang)
    return Response(
        document.content, media_type=document.media_type, headers=attachment_headers(document.filename)
    )
