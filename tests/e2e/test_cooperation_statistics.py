"""The cooperation statistics page in a real Chromium over the demo data: an officer opens it from
the menu, picks Russia, sees each chart beside its table with the figures the service counts, and
downloads the same report as XLSX."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.engagements import demo as engagements_demo
from liaison.registry import demo as registry_demo
from liaison.reports.cooperation import resolve_period
from liaison.reports.statistics import cooperation_report
from liaison.requests import demo as requests_demo
from tests.e2e.conftest import LiveServer, sign_in


def _load_demo(server: LiveServer) -> None:
    with unit_of_work(server.engine) as session:
        registry_demo.load(session, "demo")
        engagements_demo.load(session, "demo")
        requests_demo.load(session, "demo")


def test_officer_reads_the_russia_statistics_and_downloads_them(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    _load_demo(live_server)
    officer = live_server.account("officer", "thu.officer")
    period = resolve_period(None, None, None)
    with Session(live_server.engine) as session:
        expected = cooperation_report(
            session, accounts.get_user(session, "thu.officer"), period.since, period.until, "RU"
        )
    assert expected.totals.requests_opened > 0  # the demo has requests with Russia this year

    page = browser_page
    sign_in(page, live_server, officer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cooperation statistics").click()
    page.get_by_label("Partner", exact=True).select_option("RU")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_role("heading", name="Requests by kind and direction")).to_be_visible()
    summary = page.get_by_role("table", name="Summary")
    for measure, value in (
        ("Requests opened", expected.totals.requests_opened),
        ("Requests overdue at the end of the period", expected.totals.requests_overdue),
        ("Commitments open", expected.totals.commitments_open),
    ):
        row = summary.get_by_role("row").filter(has=page.get_by_role("rowheader", name=measure, exact=True))
        expect(row.get_by_role("cell")).to_have_text(str(value))
    for name in ("Requests opened by month and kind", "Median days to answer, by partner"):
        chart = page.get_by_role("img", name=name)
        expect(chart).to_be_visible()
        assert chart.bounding_box()["width"] > 200  # type: ignore[index]
    kinds = page.get_by_role("table", name="Requests by kind and direction").locator("tbody tr")
    expect(kinds).to_have_count(len(expected.requests_by_kind or []))

    page.get_by_label("Format", exact=True).select_option("xlsx")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download").click()
    workbook = load_workbook(io.BytesIO(Path(waiting.value.path()).read_bytes()))  # a name without .xlsx
    figures = {row[0].value: row[1].value for row in workbook.worksheets[0].iter_rows(min_row=2)}
    assert figures["Requests opened"] == expected.totals.requests_opened
    assert figures["Engagements"] == expected.totals.engagements
