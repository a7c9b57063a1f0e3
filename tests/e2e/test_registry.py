"""An officer records an agreement and moves it through its statuses, then records a commitment
made at an engagement and follows it up until it is done, in a real Chromium."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from liaison.core.db import unit_of_work
from tests.e2e.conftest import sign_in
from tests.registry import factories


def test_officer_records_an_agreement_and_moves_it_into_force(live_server, browser_page) -> None:
    with unit_of_work(live_server.engine) as session:
        factories.agency(session, "Bộ Công an", country="VN")
        factories.agency(session, "Ministry of Home Affairs", country="SG", kind="interior")
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="Record an agreement").click()
    page.get_by_label("Title", exact=True).fill("Hiệp định dẫn độ Việt Nam – Singapore")
    page.get_by_label("Kind").select_option(label="Extradition")
    page.get_by_label("Party agencies").select_option(
        label=["Bộ Công an (Vietnam)", "Ministry of Home Affairs (Singapore)"]
    )
    page.get_by_label("Crime areas").select_option(label="Fugitives and wanted persons")
    page.get_by_label("Since").fill("2024-10-09")
    page.get_by_role("button", name="Save agreement").click()

    expect(page.get_by_role("heading", name="Hiệp định dẫn độ Việt Nam – Singapore")).to_be_visible()
    status = page.get_by_test_id("agreement-status")
    expect(status).to_have_text("Proposed")
    for step, on in (("Negotiating", "2025-01-15"), ("Signed", "2025-06-01"), ("In force", "2025-09-01")):
        page.get_by_label("New status").select_option(label=step)
        page.get_by_label("Effective on").fill(on)
        page.get_by_role("button", name="Change status").click()
        expect(status).to_have_text(step)
    expect(page.get_by_role("list").filter(has_text="Negotiating")).to_contain_text("Signed")
    # Only the legal next statuses are offered: from "in force" there is no way back to "proposed".
    options = page.get_by_label("New status").locator("option").all_inner_texts()
    assert options == ["Amended (in force)", "Suspended", "Terminated"]


def test_officer_records_a_commitment_and_closes_it(live_server, browser_page) -> None:
    with unit_of_work(live_server.engine) as session:
        vn = factories.agency(session, "Bộ Công an", country="VN")
        kz = factories.agency(session, "Anti-Corruption Agency of Kazakhstan", country="KZ")
        engagement = factories.engagement(
            session,
            "Reception for Zhumagali Askhat",
            held_on=date(2025, 2, 25),
            country="KZ",
            agency_ids=[vn.id, kz.id],
        )
        engagement_id = engagement.id
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    page.goto(f"{live_server.url}/engagements/{engagement_id}")
    page.get_by_label("What was committed", exact=True).fill(
        "Negotiate and sign an agreement on crime prevention cooperation"
    )
    page.get_by_label("Kind").select_option(label="Urged")
    page.get_by_label("Agencies it binds").select_option(
        label=["Bộ Công an", "Anti-Corruption Agency of Kazakhstan"]
    )
    page.get_by_role("button", name="Record commitment").click()

    page.get_by_role("link", name="Negotiate and sign an agreement on crime prevention cooperation").click()
    status = page.get_by_test_id("commitment-status")
    expect(status).to_have_text("Open")
    page.get_by_label("Follow-up note").fill("Draft text sent to the Kazakh side")
    page.get_by_label("Move to status").select_option(label="In progress")
    page.get_by_role("button", name="Add follow-up").click()
    expect(status).to_have_text("In progress")
    page.get_by_label("Follow-up note").fill("Agreement signed")
    page.get_by_label("Move to status").select_option(label="Done")
    page.get_by_role("button", name="Add follow-up").click()
    expect(status).to_have_text("Done")
    expect(page.get_by_role("list").filter(has_text="Draft text sent")).to_contain_text("Agreement signed")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Commitments").click()
    expect(page.get_by_role("link", name="Negotiate and sign an agreement")).to_have_count(
        0
    )  # no longer open
