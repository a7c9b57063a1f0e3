"""The issue's "done when" through the pages, in a real Chromium, on the two nodes the README's
"Two nodes exchanging" block starts (`readme_nodes`) and with their demo accounts, as the README's
steps under it go: on node A an officer writes a request to the partner agency and submits it, a
supervisor (enrolling a second factor at the first sign-in) approves it on A's approval page, it
arrives on node B, B's officer acknowledges and answers it on B's pages, and A's request page shows
the answer and the thread with the partner."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from liaison.cli import DEMO_PASSWORD_SUFFIX
from liaison.core import second_factor
from tests.conftest import Account
from tests.docs import README
from tests.e2e.conftest import sign_in
from tests.exchange.conftest import Node, wait_for
from tests.exchange.readme_nodes import readme_nodes

__all__ = ["readme_nodes"]  # the fixture
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
]
TITLE = "Whereabouts of Nguyễn Văn A"
ANSWER = "He lives at 12 Abay Avenue, Almaty."
PARTNER_WAIT = 120.0  # s: the delivery workers on a loaded CI machine
AGENCY_A = "Bộ Công an (VN)"  # the demo registry's, as the README's steps name them
AGENCY_B = "Ministry of Internal Affairs of the Russian Federation (RU)"


def reloaded(page: Page) -> bool:
    """The page fetched again: what the partner's node delivered since shows."""
    page.reload()
    return True


def demo_account(role: str) -> Account:
    """The account `liaison init --demo` makes for the role, with the password it prints."""
    return Account(role, role + DEMO_PASSWORD_SUFFIX, role)


def enrol(page: Page, who: Account) -> None:
    """A role needing a second factor enrols one at its first sign-in, from the key the page
    shows, as an authenticator app takes it."""
    who.totp_secret = page.locator("#second-factor-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(who.code())
    page.get_by_role("button", name="Turn on the second factor").click()
    page.get_by_role("link", name="Continue").click()


def test_the_readme_names_the_agencies_and_accounts_used_here() -> None:
    steps = README.read_text(encoding="utf-8")
    for said in (AGENCY_A.removesuffix(" (VN)"), AGENCY_B.removesuffix(" (RU)"), "`officer`", "`supervisor`"):
        assert said in steps


def test_a_request_approved_sent_and_answered_through_the_pages(  # type: ignore[no-untyped-def]
    readme_nodes: dict[str, Node], chromium
) -> None:
    a, b = readme_nodes["A"], readme_nodes["B"]
    officer_a, supervisor_a = demo_account("officer"), demo_account("supervisor")
    officer_b = demo_account("officer")

    def signed_in(node: Node, who: Account) -> Page:
        page: Page = chromium.new_context(locale="en-GB").new_page()
        page.set_default_timeout(30_000)
        sign_in(page, node, who)
        if who.role in second_factor.REQUIRED_FOR and not who.totp_secret:
            enrol(page, who)
        return page

    # On A: the officer writes the request to the partner agency and submits it.
    writer = signed_in(a, officer_a)
    writer.goto(a.url + "/requests/new?kind=information_request&direction=outgoing")
    writer.get_by_label("Title", exact=True).fill(TITLE)
    writer.get_by_label("Requesting agency").select_option(label=AGENCY_A)
    writer.get_by_label("Requested agency").select_option(label=AGENCY_B)
    writer.get_by_label("Information sought *").fill("Current address?")
    writer.get_by_label("Purpose *").fill("Criminal investigation")
    writer.get_by_role("button", name="Save draft").click()
    writer.get_by_role("button", name="Submit to partner").click()
    expect(writer.get_by_label("Status")).to_have_text("Submitted")
    request_url = writer.url

    # Nothing leaves before a supervisor approves it on A's approval page.
    approver = signed_in(a, supervisor_a)
    approver.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    approve = approver.get_by_role("button", name=f"Approve: information_request: {TITLE}")
    approve.click()
    expect(approve).to_have_count(0)  # the demo's own messages may still wait

    # On B: it arrives as an incoming request; the officer acknowledges and answers it.
    answerer = signed_in(b, officer_b)
    incoming = answerer.get_by_role("link", name=TITLE)
    answerer.goto(b.url + "/requests?direction=incoming")
    wait_for(lambda: reloaded(answerer) and incoming.count() == 1, timeout=PARTNER_WAIT, every=0.5)
    incoming.click()
    expect(answerer.get_by_label("Status")).to_have_text("Received")
    answerer.get_by_role("button", name="Acknowledge").click()
    expect(answerer.get_by_label("Status")).to_have_text("Acknowledged")
    answerer.get_by_label("Reason for: Send answer").fill(ANSWER)
    answerer.get_by_role("button", name="Send answer").click()
    expect(answerer.get_by_label("Status")).to_have_text("Answered")

    # On A: the request page shows the answer and what travelled with the partner.
    writer.goto(request_url)
    status = writer.get_by_label("Status")
    wait_for(lambda: reloaded(writer) and status.inner_text() == "Answered", timeout=PARTNER_WAIT, every=0.5)
    expect(writer.get_by_role("region", name="Timeline")).to_contain_text(ANSWER)
    thread = writer.get_by_role("region", name="With the partner's node")
    expect(thread).to_contain_text("Sent to node-b")
    expect(thread).to_contain_text("Received from node-b")
    expect(thread).to_contain_text(f"answer: {ANSWER}")
    for page in (writer, approver, answerer):
        page.context.close()
