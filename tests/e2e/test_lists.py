"""Lists that work, in a real Chromium and in both languages: an officer saves the filters of the
commitments list under a name and opens the list so filtered from it again, ticks two
commitments and closes them in one step, and reads a record's text in the page's language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from liaison.core import i18n
from liaison.core.db import unit_of_work
from liaison.engagements import schemas, service
from tests.e2e.conftest import LiveServer, open_as_officer
from tests.requests.factories import OFFICER

TEXTS = {"en": "Exchange information on fugitives", "vi": "Trao đổi thông tin về đối tượng truy nã"}


def commitments(server: LiveServer) -> list[int]:
    """A held engagement with Russia and three commitments, the first written in two languages."""
    with unit_of_work(server.engine) as session:
        engagement = service.create_engagement(
            session,
            OFFICER,
            schemas.EngagementIn(
                kind="talks", title="Talks with the MIA", held_on="2025-03-04", country="RU"
            ),
        )
        texts = [
            schemas.CommitmentIn(
                engagement_id=engagement.id,
                kind="agreed",
                text=TEXTS["en"],
                translations={"vi": {"text": TEXTS["vi"]}},
            ),
            schemas.CommitmentIn(engagement_id=engagement.id, kind="agreed", text="Meet again in Moscow"),
            schemas.CommitmentIn(
                engagement_id=engagement.id, kind="agreed", text="Train investigators together"
            ),
        ]
        return [service.create_commitment(session, OFFICER, data).id for data in texts]


@pytest.mark.parametrize("language", ["en", "vi"])
def test_saved_filters_bulk_follow_up_and_texts_in_the_pages_language(
    live_server, browser_page, language: str
) -> None:  # type: ignore[no-untyped-def]
    first, second, third = commitments(live_server)
    page = browser_page
    open_as_officer(page, live_server, language, "/engagements/commitments?status=open&country=RU")
    with i18n.speaking(language):
        t = i18n.gettext
        rows = page.locator("table tbody")
        expect(rows).to_contain_text(TEXTS[language])  # the text in the page's language

        page.get_by_label(t("Save these filters as")).fill("Russia, open")
        page.get_by_role("button", name=t("Save"), exact=True).click()
        saved = page.get_by_role("region", name=t("Saved filters"))
        expect(saved.get_by_role("link", name="Russia, open")).to_have_attribute("aria-current", "true")
        page.goto(live_server.url + "/engagements/commitments")
        page.get_by_role("region", name=t("Saved filters")).get_by_role("link", name="Russia, open").click()
        expect(page.get_by_label(t("Status"), exact=True)).to_have_value("open")

        page.locator(f"#select-{first}").check()
        page.locator(f"#select-{third}").check()
        page.get_by_label(t("New status")).select_option("done")
        page.get_by_label(t("Note"), exact=True).fill("Agreed in the minutes of 4 March")
        page.get_by_role("button", name=t("Follow them up")).click()
        expect(rows).to_contain_text("Meet again in Moscow")
        expect(rows).not_to_contain_text("Train investigators together")  # done: no longer open
    with unit_of_work(live_server.engine) as session:
        assert [service.get_commitment(session, OFFICER, i).status for i in (first, second, third)] == [
            "done",
            "open",
            "done",
        ]
