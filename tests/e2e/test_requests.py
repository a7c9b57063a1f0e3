"""Cooperation requests in a real Chromium: an outgoing extradition request to Kazakhstan from draft
to submitted, and an incoming information request from Russia from received to answered."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlalchemy.orm import Session

from liaison.core.security.policy import SystemActor
from liaison.core.settings import get_settings
from liaison.requests import service
from tests.e2e.conftest import LiveServer, sign_in
from tests.requests.factories import PDF, agency, agreement, in_force

ADMIN = SystemActor(username="setup", role="admin")


def _partners(server: LiveServer) -> None:
    with Session(server.engine) as session:
        agency(session, "Ministry of Public Security", "VN", "interior")
        agency(session, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption")
        agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior")
        untoc = agreement(
            session, "UN Convention against Transnational Organized Crime", "crime_prevention",
            ["VN", "KZ", "RU"], in_force(date(2012, 7, 8)), multilateral=True,
        )  # fmt: skip
        service.add_coverage(session, ADMIN, untoc.id, "extradition")
        session.commit()


def test_outgoing_extradition_to_kazakhstan_from_draft_to_submitted(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    _partners(live_server)
    page = browser_page
    sign_in(page, live_server, live_server.account("officer", "lan.officer"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests", exact=True).click()
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Kind").select_option(label="Extradition")
    page.get_by_label("Direction").select_option("outgoing")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="What this request needs")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Arrest warrant or judgment")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Extradition of a corruption fugitive")
    page.get_by_label("Requesting agency").select_option(label="Ministry of Public Security (VN)")
    page.get_by_label("Requested agency").select_option(label="Anti-Corruption Agency of Kazakhstan (KZ)")
    proposal = page.get_by_role("region", name="Proposed legal basis")
    expect(proposal).to_contain_text("UN Convention against Transnational Organized Crime")
    page.get_by_label("Crime areas").select_option(["corruption"])
    page.get_by_label("Offence and its legal qualification *").fill("Embezzlement, Penal Code art. 353")
    page.get_by_label("Arrest warrant or judgment reference *").fill("01/2026/QĐ-CSĐT")
    page.get_by_label("Penalty provided or imposed *").fill("Up to 20 years")
    page.get_by_label("Name of person 1").fill("Nguyễn Văn A")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", name="Extradition of a corruption fugitive")).to_be_visible()
    expect(page.get_by_label("Status")).to_have_text("Draft")
    basis = page.get_by_role("region", name="Legal basis")
    expect(basis.get_by_text("UN Convention against Transnational Organized Crime").first).to_be_visible()
    expect(page.get_by_text("Still missing before submission: 5 document(s).")).to_be_visible()

    page.get_by_role("button", name="Submit to partner").click()
    expect(page.get_by_role("alert")).to_contain_text("Arrest warrant or judgment")

    for label in ("Signed request letter", "Arrest warrant or judgment", "Statement of facts",
                  "Text of the legal provisions", "Identification (photograph, fingerprints)"):  # fmt: skip
        page.get_by_label("Document type").select_option(label=label)
        page.get_by_label("File").set_input_files(
            files=[{"name": "document.pdf", "mimeType": "application/pdf", "buffer": PDF + label.encode()}]
        )
        page.get_by_role("button", name="Attach").click()
        expect(page.get_by_text(f"✓ {label} — attached")).to_be_visible()
    expect(page.get_by_text("Still missing before submission")).to_have_count(0)

    page.get_by_role("button", name="Submit to partner").click()
    expect(page.get_by_label("Status")).to_have_text("Submitted")
    deadlines = page.get_by_role("region", name="Deadlines")
    expect(deadlines.get_by_role("cell", name="Acknowledgement")).to_be_visible()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Draft → Submitted")
    expect(page.get_by_role("button", name="Submit to partner")).to_have_count(0)


def test_incoming_information_request_from_russia_from_received_to_answered(
    live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    _partners(live_server)
    page = browser_page
    sign_in(page, live_server, live_server.account("officer", "minh.officer"))
    zone = ZoneInfo(get_settings().timezone)
    received = (datetime.now(zone) - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    page.goto(live_server.url + "/requests/new?kind=information_request&direction=incoming")
    page.get_by_label("Title", exact=True).fill("Entry and exit records of a suspect")
    page.get_by_label("Requesting agency").select_option(label="Ministry of Internal Affairs of Russia (RU)")
    page.get_by_label("Requested agency").select_option(label="Ministry of Public Security (VN)")
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("Received at").fill(received)
    page.get_by_label("Information sought *").fill("Entries and exits since 2024")
    page.get_by_label("Purpose *").fill("Criminal investigation")
    page.get_by_role("button", name="Register received request").click()

    expect(page.get_by_label("Status")).to_have_text("Received")
    expect(page.get_by_role("region", name="Warnings")).to_contain_text("has already passed")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Overdue requests").click()
    page.get_by_label("Partner").select_option(label="Ministry of Internal Affairs of Russia")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Entry and exit records of a suspect")).to_be_visible()
    page.get_by_role("link", name="Entry and exit records of a suspect").click()

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_label("Status")).to_have_text("Acknowledged")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_label("Status")).to_have_text("Answered")
    expect(page.get_by_role("region", name="Warnings")).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Overdue requests").click()
    expect(page.get_by_role("link", name="Entry and exit records of a suspect")).to_have_count(0)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Request statistics").click()
    times = page.get_by_role("table", name="Response times")
    expect(
        times.get_by_role("row", name="Ministry of Internal Affairs of Russia Information request")
    ).to_be_visible()
