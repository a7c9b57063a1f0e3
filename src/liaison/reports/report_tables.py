"""A cooperation report as named tables with headings and labels in the reader's language: the
one shape the statistics page, the PDF, the DOCX, the XLSX (one sheet per table) and the CSV all
write, so every output shows the same figures in the same order as the JSON API.

Codes become labels (a request kind's, a crime area's, a status's, a country's name); counts stay
integers, shares stay fractions (0–1; the XLSX formats them as percentages), days stay decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.i18n import current_language, gettext
from liaison.core.vocab import Label
from liaison.engagements.vocabulary import vocabulary as engagement_vocabulary
from liaison.registry.models import Country
from liaison.registry.vocabulary import crime_areas
from liaison.registry.vocabulary import vocabulary as registry_vocabulary
from liaison.reports.statistics_schemas import TABLES, CooperationReport
from liaison.requests.kinds import request_kinds
from liaison.web.documents import nfc

ValueKind = Literal["text", "count", "share", "days", "year"]


@dataclass(frozen=True)
class Column:
    field: str
    heading: str
    kind: ValueKind = "count"
    labels: str = ""  # which vocabulary turns the code into words ("" keeps the value)


@dataclass(frozen=True)
class ReportTable:
    """One table: its code name (the JSON field and sheet), title, headings and rows of values."""

    name: str
    title: str
    headings: list[str]
    kinds: list[ValueKind]
    rows: list[list[Any]]
    value_kinds: list[ValueKind] | None = None  # the summary's: each row's value is of its own kind

    def kind_of(self, row: int, column: int) -> ValueKind:
        """How the cell is shown: its column's kind, or for the summary's values, its row's."""
        if self.value_kinds is not None and column == len(self.kinds) - 1:
            return self.value_kinds[row]
        return self.kinds[column]


RESPONSE_COLUMNS = (
    Column("opened", "Opened in the period"),
    Column("answered", "Answered"),
    Column("overdue", "Overdue"),
    Column("answered_within_deadline", "Answered within the deadline"),
    Column("within_deadline_share", "Share within the deadline", "share"),
    Column("median_days", "Median days to answer", "days"),
    Column("p90_days", "90th percentile, days", "days"),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "requests_by_kind": (
        Column("kind", "Kind", "text", "request_kind"),
        Column("direction", "Direction", "text", "direction"),
        *RESPONSE_COLUMNS,
    ),
    "requests_by_partner": (
        Column("partner", "Partner", "text"),
        Column("country", "Country", "text", "country"),
        *RESPONSE_COLUMNS,
    ),
    "requests_by_month": (
        Column("month", "Month", "text"),
        Column("kind", "Kind", "text", "request_kind"),
        Column("opened", "Opened in the period"),
    ),
    "engagements_by_partner": (
        Column("country", "Country", "text", "country"),
        Column("crime_area", "Crime area", "text", "crime_area"),
        Column("engagements", "Engagements"),
    ),
    "commitments_by_status": (
        Column("country", "Country", "text", "country"),
        Column("status", "Status", "text", "commitment_status"),
        Column("commitments", "Commitments"),
    ),
    "programmes": (
        Column("title", "Programme", "text"),
        Column("start_year", "From", "year"),
        Column("end_year", "To", "year"),
        Column("status", "Status", "text", "programme_status"),
        Column("action_items", "Action items"),
        Column("done", "Done"),
        Column("progress", "Progress", "share"),
    ),
    "screening_hits": (
        Column("country", "Believed to be in", "text", "country"),
        Column("confirmed", "Hits confirmed"),
    ),
    "asset_values": (
        Column("status", "Status", "text", "asset_status"),
        Column("assets", "Assets"),
        Column("value", "Value", "text"),
        Column("currency", "Currency", "text"),
    ),
}

TITLES: dict[str, str] = {
    "summary": "Summary",
    "requests_by_kind": "Requests by kind and direction",
    "requests_by_partner": "Requests and response times by partner",
    "requests_by_month": "Requests opened by month and kind",
    "engagements_by_partner": "Engagements by partner and crime area",
    "commitments_by_status": "Commitments by status",
    "programmes": "Programme progress",
    "screening_hits": "Screening hits confirmed",
    "asset_values": "Asset values frozen, confiscated and returned",
}

SUMMARY: tuple[tuple[str, str, ValueKind], ...] = (
    ("requests_opened", "Requests opened", "count"),
    ("requests_answered", "Requests answered", "count"),
    ("requests_overdue", "Requests overdue at the end of the period", "count"),
    ("answered_within_deadline", "Answered within the deadline", "count"),
    ("within_deadline_share", "Share answered within the deadline", "share"),
    ("engagements", "Engagements", "count"),
    ("commitments_done", "Commitments done", "count"),
    ("commitments_open", "Commitments open", "count"),
    ("hits_confirmed", "Screening hits confirmed", "count"),
)

