"""An agreement recorded wrongly, corrected from its page in a real Chromium and in both languages:
its kind and crime areas are put right and the status history is untouched."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from liaison.core.db import unit_of_work
from tests.e2e.conftest import LiveServer, open_as_officer
from tests.registry.factories import agency, agreement

WORDS = {
    "en": {"correct": "Correct the agreement", "save": "Save changes",
           "mou": "Memorandum of understanding", "drugs": "Illicit drug trafficking"},
    "vi": {"correct": "Đính chính điều ước", "save": "Lưu thay đổi",
           "mou": "Bản ghi nhớ", "drugs": "Mua bán trái phép chất ma túy"},
}  # fmt: skip


def _agreement(server: LiveServer) -> int:
    with unit_of_work(server.engine) as session:
        vn, sg = agency(session, country="VN"), agency(session, country="SG")
        recorded = agreement(
            session, vn, sg, title="MOU 2015", kind="other", history=[("signed", date(2015, 3, 1))]
        )
        return recorded.id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_an_agreement_s_kind_and_crime_areas_are_corrected_from_its_page(
    live_server, browser_page, language: str
) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    agreement_id = _agreement(live_server)
    page = browser_page
    open_as_officer(page, live_server, language, f"/registry/agreements/{agreement_id}")

    page.get_by_text(words["correct"]).click()
    page.locator("#c-kind").select_option(label=words["mou"])
    page.locator("#c-areas").select_option(label=[words["drugs"]])
    page.get_by_role("button", name=words["save"]).click()

    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(words["mou"])
    expect(facts).to_contain_text(words["drugs"])
    expect(page.locator("ol.timeline li")).to_have_count(1)
