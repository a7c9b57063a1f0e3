"""An action item corrected and moved on from its programme's page, in a real Chromium and in both
languages: its due date and status change, a progress note is kept, and the programme's progress
counts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from liaison.core.db import unit_of_work
from liaison.registry import programmes, schemas
from tests.e2e.conftest import LiveServer, open_as_officer
from tests.registry.factories import ADMIN

WORDS = {
    "en": {"update": "Update", "due": "Due", "status": "Status", "done": "Done", "note": "Progress note",
           "progress": "1 of 1 action items done"},
    "vi": {"update": "Cập nhật", "due": "Hạn", "status": "Tình trạng", "done": "Đã xong",
           "note": "Ghi chú tiến độ", "progress": "Đã hoàn thành 1 trên 1 đầu việc"},
}  # fmt: skip


def _programme(server: LiveServer) -> int:
    with unit_of_work(server.engine) as session:
        data = schemas.ProgrammeIn(title="Plan 2025–2027", start_year=2025, end_year=2027)
        programme = programmes.create_programme(session, ADMIN, data)
        programmes.add_action_item(session, ADMIN, programme.id, schemas.ActionItemIn(text="Joint training"))
        return programme.id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_an_action_item_is_moved_on_from_the_programme_page(live_server, browser_page, language: str) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    programme_id = _programme(live_server)
    page = browser_page
    open_as_officer(page, live_server, language, f"/registry/programmes/{programme_id}")

    item = page.locator("table tbody tr").filter(has_text="Joint training")
    item.get_by_text(words["update"], exact=True).first.click()
    item.get_by_label(words["due"], exact=True).fill("2026-03-31")
    item.get_by_label(words["status"], exact=True).select_option(label=words["done"])
    item.get_by_label(words["note"], exact=True).fill("Forty officers trained.")
    item.get_by_role("button", name=words["update"]).click()

    expect(page.locator("dl.facts")).to_contain_text(words["progress"])
    expect(item).to_contain_text("Forty officers trained.")
    expect(item).to_contain_text(words["done"])
