"""The request form's engagement picker in a real Chromium: typing part of the title replaces the
number input with the matching engagements (htmx), and the one chosen is saved with the request."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.e2e.conftest import LiveServer, sign_in
from tests.registry.factories import engagement
from tests.requests.factories import agency


def _setting(server: LiveServer) -> int:
    with Session(server.engine) as session:
        agency(session, "Ministry of Public Security", "VN", "interior")
        agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior")
        talks = engagement(session, "Talks with Russia's MIA")
        engagement(session, "ASEAN senior officials meeting")
        session.commit()
        return talks.id


def test_choosing_an_engagement_by_typing_its_title(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    talks = _setting(live_server)
    page = browser_page
    sign_in(page, live_server, live_server.account("officer", "mai.officer"))
    page.goto(f"{live_server.url}/requests/new?kind=information_request&direction=outgoing")
    page.get_by_label("Title", exact=True).fill("Whereabouts of a fugitive")
    page.get_by_label("Requesting agency").select_option(label="Ministry of Public Security (VN)")
    page.get_by_label("Requested agency").select_option(label="Ministry of Internal Affairs of Russia (RU)")
    page.get_by_role("searchbox", name="Look up an engagement").fill("MIA")
    chosen = page.get_by_role("combobox", name="Engagement it follows from")
    expect(chosen).to_have_value(str(talks))
    expect(chosen.get_by_role("option")).to_have_count(2)  # none, and the talks; not the ASEAN meeting
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("link", name=f"Engagement {talks}")).to_be_visible()
