"""Keyboard shortcuts for the common actions, in a real Chromium: the menu's "g" sequences, "n"
for a list's new record, "/" for its filter, "?" for the list of keys; none while typing."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, speak


def test_officer_moves_about_and_starts_a_request_from_the_keyboard(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    page.keyboard.press("g")
    page.keyboard.press("r")
    expect(page).to_have_url(re.compile(r"/requests$"))
    page.wait_for_load_state("load")
    page.keyboard.press("/")  # the list's first filter takes the keys typed next
    assert page.evaluate("document.activeElement.closest('form')?.method") == "get"
    page.keyboard.type("g h")
    page.wait_for_timeout(500)  # time for a navigation the keys must not start
    assert page.url.endswith("/requests")
    page.keyboard.press("Escape")
    page.locator("main h1").click()  # out of the field
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/requests/new$"))
    page.wait_for_load_state("load")
    page.keyboard.press("g")
    page.keyboard.press("h")
    expect(page).to_have_url(re.compile(r"/$"))


def test_question_mark_lists_the_keys_of_the_menu_the_user_sees(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    sign_in(page, live_server, live_server.account("analyst"))
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Go to: Requests")
    expect(dialog).not_to_contain_text("Approvals")  # an analyst's menu has no approval queue
    page.keyboard.press("g")  # keys do nothing while the dialog is open
    page.keyboard.press("r")
    expect(page).to_have_url(re.compile(r"/$"))
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    speak(page, "vi")
    page.wait_for_load_state("load")  # the page's script listens for keys once loaded
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Phím tắt")).to_contain_text("Đi đến")
