"""Every page, in English and in Vietnamese, checked by axe-core (vendored under
`tests/e2e/vendor/axe-core`) in a real Chromium: no violation of serious or critical impact.

Besides the pages `tests/e2e/pages.py` lists (signed in), the states a person meets signed out,
the sign-in page, its notice after idling and its refusal, and the error page of a missing one.
The context bypasses the app's Content-Security-Policy only so that axe's own script can be added
to each page; `test_layout` checks that the pages themselves keep to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from liaison.core import i18n
from liaison.web.pages import LANGUAGE_COOKIE
from tests.e2e.conftest import LiveServer, sign_in
from tests.e2e.pages import demo_supervisor, every_page

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
LANGUAGES = ("en", "vi")
BLOCKING = ("serious", "critical")
SIGNED_OUT = ("/signin", "/signin?expired=idle")
MISSING = "/no-such-page"
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


@pytest.fixture
def axe_page(chromium) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A fresh context that lets a test add axe's script to the app's pages."""
    context = chromium.new_context(locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def speak(page: Any, server: LiveServer, language: str) -> None:
    """The pages from now on in `language`, as the language choice would remember it."""
    page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": server.url}])


def serious_violations(page: Any) -> list[str]:
    """Each serious or critical violation axe finds on the page: rule, help and the elements."""
    page.add_script_tag(content=AXE)
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']}: {v['targets']}"
        for v in page.evaluate(RUN_AXE)
        if v["impact"] in BLOCKING
    ]


@pytest.mark.xdist_group("layout")
def test_no_page_has_a_serious_or_critical_accessibility_violation(live_server, axe_page) -> None:
    page = axe_page
    supervisor = demo_supervisor(live_server)
    problems: list[str] = []
    for language in LANGUAGES:
        speak(page, live_server, language)
        for path in SIGNED_OUT:
            page.goto(live_server.url + path)
            problems.extend(serious_violations(page))
        said = i18n.translations(language).gettext
        page.get_by_label(said("User name")).fill(supervisor.username)
        page.get_by_label(said("Password")).fill("not-the-password")
        page.get_by_role("button", name=said("Sign in")).click()
        expect(page.get_by_role("alert")).to_be_visible()  # the refusal
        problems.extend(serious_violations(page))
    speak(page, live_server, "en")
    sign_in(page, live_server, supervisor)
    paths = [*every_page(page, live_server.url), MISSING]
    for language in LANGUAGES:
        speak(page, live_server, language)
        for path in paths:
            page.goto(live_server.url + path)
            problems.extend(serious_violations(page))
        expect(page.get_by_role("alert")).to_be_visible()  # the missing page's error
    print(f"{len(paths) + len(SIGNED_OUT) + 1} pages in {LANGUAGES} checked by axe")
    assert not problems, "\n".join(problems)
