"""An officer plans a meeting with Russia's Ministry of Internal Affairs for next week from the
calendar and finds it in the week view, in English and in Vietnamese, in a real Chromium."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from liaison.core import i18n
from liaison.core.db import unit_of_work
from liaison.core.records import today
from tests.e2e.conftest import sign_in
from tests.registry import factories


@pytest.mark.parametrize("language", ["en", "vi"])
def test_officer_plans_a_meeting_with_russias_mia_from_the_calendar(
    live_server, browser_page, language
) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(live_server.engine) as session:
        factories.agency(session, "Ministry of Internal Affairs of the Russian Federation", country="RU")
    with i18n.speaking(language):
        t = i18n.gettext
        day = today() + timedelta(days=7 - today().weekday() + 2)  # next week's Wednesday
        shown = i18n.show_date(day)
        words = {
            key: t(key)
            for key in (
                "Next week",
                "Title",
                "Partner country",
                "Agencies",
                "Place",
                "Save the plan",
                "Stage",
            )
        }
        words |= {
            "plan": t("Plan a meeting on %(day)s") % {"day": shown},
            "agenda": t("Agenda (one item a line, in order)"),
            "theirs": t("Partner's delegation: names not in the registry (one a line)"),
            "planned": "Dự kiến" if language == "vi" else "Planned",
        }
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    if language == "vi":
        page.get_by_label("Language").select_option("vi")
        page.get_by_role("button", name="Change language").click()
        page.wait_for_load_state()
    page.goto(live_server.url + "/engagements/calendar")
    page.get_by_role("link", name=words["Next week"]).click()
    page.get_by_role("link", name=words["plan"]).click()

    expect(page.get_by_label(words["Stage"])).to_have_value("planned")
    page.get_by_label(words["Title"], exact=True).fill("Hội đàm với Bộ Nội vụ Nga")
    page.get_by_label(words["Place"], exact=True).fill("Moskva")
    page.get_by_label(words["Partner country"]).select_option("RU")
    page.get_by_label(words["Agencies"], exact=True).select_option(
        label="Ministry of Internal Affairs of the Russian Federation"
    )
    page.get_by_label(words["agenda"]).fill("Extradition requests\nCybercrime")
    page.get_by_label(words["theirs"]).fill("Vladimir Kolokoltsev")
    page.get_by_role("button", name=words["Save the plan"]).click()

    expect(page.get_by_role("heading", name="Hội đàm với Bộ Nội vụ Nga", level=1)).to_be_visible()
    expect(page.get_by_test_id("engagement-stage")).to_have_text(words["planned"])
    expect(page.get_by_test_id("agenda").get_by_role("listitem")).to_have_text(
        ["Extradition requests", "Cybercrime"]
    )
    expect(page.get_by_role("listitem").filter(has_text="Vladimir Kolokoltsev")).to_be_visible()

    page.goto(f"{live_server.url}/engagements/calendar?view=week&date={day.isoformat()}")
    that_day = page.get_by_role("region", name=re.compile(re.escape(shown)))
    expect(that_day.get_by_role("link", name="Hội đàm với Bộ Nội vụ Nga")).to_be_visible()
    other_days = page.get_by_role("region").filter(has_not_text=shown)
    expect(other_days).to_have_count(6)
    expect(other_days.get_by_role("link", name="Hội đàm với Bộ Nội vụ Nga")).to_have_count(0)
