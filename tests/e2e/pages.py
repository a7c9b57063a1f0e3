"""Every page of the app, on the demo data, for the browser tests that walk them all (layout,
accessibility): the parameter-free HTML routes, and one record of each kind reached from its list."""

from __future__ import annotations

import re
from typing import Any

from liaison import capabilities
from liaison.app import create_app
from liaison.cli import CLI_ACTOR
from liaison.core.db import unit_of_work
from tests.conftest import Account, make_account
from tests.e2e.conftest import LiveServer
from tests.routes import app_routes

NOT_PAGES = (
    "/pick/",  # fragments for htmx
    "/requests/new/legal-basis",
    "/signin",  # the sign-in page and the second factor's step (reached only while signing in)
    "/healthz",
    "/readyz",
    "/reports/statistics/export",  # a download
)
LISTS = (  # each list page and the path its records' links start with
    ("/requests", "/requests/"),
    ("/registry/agreements", "/registry/agreements/"),
    ("/engagements", "/engagements/"),
    ("/engagements/commitments", "/engagements/commitments/"),
    ("/registry/partners", "/registry/partners/"),
    ("/subjects", "/subjects/"),
    ("/exchange/peers", "/exchange/peers/"),
)


def demo_supervisor(server: LiveServer) -> Account:
    """Every capability's demo data, and a supervisor of the unit it belongs to, who sees it all."""
    capabilities.install(capabilities.enabled())
    with unit_of_work(server.engine) as session:
        for capability in capabilities.installed():
            if capability.demo is not None:
                capability.demo(session, CLI_ACTOR)
    return make_account(server.engine, "supervisor", unit="international-cooperation")


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


def every_page(page: Any, base: str) -> list[str]:
    """The pages and the records a signed-in `page` reaches; fails when the demo records are missing."""
    records = first_records(page, base)
    assert len(records) >= 6, records  # a request, an agreement, an engagement, a commitment, a partner ...
    return [*page_paths(), *records]
