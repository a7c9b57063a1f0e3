"""An officer adds a person sought with a Cyrillic alias and a red-notice equivalent in a real
Chromium, and finds the person again by the Latin spelling of the alias."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def test_officer_adds_subject_with_cyrillic_alias_and_red_notice_and_finds_it_in_latin(
    live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Persons sought").click()
    page.get_by_role("link", name="Add a person sought").click()

    page.get_by_label("Full name, as written").fill("Serikbay Demouly Testov")
    page.get_by_label("Alias (any script)").fill("Серікбай Демоұлы Тестов")
    page.get_by_label("Birth dates").fill("1981-04-02")
    page.get_by_label("Nationalities").fill("KZ")
    page.get_by_label("Document number").fill("N00000002")
    page.get_by_label("Issuing country").fill("KZ")
    page.get_by_role("button", name="Add person sought").click()

    expect(page.get_by_role("heading", name="Serikbay Demouly Testov")).to_be_visible()
    names = page.get_by_role("region", name="Names")
    expect(names.get_by_role("cell", name="Серікбай Демоұлы Тестов", exact=True)).to_be_visible()
    expect(names.get_by_role("cell", name="Cyrillic", exact=True)).to_be_visible()

    page.get_by_label("Notice kind").select_option("arrest")
    page.get_by_label("Issuer").fill("INTERPOL")
    page.get_by_label("Reference").fill("2024/12345")
    page.get_by_role("button", name="Add notice").click()
    notices = page.get_by_role("region", name="Notices")
    expect(notices.get_by_role("cell", name="Arrest pending extradition")).to_be_visible()
    expect(notices.get_by_role("cell", name="red", exact=True)).to_be_visible()
    expect(notices.get_by_text("Active")).to_be_visible()

    # The alias alone, written another way in Latin (ICAO passport spelling), finds the person.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Persons sought").click()
    page.get_by_label("Name or document number").fill("Serikbai Demouly Testov")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Serikbay Demouly Testov")).to_be_visible()
    page.get_by_label("Active notice").select_option("arrest")
    page.get_by_label("Name or document number").fill("Testov Serikbay")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Serikbay Demouly Testov")).to_be_visible()


def test_subject_with_only_a_cyrillic_name_is_found_by_latin_spelling(live_server, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    page.goto(live_server.url + "/subjects/new")
    page.get_by_label("Full name, as written").fill("Иван Демонстрационный")
    page.get_by_role("button", name="Add person sought").click()
    expect(page.get_by_role("heading", name="Иван Демонстрационный")).to_be_visible()
    page.goto(live_server.url + "/subjects?q=Ivan+Demonstratsionnyy")
    expect(page.get_by_role("link", name="Иван Демонстрационный")).to_be_visible()
