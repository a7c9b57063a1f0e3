"""A signed-in user changes their own password in a real Chromium, then signs in with the new one."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

NEW_PASSWORD = "a brand new passphrase"


def test_officer_changes_their_own_password(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    officer = live_server.account("officer")
    sign_in(browser_page, live_server, officer)
    browser_page.get_by_role("link", name="Change password").click()
    expect(browser_page.get_by_role("heading", name="Change your password")).to_be_visible()

    browser_page.get_by_label("Current password").fill("not my password")
    browser_page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    browser_page.get_by_label("New password again").fill(NEW_PASSWORD)
    browser_page.get_by_role("button", name="Change password").click()
    expect(browser_page.get_by_role("alert")).to_contain_text("The current password is not right")

    browser_page.get_by_label("Current password").fill(officer.password)
    browser_page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    browser_page.get_by_label("New password again").fill(NEW_PASSWORD)
    browser_page.get_by_role("button", name="Change password").click()
    expect(browser_page.get_by_role("status")).to_contain_text("Your password has been changed")

    browser_page.get_by_role("button", name="Sign out").click()
    sign_in(browser_page, live_server, officer)
    expect(browser_page.get_by_role("alert")).to_contain_text("Wrong user name or password")
    officer.password = NEW_PASSWORD
    sign_in(browser_page, live_server, officer)
    expect(browser_page.get_by_role("navigation", name="Main")).to_be_visible()
