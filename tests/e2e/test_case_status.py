"""A citizen-protection case moves on, from the list in a real Chromium and in both languages: the
officer closes it and the list shows it closed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from liaison.core.db import unit_of_work
from liaison.engagements import schemas, service
from tests.e2e.conftest import LiveServer, open_as_officer
from tests.requests.factories import OFFICER

WORDS = {
    "en": {"status": "Status of Students detained in Almaty", "closed": "Closed", "change": "Change status"},
    "vi": {
        "status": "Tình trạng của Students detained in Almaty",
        "closed": "Đã đóng",
        "change": "Đổi trạng thái",
    },
}


def _case(server: LiveServer) -> int:
    with unit_of_work(server.engine) as session:
        data = schemas.CaseIn(title="Students detained in Almaty", country="KZ")
        return service.create_case(session, OFFICER, data).id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_case_is_closed_from_the_list(live_server, browser_page, language: str) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    _case(live_server)
    page = browser_page
    open_as_officer(page, live_server, language, "/engagements/citizen-protection")

    page.get_by_label(words["status"]).select_option(label=words["closed"])
    with page.expect_navigation():
        page.get_by_role("button", name=words["change"]).click()

    expect(page).to_have_url(f"{live_server.url}/engagements/citizen-protection")
    expect(page.get_by_label(words["status"])).to_have_value("closed")
