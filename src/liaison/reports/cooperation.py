"""The cooperation report as a document: the figures of `statistics.cooperation_report` as PDF
(WeasyPrint, through `web.documents`), DOCX, XLSX (one sheet per table) or CSV, in English or
Vietnamese, audited as an export. The CLI (`liaison report`), the page's downloads and the API's
export all call `export_report`, so every file of the same period says the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import Session

from liaison.core.errors import Invalid, Phrase
from liaison.core.i18n import LANGUAGES, current_language
from liaison.core.records import today
from liaison.core.security.policy import Actor, ensure
from liaison.reports import EXPORT
from liaison.reports.charts import Chart, report_charts
from liaison.reports.exports import FORMATS, Export, record_export
from liaison.reports.report_tables import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Labeller,
    ReportTable,
    report_tables,
    report_title,
    write_csv,
    write_xlsx,
)
from liaison.reports.statistics import Period, check_period, cooperation_report, parse_period
from liaison.reports.statistics_schemas import CooperationReport
from liaison.web import documents

ReportFormat = Literal["pdf", "docx", "xlsx", "csv"]
PRINT_TEMPLATE = "reports/cooperation_report_print.html"


def resolve_period(
    period: str | None, since: date | None, until: date | None, on: date | None = None
) -> Period:
    """The period a request names: `period` (2025, 2025-Q2, 2025-03), else `since`–`until`, where a
    missing end is the end (or start) of the other's year, else the current calendar year."""
    if period:
        return parse_period(period)
    if since is None:
        if until is None:
            year = (on or today()).year
            return Period(date(year, 1, 1), date(year, 12, 31))
        since = date(until.year, 1, 1)
    return check_period(since, until if until is not None else date(since.year, 12, 31))


@dataclass(frozen=True)
class ReportView:
    """Everything a page or a printed report shows: the figures, their tables and charts."""

    report: CooperationReport
    title: str
    tables: list[ReportTable]
    charts: dict[str, Chart]
    language: str


def report_view(
    session: Session,
    actor: Actor,
    period: Period,
    partner: str | None,
    language: str,
    now: datetime | None = None,
    with_charts: bool = True,
) -> ReportView:
    report = cooperation_report(session, actor, period.since, period.until, partner, now=now)
    words = Labeller(session, language)
    charts = {chart.name: chart for chart in report_charts(report, words)} if with_charts else {}
    return ReportView(
        report, report_title(words, report), report_tables(session, report, language), charts, language
    )


def _check_choice(value: str, choices: tuple[str, ...], field: str) -> None:
    if value not in choices:
        raise Invalid(
            "{value!r} is not one of {choices}.",
            value=value,
            choices=list(choices),
            fields={field: Phrase("one of {choices}", {"choices": list(choices)})},
        )


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    media_type: str
    filename: str


def export_report(
    session: Session,
    actor: Actor,
    period: Period,
    partner: str | None,
    document_format: str,
    language: str,
    now: datetime | None = None,
) -> ReportFile:
    """The report as a file of this format and language, audited as this reader's export."""
    ensure(actor, EXPORT)
    _check_choice(document_format, FORMATS, "format")
    _check_choice(language, tuple(LANGUAGES), "lang")
    view = report_view(session, actor, period, partner, language, now, with_charts=document_format == "pdf")
    report = view.report
    about = f"{report.partner or 'all'} {report.since.isoformat()}..{report.until.isoformat()}"
    record_export(session, actor, Export("report", about, document_format, language))
    name = (
        f"cooperation-report-{(report.partner or 'all').lower()}-{report.since:%Y%m%d}-{report.until:%Y%m%d}"
    )
    if document_format == "xlsx":
        return ReportFile(write_xlsx(view.tables, view.title), XLSX_MEDIA_TYPE, f"{name}.xlsx")
    if document_format == "csv":
        return ReportFile(write_csv(view.tables, view.title), CSV_MEDIA_TYPE, f"{name}.csv")
    if document_format == "docx":
        return ReportFile(_docx(view), documents.DOCX_MEDIA_TYPE, f"{name}.docx")
    return ReportFile(_pdf(view), documents.PDF_MEDIA_TYPE, f"{name}.pdf")


def _pdf(view: ReportView) -> bytes:
    from liaison.web.rendering import environment

    token = current_language.set(view.language)  # the template's words in the report's language
    try:
        context = {"view": view, "lang": view.language, "show": show}
        return documents.render_template_pdf(environment(), PRINT_TEMPLATE, context)
    finally:
        current_language.reset(token)


def _docx(view: ReportView) -> bytes:
    sections = [
        documents.Section(heading=table.title, tables=[documents.Table(table.headings, printed(table))])
        for table in view.tables
    ]
    return documents.build_docx(view.title, sections)


def printed(table: ReportTable) -> list[list[str]]:
    """The table's cells as printed (`show`), row by row."""
    return [
        [show(value, table.kind_of(r, c)) for c, value in enumerate(row)] for r, row in enumerate(table.rows)
    ]


def show(value: object, kind: str) -> str:
    """A cell as printed: shares as percentages, days with one decimal, the rest as they are."""
    if value is None:
        return ""
    if kind == "share" and isinstance(value, int | float):
        return f"{value:.0%}"
    if kind == "days" and isinstance(value, int | float):
        return f"{value:.1f}"
    return str(value)
