"""The side menu highlights exactly one entry: the one whose path is the page's or its longest
leading part, so a page under Requests › Statistics does not also light up Requests. Both backends."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.core.capability import NavItem
from liaison.web.rendering import NavGroup, active_entry
from tests.conftest import make_account

GROUPS = (
    NavGroup("", (NavItem("Home", "/", "home.view"),)),
    NavGroup(
        "Requests",
        (NavItem("Requests", "/requests", "r"), NavItem("Statistics", "/requests/statistics", "r")),
    ),
)


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/", "/"),
        ("/requests", "/requests"),
        ("/requests/12", "/requests"),
        ("/requests/statistics", "/requests/statistics"),
        ("/requests/statistics/by-kind", "/requests/statistics"),
        ("/requestsx", None),  # a longer word is not under /requests
        ("/users", None),
    ],
)
def test_the_longest_leading_entry_is_the_active_one(path: str, active: str | None) -> None:
    assert active_entry(path, GROUPS) == active


def _current(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"[^>]* aria-current="page">', html)


@pytest.mark.parametrize(
    ("path", "entry"),
    [
        ("/", "/"),
        ("/requests", "/requests"),
        ("/requests/statistics", "/requests/statistics"),
        ("/requests/overdue", "/requests/overdue"),
        ("/engagements", "/engagements"),
        ("/engagements/commitments", "/engagements/commitments"),
        ("/engagements/citizen-protection", "/engagements/citizen-protection"),
    ],
)
def test_each_page_highlights_one_menu_entry(
    client: TestClient, engine: Engine, path: str, entry: str
) -> None:
    officer = make_account(engine, "officer")
    response = client.get(path, headers=officer.headers)
    assert response.status_code == 200, response.text
    assert _current(response.text) == [entry]
