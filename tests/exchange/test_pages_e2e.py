"""The issue's "done when" through the pages, in a real Chromium: on node A an officer writes a
request to the partner agency and submits it, a supervisor approves it on A's approval page, it
arrives on node B, B's officer acknowledges and answers it on B's pages, and A's request page shows
the answer and the thread with the partner. One pair of SQLite `liaison serve` processes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import Account
from tests.e2e.conftest import sign_in
from tests.exchange.conftest import Node, wait_for
from tests.exchange.partners import AGENCIES, account, nodes

__all__ = ["nodes"]  # the fixture
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
]
TITLE = "Whereabouts of Nguyễn Văn A"
ANSWER = "He lives at 12 Abay Avenue, Almaty."
PARTNER_WAIT = 120.0  # s: the delivery workers on a loaded CI machine


def reloaded(page: Page) -> bool:
    """The page fetched again: what the partner's node delivered since shows."""
    page.reload()
    return True


def agency_label(node_name: str) -> str:
    _, name, country = AGENCIES[node_name]
    return f"{name} ({country})"


@pytest.mark.parametrize("nodes", ["sqlite"], indirect=True)
def test_a_request_approved_sent_and_answered_through_the_pages(nodes: tuple[Node, Node], chromium) -> None:  # type: ignore[no-untyped-def]
    a, b = nodes
    officer_a, supervisor_a = account(a, "officer"), account(a, "supervisor")
    officer_b = account(b, "officer")

    def signed_in(node: Node, who: Account) -> Page:
        page: Page = chromium.new_context(locale="en-GB").new_page()
        page.set_default_timeout(30_000)
        sign_in(page, node, who)
        return page

    # On A: the officer writes the request to the partner agency and submits it.
    writer = signed_in(a, officer_a)
    writer.goto(a.url + "/requests/new?kind=information_request&direction=outgoing")
    writer.get_by_label("Title").fill(TITLE)
    writer.get_by_label("Requesting agency").select_option(label=agency_label("node-a"))
    writer.get_by_label("Requested agency").select_option(label=agency_label("node-b"))
    writer.get_by_label("Information sought *").fill("Current address?")
    writer.get_by_label("Purpose *").fill("Criminal investigation")
    writer.get_by_role("button", name="Save draft").click()
    writer.get_by_role("button", name="Submit to partner").click()
    expect(writer.get_by_label("Status")).to_have_text("Submitted")
    request_url = writer.url

    # Nothing leaves before a supervisor approves it on A's approval page.
    approver = signed_in(a, supervisor_a)
    approver.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    approver.get_by_role("button", name=f"Approve: information_request: {TITLE}").click()
    expect(approver.get_by_text("Nothing is waiting for approval.")).to_be_visible()

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
