"""A commitment recorded without an owner or a due date, given both from its page in a real
Chromium and in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from liaison.core.db import unit_of_work
from tests.e2e.conftest import LiveServer, open_as_officer
from tests.registry import factories

WORDS = {
    "en": {"correct": "Correct the commitment", "save": "Save changes"},
    "vi": {"correct": "Đính chính cam kết", "save": "Lưu thay đổi"},
}


def _commitment(server: LiveServer) -> int:
    with unit_of_work(server.engine) as session:
        factories.agency(session, "Cục Cảnh sát hình sự")
        talks = factories.engagement(session)
        return factories.commitment(session, talks.id, "Exchange lists of fugitives").id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_commitment_is_given_an_owner_and_a_due_date(live_server, browser_page, language: str) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    commitment_id = _commitment(live_server)
    page = browser_page
    open_as_officer(page, live_server, language, f"/engagements/commitments/{commitment_id}")

    page.get_by_text(words["correct"]).click()
    page.locator("#m-owner").select_option(label="Cục Cảnh sát hình sự")
    page.locator("#m-due").fill("2026-12-31")
    page.get_by_role("button", name=words["save"]).click()

    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Cục Cảnh sát hình sự")
    expect(facts).to_contain_text("2026")
