"""The cooperation report's outputs agree with its JSON API: the XLSX read back with openpyxl, the
CSV, the PDF's and DOCX's text, the `liaison report` command and the statistics page, each for a
known history on SQLite; bad input gets a readable answer and writes nothing."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison.app import create_app
from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.core.settings import get_settings
from liaison.reports.report_tables import COLUMNS, RESPONSE_COLUMNS, SUMMARY, Labeller
from liaison.reports.statistics_schemas import TABLES
from tests.conftest import Account, make_account, sign_in_pages
from tests.pdf_checks import fonts_used, text_of
from tests.reports.factories import UNIT, cooperation_history

QUARTER = {"period": "2025-Q1"}


@pytest.fixture
def history_engine(sqlite_engine: Engine) -> Engine:
    with unit_of_work(sqlite_engine) as session:
        cooperation_history(session)
    return sqlite_engine


@pytest.fixture
def api(history_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(get_settings(), history_engine), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def officer(history_engine: Engine) -> Account:
    return make_account(history_engine, "officer", "report.officer", unit=UNIT)


def _export(api: TestClient, officer: Account, **params: str) -> bytes:
    response = api.get("/api/v1/reports/statistics/export", params=QUARTER | params, headers=officer.headers)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.content


def _expected_cell(words: Labeller, column: Any, value: Any) -> Any:
    return words.label(column.labels, value) if column.labels else value


def test_xlsx_read_back_equals_the_api_statistics(
    api: TestClient, officer: Account, history_engine: Engine
) -> None:
    figures = api.get("/api/v1/reports/statistics", params=QUARTER, headers=officer.headers).json()
    workbook = load_workbook(io.BytesIO(_export(api, officer, format="xlsx", lang="vi")))
    sheets = workbook.worksheets
    with Session(history_engine) as session:
        words = Labeller(session, "vi")
    summary = [[cell.value for cell in row] for row in sheets[0].iter_rows(min_row=2)]
    assert summary == [[words.text(heading), figures["totals"][field]] for field, heading, _ in SUMMARY]
    present = [name for name in TABLES if figures[name] is not None]
    assert len(sheets) == 1 + len(present)
    for sheet, name in zip(sheets[1:], present, strict=True):
        columns = COLUMNS[name]
        assert [cell.value for cell in sheet[1]] == [words.text(c.heading) for c in columns]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        assert rows == [[_expected_cell(words, c, row[c.field]) for c in columns] for row in figures[name]], (
            name
        )
    assert figures["totals"]["requests_opened"] == 4  # three with Russia, one with Kazakhstan


def test_csv_holds_every_table_with_its_title(api: TestClient, officer: Account) -> None:
    text = _export(api, officer, format="csv", lang="en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    titles = [row[0] for row in rows if len(row) == 1]
    assert "Requests by kind and direction" in titles and "Programme progress" in titles
    header = rows.index(["Kind", "Direction", *(c.heading for c in RESPONSE_COLUMNS)])
    assert rows[header + 1][:5] == ["Information request", "Incoming", "4", "3", "1"]


def test_pdf_and_docx_say_the_same_in_vietnamese_and_are_audited(
    api: TestClient, officer: Account, history_engine: Engine
) -> None:
    pdf = _export(api, officer, format="pdf", lang="vi")
    text = text_of(pdf)
    assert "Báo cáo hợp tác" in text
    assert "Yêu cầu cung cấp thông tin" in text  # the kind's Vietnamese label
    assert "Số ngày trả lời (trung vị)" in text  # a chart's axis, drawn as text from the SVG
    fonts = fonts_used(pdf).values()
    assert fonts and all(font.embedded and not font.missing_glyphs for font in fonts)
    document = Document(io.BytesIO(_export(api, officer, format="docx", lang="vi")))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert "Tiến độ chương trình" in headings
    with Session(history_engine) as session:
        exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [(e.actor, e.object_type) for e in exports] == [("report.officer", "report")] * 2


def test_bad_period_and_format_are_problems_not_failures(api: TestClient, officer: Account) -> None:
    reversed_period = {"since": "2025-03-31", "until": "2025-01-01"}
    refused = api.get("/api/v1/reports/statistics", params=reversed_period, headers=officer.headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    half = api.get("/api/v1/reports/statistics", params={"since": "2025-02-01"}, headers=officer.headers)
    assert (half.status_code, half.json()["until"]) == (200, "2025-12-31")  # to the end of its year
    unknown = api.get("/api/v1/reports/statistics", params={"partner": "ZZZ"}, headers=officer.headers)
    assert unknown.status_code == 404
    bad_format = api.get(
        "/api/v1/reports/statistics/export", params={"format": "exe"}, headers=officer.headers
    )
    assert bad_format.status_code == 422


def test_statistics_page_shows_charts_beside_tables_and_downloads(api: TestClient, officer: Account) -> None:
    assert sign_in_pages(api, officer).status_code == 303
    page = api.get("/reports/statistics", params=QUARTER | {"partner": "RU"})
    assert page.status_code == 200
    main = page.text.split("<main", 1)[-1]  # the header has the notifications bell
    assert main.count("<svg ") == 4 and 'style="' not in main
    assert 'id="table-requests_by_kind"' in page.text
    download = api.get("/reports/statistics/export", params=QUARTER | {"format": "xlsx", "lang": "en"})
    assert download.status_code == 200 and download.content[:2] == b"PK"
    wrong = api.get("/reports/statistics", params={"period": "2025-13"})
    assert wrong.status_code == 422 and "A period is a year" in wrong.text


def _liaison(engine: Engine, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIAISON_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args], env=env, capture_output=True, text=True, check=False
    )


def test_cli_writes_the_report_and_refuses_bad_input_in_one_line(
    history_engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "ru.xlsx"
    args = ("report", "--partner", "RU", "--from", "2025-01-01", "--to", "2025-03-31", "--lang", "vi")
    written = _liaison(history_engine, *args, "--format", "xlsx", "--out", str(out))
    assert written.returncode == 0, written.stderr
    summary = load_workbook(out).worksheets[0]
    assert summary.cell(row=2, column=2).value == 3  # requests opened with Russia, as the CLI's admin
    bad = _liaison(
        history_engine, "report", "--from", "2025-02-30", "--to", "2025-03-31", "--out", str(tmp_path / "x")
    )
    assert bad.returncode == 1 and bad.stderr.startswith("error:") and "Traceback" not in bad.stderr
    assert not (tmp_path / "x").exists()
