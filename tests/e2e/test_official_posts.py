"""An official takes a new post, from their page in a real Chromium and in both languages: the post
held until then ends that day and stays in the record."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from liaison.core.db import unit_of_work
from tests.e2e.conftest import LiveServer, open_as_officer
from tests.registry.factories import agency, official

WORDS = {
    "en": {"title": "Title", "from": "From", "take": "Take the post"},
    "vi": {"title": "Tiêu đề", "from": "Từ", "take": "Nhận chức vụ"},
}


def _official(server: LiveServer) -> int:
    with unit_of_work(server.engine) as session:
        police = agency(session, "Cục Cảnh sát hình sự")
        posts = [{"title": "Deputy Director", "agency_id": police.id, "start_date": date(2019, 1, 1)}]
        return official(session, "Trần Văn B", agency_id=police.id, posts=posts).id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_an_official_takes_a_new_post_from_their_page(live_server, browser_page, language: str) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    official_id = _official(live_server)
    page = browser_page
    open_as_officer(page, live_server, language, f"/registry/officials/{official_id}")

    page.get_by_label(words["title"], exact=True).fill("Director")
    page.get_by_label(words["from"], exact=True).fill("2024-07-01")
    page.get_by_role("button", name=words["take"]).click()

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Deputy Director")
    expect(rows.nth(0).locator("td").nth(4)).not_to_be_empty()  # ended the day the new post began
    expect(rows.nth(1)).to_contain_text("Director")
