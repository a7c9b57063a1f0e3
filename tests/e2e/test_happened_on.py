"""An acknowledgement recorded late, in a real Chromium and in both languages: the officer records
the MIA's acknowledgement of an extradition request as received last week, and the decision
deadline moves to count from that day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from liaison.core import i18n
from liaison.core.db import utcnow
from liaison.requests import service
from tests.e2e.conftest import LiveServer, sign_in
from tests.requests.factories import OFFICER, agency, attach_all_required, request_data

WORDS = {
    "en": {"ack": "Record acknowledgement", "happened": "Happened on", "decision": "Decision",
           "status": "Status", "acknowledged": "Acknowledged by partner", "deadlines": "Deadlines"},
    "vi": {"ack": "Ghi nhận xác nhận", "happened": "Ngày xảy ra", "decision": "Quyết định",
           "status": "Tình trạng", "acknowledged": "Đối tác đã xác nhận", "deadlines": "Thời hạn"},
}  # fmt: skip


def show(day: date, language: str) -> str:
    """The day as the pages write it in `language`."""
    with i18n.speaking(language):
        return i18n.show_date(day)


def _submitted_a_month_ago(server: LiveServer, documents: object) -> int:
    with Session(server.engine) as session:
        vn = agency(session, "Ministry of Public Security", "VN", "interior")
        ru = agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior")
        begun = utcnow() - timedelta(days=31)
        request = service.create_request(session, OFFICER, request_data(vn, ru), now=begun)
        attach_all_required(session, request, documents)
        service.transition_request(session, OFFICER, request.id, "submit", now=begun + timedelta(days=1))
        session.commit()
        return request.id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_acknowledgement_received_last_week_moves_the_decision_deadline(
    live_server, browser_page, tmp_path, language: str
) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    request_id = _submitted_a_month_ago(live_server, tmp_path)
    page = browser_page
    sign_in(page, live_server, live_server.account("officer", "hoa.officer"))
    if language == "vi":
        page.get_by_label("Language").select_option("vi")
        page.get_by_role("button", name="Change language").click()
        expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.goto(f"{live_server.url}/requests/{request_id}")
    last_week = service.local_today() - timedelta(days=7)
    decision = (
        page.get_by_role("region", name=words["deadlines"])
        .get_by_role("row")
        .filter(has_text=words["decision"])
    )
    moved = show(last_week + timedelta(days=60), language)
    expect(decision).not_to_contain_text(moved)

    page.get_by_label(f"{words['happened']} ({words['ack']})").fill(last_week.isoformat())
    page.get_by_role("button", name=words["ack"]).click()

    expect(page.get_by_label(words["status"])).to_have_text(words["acknowledged"])
    expect(decision).to_contain_text(moved)
    timeline = page.get_by_role("region", name="Timeline" if language == "en" else "Diễn biến")
    expect(timeline).to_contain_text(show(last_week, language))
