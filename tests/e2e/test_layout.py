"""Every page at 1366 and at 390 pixels in a real Chromium, on the demo data: nothing wider than
the window, and no Content-Security-Policy violation (the browser reports each one as a
`securitypolicyviolation` event, which the page collects from its first script on)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from liaison import capabilities
from liaison.app import create_app
from liaison.cli import CLI_ACTOR
from liaison.core.db import unit_of_work
from tests.conftest import make_account
from tests.e2e.conftest import sign_in
from tests.routes import app_routes

WIDTHS = (1366, 390)
# fragments for htmx (not pages), the second factor's step (reached only while signing in)
NOT_PAGES = ("/pick/", "/signin", "/healthz", "/readyz", "/reports/statistics/export")
LISTS = (  # each list page and the path its records' links start with
    ("/requests", "/requests/"),
    ("/registry/agreements", "/registry/agreements/"),
    ("/engagements", "/engagements/"),
    ("/engagements/commitments", "/engagements/commitments/"),
    ("/registry/partners", "/registry/partners/"),
    ("/subjects", "/subjects/"),
    ("/exchange/peers", "/exchange/peers/"),
)
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('table'))
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def page_paths() -> list[str]:
    """The app's own pages: every GET route without a parameter that answers HTML."""
    return sorted(
        {
            r.path
            for r in app_routes(create_app())
            if r.method == "GET"
            and "{" not in r.path
            and not r.path.startswith(("/api", "/exchange/node"))
            and not r.path.startswith(NOT_PAGES)
        }
    )


def first_records(page: Any, base: str) -> list[str]:
    """One record of each kind, reached as a user would: the first link of its list."""
    found = []
    for listing, prefix in LISTS:
        page.goto(base + listing)
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
        record = next((h for h in hrefs if re.fullmatch(re.escape(prefix) + r"[\w-]+", h or "")), None)
        if record:
            found.append(record)
    return found


@pytest.mark.xdist_group("layout")
def test_no_page_is_wider_than_the_window_or_breaks_the_content_security_policy(
    live_server, browser_page
) -> None:
    capabilities.install(capabilities.enabled())
    with unit_of_work(live_server.engine) as session:
        for capability in capabilities.installed():
            if capability.demo is not None:
                capability.demo(session, CLI_ACTOR)
    supervisor = make_account(live_server.engine, "supervisor", unit="international-cooperation")
    page = browser_page
    page.add_init_script(COLLECT_VIOLATIONS)
    sign_in(page, live_server, supervisor)
    problems: list[str] = []
    records = first_records(page, live_server.url)
    assert len(records) >= 6, records  # a request, an agreement, an engagement, a commitment, a partner ...
    for path in [*page_paths(), *records]:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(live_server.url + path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            measured = page.evaluate(OVERFLOW)
            if measured["scroll"] > measured["width"]:
                problems.append(f"{path} at {width}px: {measured['scroll']}px wide, {measured['wide']}")
        violations = page.evaluate("window.__violations")
        if violations:
            problems.append(f"{path}: CSP {sorted(set(violations))}")
    print(f"{len(page_paths()) + len(records)} pages at {WIDTHS} px")
    assert not problems, "\n".join(problems)


def test_the_first_tab_offers_to_skip_to_the_content_and_a_phone_reaches_the_menu(
    live_server, browser_page
) -> None:
    officer = make_account(live_server.engine, "officer", unit="international-cooperation")
    page = browser_page
    sign_in(page, live_server, officer)
    page.goto(live_server.url + "/requests")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_role("link", name="Menu", exact=True).click()
    expect(page.get_by_role("navigation", name="Main")).to_be_in_viewport()
