"""A supervisor enrols a second factor at the first sign-in and then signs in with a TOTP code,
in a real Chromium; the codes are computed with pyotp from the key the page shows, as an app does."""

from __future__ import annotations

from playwright.sync_api import expect

from liaison.core import accounts
from liaison.core.db import unit_of_work
from tests.conftest import Account
from tests.e2e.conftest import sign_in


def test_supervisor_enrols_at_first_sign_in_then_signs_in_with_a_code(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    supervisor = Account("thu.supervisor", "thu-supervisor-password", "supervisor")
    with unit_of_work(live_server.engine) as session:
        accounts.create_user(session, "test", supervisor.username, supervisor.password, "supervisor")
    page = browser_page
    sign_in(page, live_server, supervisor)  # no key yet: the password, then straight to enrolment
    expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your role needs a second factor")
    expect(page.locator("figure.qr svg")).to_be_visible()
    page.goto(live_server.url + "/registry/agencies")  # nothing else until enrolled
    expect(page).to_have_url(live_server.url + "/account/second-factor")

    supervisor.totp_secret = page.locator("#second-factor-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not right")
    page.get_by_label("Code from your app").fill(supervisor.code())
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, supervisor)  # now the password, then the code
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.goto(live_server.url + "/users")
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
