"""The officer's home page after the demo, in a real Chromium, in English and in Vietnamese: the
overdue demo requests and the commitments due, each opening its record, and the bell."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from liaison.core import notifications
from liaison.core.db import unit_of_work
from liaison.requests import demo as requests_demo
from tests.conftest import make_account
from tests.core.test_home import UNIT, load_demo
from tests.e2e.conftest import sign_in


def test_officer_sees_overdue_requests_and_commitments_due_in_both_languages(
    live_server, browser_page
) -> None:
    load_demo(live_server.engine)
    officer = make_account(live_server.engine, "officer", username=requests_demo.RESPONSIBLE, unit=UNIT)
    with unit_of_work(live_server.engine) as session:
        notifications.sweep(session)
    sign_in(browser_page, live_server, officer)

    overdue = browser_page.get_by_role("region", name=re.compile(r"^Deadlines passed"))
    expect(overdue).to_be_visible()
    expect(overdue.get_by_role("link", name=re.compile(r"\[SYNTHETIC\]")).first).to_be_visible()
    commitments = browser_page.get_by_role("region", name=re.compile(r"^Commitments and action items due"))
    expect(commitments.get_by_role("link").first).to_be_visible()
    expect(browser_page.get_by_test_id("unread-count")).not_to_have_text("0")

    browser_page.get_by_label("Language").select_option("vi")
    browser_page.get_by_role("button", name="Change language").click()
    expect(browser_page.locator("html")).to_have_attribute("lang", "vi")
    expect(browser_page.get_by_role("region", name=re.compile(r"^Quá hạn"))).to_be_visible()
    expect(
        browser_page.get_by_role("region", name=re.compile(r"^Cam kết và hạng mục công việc đến hạn"))
    ).to_be_visible()

    first = browser_page.get_by_role("region", name=re.compile(r"^Quá hạn")).get_by_role("link").first
    title = first.inner_text()
    first.click()
    expect(browser_page).to_have_url(re.compile(r"/requests/\d+$"))
    expect(browser_page.get_by_role("heading", level=1)).to_contain_text(title.split(":")[0])

    browser_page.get_by_test_id("bell").click()
    expect(browser_page.get_by_role("heading", name="Thông báo", exact=True)).to_be_visible()
