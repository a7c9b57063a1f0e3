"""Every page at 1366 and at 390 pixels in a real Chromium, on the demo data: nothing wider than
the window, and no Content-Security-Policy violation (the browser reports each one as a
`securitypolicyviolation` event, which the page collects from its first script on)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import make_account
from tests.e2e.conftest import sign_in
from tests.e2e.pages import demo_supervisor, every_page

WIDTHS = (1366, 390)
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


@pytest.mark.xdist_group("layout")
def test_no_page_is_wider_than_the_window_or_breaks_the_content_security_policy(
    live_server, browser_page
) -> None:
    supervisor = demo_supervisor(live_server)
    page = browser_page
    page.add_init_script(COLLECT_VIOLATIONS)
    sign_in(page, live_server, supervisor)
    problems: list[str] = []
    paths = every_page(page, live_server.url)
    for path in paths:
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
    print(f"{len(paths)} pages at {WIDTHS} px")
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
