"""The cooperation statistics page: a period and a partner, then every table of the report with
its chart beside it, and downloads of the same report as PDF, DOCX, XLSX or CSV. Same service
calls as the API and the CLI; a bad period or partner is told on the page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from liaison.core.errors import DomainError, Invalid
from liaison.core.i18n import current_language
from liaison.core.models import User
from liaison.core.web import DbSession, Permission
from liaison.registry.partners import partners
from liaison.reports import EXPORT, READ
from liaison.reports.cooperation import export_report, report_view, resolve_period, show
from liaison.web.documents import attachment_headers
from liaison.web.rendering import render

router = APIRouter(include_in_schema=False)

Reader = Annotated[User, Depends(Permission(READ))]
Exporter = Annotated[User, Depends(Permission(EXPORT))]
Text = Annotated[str, Query(max_length=40)]
FORMAT_LABELS = (("pdf", "PDF"), ("docx", "Word (DOCX)"), ("xlsx", "Excel (XLSX)"), ("csv", "CSV"))


def _day(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(
            "{value!r} is not a date (YYYY-MM-DD).", value=value, fields={field: "a date, YYYY-MM-DD"}
        ) from None


def _form(period: Text = "", since: Text = "", until: Text = "", partner: Text = "") -> dict[str, str]:
    """The report's query as typed (the page shows it back), read by both routes."""
    return {"period": period, "since": since, "until": until, "partner": partner}


ReportForm = Annotated[dict[str, str], Depends(_form)]


def _page(
    request: Request, session: DbSession, user: User, form: dict[str, str], problem: DomainError | None = None
) -> HTMLResponse:
    """The page for this form; `problem` is a refused download, told above the figures."""
    context: dict[str, Any] = {
        "form": form,
        "partners": partners(session, user),
        "formats": FORMAT_LABELS,
        "show": show,
        "view": None,
        "download": {k: v for k, v in form.items() if v},
    }
    try:
        period = resolve_period(form["period"], _day(form["since"], "since"), _day(form["until"], "until"))
        language = current_language.get()
        context["view"] = report_view(session, user, period, form["partner"] or None, language)
    except DomainError as error:
        problem = error
    if problem is not None:
        context["error"] = problem.detail
    status_code = problem.status if problem is not None else 200
    return render(request, "reports/statistics.html", context, status_code=status_code)


@router.get("/reports/statistics", response_class=HTMLResponse)
def statistics_page(request: Request, session: DbSession, user: Reader, form: ReportForm) -> HTMLResponse:
    return _page(request, session, user, form)


@router.get("/reports/statistics/export", response_model=None)
def statistics_download(
    request: Request,
    session: DbSession,
    user: Exporter,
    form: ReportForm,
    format: Text = "pdf",
    lang: Text = "",
) -> Response:
    try:
        chosen = resolve_period(form["period"], _day(form["since"], "since"), _day(form["until"], "until"))
        language = lang or current_language.get()
        document = export_report(session, user, chosen, form["partner"] or None, format, language)
    except DomainError as error:
        return _page(request, session, user, form, error)
    return Response(
        document.content, media_type=document.media_type, headers=attachment_headers(document.filename)
    )
