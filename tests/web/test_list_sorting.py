"""List pages sort by their column headers: each header links to its order (the other way when the
list is already sorted by it), keeps the list's filters, says its order to screen readers
(`aria-sort`), and the rows come in that order; a sort the list does not know is a readable 422
page. On the demo data, both backends."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import make_account, sign_in_pages
from tests.core.test_form_walk import load_demo


@pytest.fixture
def officer(client: TestClient, engine: Engine) -> TestClient:
    load_demo(engine)
    sign_in_pages(client, make_account(engine, "officer"))
    return client


def header_links(html: str) -> dict[str, tuple[str, str]]:
    """Each sortable header's label: its `aria-sort` and the link it offers."""
    found = re.findall(r'<th scope="col" aria-sort="(\w+)"><a href="([^"]*)">([^<]+)</a></th>', html)
    return {label: (order, unescape(href)) for order, href, label in found}


def request_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<td><a href="/requests/(\d+)">\d+</a></td>', html)]


def test_the_requests_list_sorts_by_its_headers_and_keeps_its_filters(officer: TestClient) -> None:
    page = officer.get("/requests?direction=outgoing")
    headers = header_links(page.text)
    assert headers["#"] == ("descending", "?direction=outgoing&sort=id")  # the list's own order
    assert headers["Status"] == ("none", "?direction=outgoing&sort=status")
    newest_first = request_ids(page.text)
    assert newest_first == sorted(newest_first, reverse=True) and len(newest_first) > 1

    oldest_first = officer.get("/requests" + headers["#"][1])
    assert request_ids(oldest_first.text) == sorted(newest_first)
    assert header_links(oldest_first.text)["#"] == ("ascending", "?direction=outgoing&sort=-id")

    by_status = officer.get("/requests?direction=outgoing&sort=status")
    assert by_status.status_code == 200
    assert header_links(by_status.text)["Status"] == ("ascending", "?direction=outgoing&sort=-status")


def test_each_list_page_offers_its_sortable_columns(officer: TestClient) -> None:
    for path, label, key in [
        ("/engagements", "Date", "held_on"),
        ("/engagements/commitments", "Due", "due"),
        ("/subjects", "Name", "name"),
        ("/assets", "Status", "status"),
    ]:
        headers = header_links(officer.get(path).text)
        assert headers[label][1].endswith(f"sort={key}") or headers[label][1].endswith(f"sort=-{key}"), path
        sorted_page = officer.get(path + headers[label][1])
        assert sorted_page.status_code == 200, path
        assert header_links(sorted_page.text)[label][0] != "none", path


def engagement_titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<td><a href="/engagements/\d+">([^<]+)</a></td>', html)]


def test_engagements_sorted_by_title_one_way_and_back(officer: TestClient) -> None:
    ascending = engagement_titles(officer.get("/engagements?sort=title").text)
    descending = engagement_titles(officer.get("/engagements?sort=-title").text)
    assert len(ascending) > 2 and ascending[0] != descending[0]
    # one page of the list: the first titles one way are the last ones the other way (the
    # database's collation orders them, so compare with each other, not with Python's order)
    assert ascending[0] == descending[-1] or len(ascending) == 50


def test_a_sort_the_list_does_not_know_is_a_readable_page(officer: TestClient) -> None:
    page = officer.get("/requests?sort=secret_column")
    assert page.status_code == 422
    assert "Cannot sort by" in unescape(page.text) and "Traceback" not in page.text
