"""Sign-in, language switch and a forbidden page, in a real Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_officer_signs_in_and_sees_home(live_server, browser_page) -> None:
    officer = live_server.account("officer", "an.officer")
    sign_in(browser_page, live_server, officer)
    expect(browser_page.get_by_role("heading", name="Welcome, An.Officer")).to_be_visible()
    expect(browser_page.get_by_role("navigation", name="Main")).to_be_visible()


def test_wrong_password_is_refused_with_a_message(live_server, browser_page) -> None:
    officer = live_server.account("officer")
    officer.password = "not-the-password"
    sign_in(browser_page, live_server, officer)
    expect(browser_page.get_by_role("alert")).to_contain_text("Wrong user name or password")


def test_language_switch_to_vietnamese_and_back(live_server, browser_page) -> None:
    sign_in(browser_page, live_server, live_server.account("analyst"))
    browser_page.get_by_label("Language").select_option("vi")
    browser_page.get_by_role("button", name="Change language").click()
    expect(browser_page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    expect(browser_page.locator("html")).to_have_attribute("lang", "vi")
    browser_page.get_by_label("Ngôn ngữ").select_option("en")
    browser_page.get_by_role("button", name="Đổi ngôn ngữ").click()
    expect(browser_page.get_by_role("button", name="Sign out")).to_be_visible()


def test_sign_in_page_in_vietnamese(live_server, browser_page) -> None:
    browser_page.goto(live_server.url + "/signin")
    browser_page.get_by_label("Language").select_option("vi")
    browser_page.get_by_role("button", name="Change language").click()
    sign_in_vi = browser_page.get_by_role("heading", name="Đăng nhập")
    expect(sign_in_vi).to_be_visible()
    account = live_server.account("officer")
    browser_page.get_by_label("Tên đăng nhập").fill(account.username)
    browser_page.get_by_label("Mật khẩu").fill(account.password)
    browser_page.get_by_role("button", name="Đăng nhập").click()
    expect(browser_page.get_by_role("heading", name=f"Chào mừng, {account.username.title()}")).to_be_visible()


def test_page_the_role_may_not_open_says_forbidden(live_server, browser_page) -> None:
    sign_in(browser_page, live_server, live_server.account("analyst"))
    response = browser_page.goto(live_server.url + "/audit")
    assert response is not None and response.status == 403
    expect(browser_page.get_by_role("alert")).to_contain_text("may not")
    expect(browser_page.get_by_role("link", name="Audit trail")).to_have_count(0)


def test_signed_out_visitor_is_sent_to_sign_in(live_server, browser_page) -> None:
    browser_page.goto(live_server.url + "/users")
    expect(browser_page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert "next=/users" in browser_page.url