DIRECTIONS = {"incoming": "Incoming", "outgoing": "Outgoing"}
NONE_RECORDED = "None recorded"
MULTILATERAL = "Multilateral"


def _asset_statuses() -> Mapping[str, Label]:
    from liaison.assets.vocabulary import vocabulary

    return vocabulary().statuses


class Labeller:
    """Turns codes into words in one language; country names are read once from the registry."""

    def __init__(self, session: Session, language: str) -> None:
        self.language = language
        self.countries = {
            code: (vi if language == "vi" else en)
            for code, en, vi in session.execute(select(Country.code, Country.name_en, Country.name_vi))
        }
        self.vocabularies: dict[str, Callable[[], Mapping[str, Label]]] = {
            "request_kind": lambda: request_kinds().kinds,
            "crime_area": crime_areas,
            "commitment_status": lambda: engagement_vocabulary().commitment_statuses,
            "programme_status": lambda: registry_vocabulary().programme_statuses,
            "asset_status": _asset_statuses,
        }

    def text(self, message: str) -> str:
        token = current_language.set(self.language)
        try:
            return gettext(message)
        finally:
            current_language.reset(token)

    def label(self, labels: str, code: str) -> str:
        if labels == "direction":
            return self.text(DIRECTIONS.get(code, code))
        if labels == "country":
            return self.countries.get(code, code) if code else self.text(MULTILATERAL)
        if not code:
            return self.text(NONE_RECORDED)
        entry = self.vocabularies[labels]().get(code)
        return code if entry is None else entry.label(self.language)


def report_tables(session: Session, report: CooperationReport, language: str) -> list[ReportTable]:
    """The summary, then every table the report holds (those the reader may not read are absent)."""
    words = Labeller(session, language)
    shown = [entry for entry in SUMMARY if getattr(report.totals, entry[0]) is not None]
    summary = ReportTable(
        name="summary",
        title=words.text(TITLES["summary"]),
        headings=[words.text("Measure"), words.text("Value")],
        kinds=["text", "count"],
        rows=[[words.text(heading), getattr(report.totals, field)] for field, heading, _ in shown],
        value_kinds=[kind for _, _, kind in shown],
    )
    tables = [summary]
    for name in TABLES:
        rows = getattr(report, name)
        if rows is None:
            continue
        columns = COLUMNS[name]
        tables.append(
            ReportTable(
                name=name,
                title=words.text(TITLES[name]),
                headings=[words.text(column.heading) for column in columns],
                kinds=[column.kind for column in columns],
                rows=[
                    [_cell(words, column, getattr(row, column.field)) for column in columns] for row in rows
                ],
            )
        )
    return tables


def _cell(words: Labeller, column: Column, value: Any) -> Any:
    """The cell's value, or its label; text in NFC, so a name typed with combining marks reads
    (and sorts, and searches) in a spreadsheet like the same name typed precomposed."""
    shown = words.label(column.labels, value) if column.labels else value
    return nfc(shown) if isinstance(shown, str) else shown


def report_title(words: Labeller, report: CooperationReport) -> str:
    whom = nfc(report.partner_name) or words.text("all partners")
    return f"{words.text('Cooperation report')}: {whom}, {report.since:%d.%m.%Y}–{report.until:%d.%m.%Y}"


# ---------------------------------------------------------------- spreadsheet and CSV

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
NUMBER_FORMATS: dict[ValueKind, str] = {"share": "0.0%", "days": "0.00", "count": "0", "year": "0"}
SHEET_NAME_LENGTH = 31


def sheet_name(table: ReportTable) -> str:
    """A sheet's name: the table's title, cut to Excel's 31 characters and stripped of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in table.title)
    return cleaned[:SHEET_NAME_LENGTH].strip()


def write_xlsx(tables: list[ReportTable], title: str) -> bytes:
    """One sheet per table: a bold header row, then the rows; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    for table in tables:
        sheet = workbook.create_sheet(sheet_name(table))
        sheet.append(table.headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in table.rows:
            sheet.append(values)
        for index, kind in enumerate(table.kinds):
            letter = sheet.cell(row=1, column=index + 1).column_letter
            sheet.column_dimensions[letter].width = 14 if kind != "text" else 36
            for row, (cell,) in enumerate(sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1)):
                cell_kind = table.kind_of(row, index)
                if cell_kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[cell_kind]
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(tables: list[ReportTable], title: str) -> bytes:
    """The tables one after another: the table's title on a line of its own, its header row, its
    rows, a blank line; UTF-8 with a byte-order mark so spreadsheet programs read Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title])
    writer.writerow([])
    for table in tables:
        writer.writerow([table.title])
        writer.writerow(table.headings)
        writer.writerows(table.rows)
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
