"""An officer screens a traveller written in Russian Cyrillic against a person sought recorded in
Chinese characters, reads why it is a hit, and dismisses it from the review queue."""

from __future__ import annotations

from playwright.sync_api import expect

from liaison.core.db import unit_of_work
from liaison.core.security.policy import CLI_ACTOR
from liaison.subjects.schemas import NameIn, SubjectIn
from liaison.subjects.service import create_subject
from tests.conftest import make_account
from tests.e2e.conftest import sign_in
from tests.requests.factories import agency
from tests.screening.factories import RESTRICTED_NAME, restricted_subject


def test_officer_screens_a_person_sees_the_explanation_and_dismisses_the_hit(
    live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(live_server.engine) as session:
        create_subject(
            session, CLI_ACTOR, SubjectIn(names=[NameIn(full_name="阮富仲")], birth_dates=["1944-04-14"])
        )
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    page.get_by_role("link", name="Screen a person").first.click()

    page.get_by_label("Name").fill("Нгуен Фу Чонг")
    page.get_by_label("Birth date").fill("1944-04-14")
    page.get_by_role("button", name="Screen", exact=True).click()

    hit = page.get_by_role("article", name="Hit 1")
    expect(hit.get_by_role("heading")).to_contain_text("阮富仲")
    explanation = hit.get_by_role("table", name="Why this hit")
    expect(explanation.get_by_role("cell", name="exact", exact=True)).to_be_visible()
    expect(explanation.get_by_text("read as nguyen phu trong", exact=False)).to_be_visible()

    page.get_by_role("link", name="Hits to review").first.click()
    page.get_by_label("Reason", exact=True).fill("Namesake: different father")
    page.get_by_role("button", name="Dismiss", exact=True).click()
    expect(page.get_by_text("No hits here.")).to_be_visible()

    page.goto(live_server.url + "/screening")
    page.get_by_label("Name").fill("Нгуен Фу Чонг")
    page.get_by_label("Birth date").fill("1944-04-14")
    page.get_by_role("button", name="Screen", exact=True).click()
    expect(page.get_by_text("No person sought matches this record.")).to_be_visible()


def test_officer_confirms_a_hit_and_opens_a_locate_request_choosing_the_agencies(
    live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    with unit_of_work(live_server.engine) as session:
        agency(session, "Ministry of Public Security", "VN", "interior")
        agency(session, "Anti-Corruption Agency", "KZ", "anti_corruption")
        create_subject(
            session,
            CLI_ACTOR,
            SubjectIn(names=[NameIn(full_name="Қасым Тоқаев")], birth_dates=["1953-05-17"]),
        )
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    page.goto(live_server.url + "/screening")
    page.get_by_label("Name").fill("Kasym Tokaev")
    page.get_by_label("Birth date").fill("1953-05-17")
    page.get_by_role("button", name="Screen", exact=True).click()

    page.get_by_role("link", name="Hits to review").first.click()
    page.get_by_label("Reason", exact=True).fill("Passport photo matches")
    page.get_by_label("On confirming, open a locate-or-verify request from").select_option(
        label="Ministry of Public Security (VN)"
    )
    page.get_by_label("to the partner agency").select_option(label="Anti-Corruption Agency (KZ)")
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("link", name="confirmed").click()
    page.get_by_role("link", name="Request 1").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("body")).to_contain_text("Anti-Corruption Agency")


def test_border_officer_screening_a_restricted_person_is_told_to_hold_and_whom_to_call(
    live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    subject_id = restricted_subject(live_server.engine)
    page = browser_page
    sign_in(page, live_server, make_account(live_server.engine, "officer", unit="border"))
    page.goto(live_server.url + "/screening")
    page.get_by_label("Name").fill("PHAM VAN DONG")
    page.get_by_label("Birth date").fill("02.02.1950")
    page.get_by_role("button", name="Screen", exact=True).click()

    hit = page.get_by_role("article", name="Hit 1")
    expect(hit.get_by_role("heading")).to_contain_text("[restricted]")
    expect(hit.get_by_role("alert")).to_contain_text("hold the traveller and call the owning unit")
    expect(hit).to_contain_text(f"Person sought {subject_id}")
    expect(hit).to_contain_text("Owning unit fugitives")
    expect(hit).not_to_contain_text(RESTRICTED_NAME)
    expect(hit).not_to_contain_text("1950-02-02")

    hit.get_by_role("link", name="Review", exact=True).click()
    queued = page.get_by_role("article").first
    expect(queued.get_by_role("alert")).to_contain_text("call the owning unit")
    expect(queued.get_by_role("button", name="Confirm")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(RESTRICTED_NAME)


def test_reviewer_filters_by_run_groups_by_person_and_dismisses_namesakes_in_one_go(
    live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from liaison.core.db import utcnow
    from liaison.subjects.schemas import NoticeIn

    expired = NoticeIn(kind="locate", reference="L-2019", expires_on=utcnow().date() - timedelta(days=1))
    with unit_of_work(live_server.engine) as session:
        for country in ("VN", "LA", "KH"):
            create_subject(session, CLI_ACTOR, SubjectIn(names=[NameIn(full_name="Nguyễn Văn Hùng")],
                                                         nationalities=[country]))  # fmt: skip
        create_subject(
            session, CLI_ACTOR, SubjectIn(names=[NameIn(full_name="Trần Thị Lan")], notices=[expired])
        )
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    for traveller in ("Nguyen Van Hung", "Tran Thi Lan"):
        page.goto(live_server.url + "/screening")
        page.get_by_label("Name").fill(traveller)
        page.get_by_role("button", name="Screen", exact=True).click()
        expect(page.get_by_role("article").first).to_be_visible()

    page.get_by_role("link", name="Hits to review").first.click()
    expect(page.get_by_role("article")).to_have_count(4)
    page.get_by_label("Run").fill("1")
    page.get_by_label("Group by person sought").check()
    page.get_by_role("button", name="Show", exact=True).click()

    groups = page.get_by_role("region", name="Person sought")
    expect(groups).to_have_count(3)
    expect(page.get_by_test_id("ambiguous")).to_have_count(3)
    expect(page.get_by_test_id("ambiguous").first).to_contain_text("ambiguous: 3 persons sought")
    for box in page.get_by_role("checkbox", name="Select hit").all():
        box.check()
    page.get_by_label("Reason for dismissing the selected hits").fill("Namesakes: the passport gives 1990")
    page.get_by_role("button", name="Dismiss the selected hits").click()

    expect(page.get_by_role("status")).to_contain_text("Dismissed 3 hits.")
    expect(page.get_by_text("No hits here.")).to_be_visible()

    page.get_by_label("Run").fill("2")
    page.get_by_role("button", name="Show", exact=True).click()
    lan = page.get_by_role("article")
    expect(lan).to_have_count(1)
    expect(lan.get_by_role("list", name="Notices on person sought")).to_contain_text("Expired")
    lan.get_by_role("link", name="Open the person sought").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trần Thị Lan")
    expect(page.get_by_role("region", name="Notices")).to_contain_text("Expired")
