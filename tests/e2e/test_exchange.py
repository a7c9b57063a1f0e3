"""Messages in a real Chromium: an officer writes an H2 message to a partner node, it waits; a
supervisor finds it in the approval queue and approves it; the officer sees it queued."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.conftest import make_account
from tests.e2e.conftest import LiveServer, sign_in
from tests.exchange.test_messages import UNIT, ensure_node_keys, make_peer


def test_officer_writes_an_h2_message_and_a_supervisor_approves_it(live_server: LiveServer, chromium) -> None:  # type: ignore[no-untyped-def]
    ensure_node_keys()
    with Session(live_server.engine) as session:
        make_peer(session)
        session.commit()
    officer = make_account(live_server.engine, "officer", "lan.officer", unit=UNIT)
    supervisor = make_account(live_server.engine, "supervisor", "minh.supervisor", unit=UNIT)

    writer = chromium.new_context(locale="en-GB").new_page()
    sign_in(writer, live_server, officer)
    writer.get_by_role("navigation", name="Main").get_by_role("link", name="Write a message").click()
    writer.get_by_label("To (partner node)").select_option(label="ru-mia")
    writer.get_by_label("Subject").fill("Whereabouts of Nguyen Van A")
    writer.get_by_label("Message").fill("Seen in Moscow on 3 March.")
    writer.get_by_label("Handling code").select_option("H2")
    writer.get_by_label("Source").select_option("B")
    writer.get_by_label("Information").select_option("2")
    writer.get_by_role("button", name="Send").click()
    expect(writer.get_by_test_id("delivery")).to_have_text("awaiting approval")
    message_url = writer.url

    approver = chromium.new_context(locale="en-GB").new_page()
    sign_in(approver, live_server, supervisor)
    approver.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    approver.get_by_role("button", name="Approve: Whereabouts of Nguyen Van A").click()
    expect(approver.get_by_text("Nothing is waiting for approval.")).to_be_visible()

    writer.goto(message_url)
    expect(writer.get_by_test_id("delivery")).to_have_text("queued")
    expect(writer.get_by_test_id("evidence-submitted")).to_be_visible()
    expect(writer.get_by_text("Approved by minh.supervisor")).to_be_visible()
    writer.context.close()
    approver.context.close()
