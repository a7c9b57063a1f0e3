"""A programme's own status and period corrected from its page, in a real Chromium and in both
languages: a 2022–2024 programme still "under way" is extended to 2025 and then closed, and its
progress is counted from its action items."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from liaison.core.db import unit_of_work
from liaison.registry import programmes, schemas
from tests.e2e.conftest import LiveServer, open_as_officer
from tests.registry.factories import ADMIN

WORDS = {
    "en": {"edit": "Edit the programme", "last": "Last year", "completed": "Completed",
           "save": "Save changes", "progress": "1 of 2 action items done"},
    "vi": {"edit": "Sửa chương trình", "last": "Năm kết thúc", "completed": "Đã hoàn thành",
           "save": "Lưu thay đổi", "progress": "Đã hoàn thành 1 trên 2 đầu việc"},
}  # fmt: skip


def _programme(server: LiveServer) -> int:
    with unit_of_work(server.engine) as session:
        programme = programmes.create_programme(
            session, ADMIN, schemas.ProgrammeIn(title="Plan 2022–2024", start_year=2022, end_year=2024)
        )
        for text, status in (("Joint training", "done"), ("Liaison post", "in_progress")):
            programmes.add_action_item(
                session, ADMIN, programme.id, schemas.ActionItemIn(text=text, status=status)
            )
        return programme.id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_programme_is_extended_and_closed_from_its_page(live_server, browser_page, language: str) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    programme_id = _programme(live_server)
    page = browser_page
    open_as_officer(page, live_server, language, f"/registry/programmes/{programme_id}")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(words["progress"])

    page.get_by_text(words["edit"]).click()
    page.get_by_label(words["last"]).fill("2025")
    page.locator("#e-status").select_option(label=words["completed"])
    page.get_by_role("button", name=words["save"]).click()

    expect(facts).to_contain_text("2022–2025")
    expect(facts).to_contain_text(words["completed"])
    expect(facts).to_contain_text(words["progress"])
