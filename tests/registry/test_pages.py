"""Registry list pages: the one pager keeps the list's filters, URL-encoded, from page to page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.core.db import unit_of_work
from liaison.web.forms import PAGE_SIZE
from tests.conftest import make_account
from tests.registry.factories import agency


def test_the_pager_keeps_the_filters_and_encodes_them(client: TestClient, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        for number in range(PAGE_SIZE + 1):
            agency(session, f"Cục Cảnh sát & Biên phòng {number:02d}", "VN")
        agency(session, "Cục Cảnh sát Singapore", "SG")
    headers = make_account(engine, "analyst").headers
    first = client.get("/registry/agencies", params={"q": "cuc canh sat", "country": "VN"}, headers=headers)
    assert 'href="?country=VN&amp;q=cuc+canh+sat&amp;page=2"' in first.text
    second = client.get(
        "/registry/agencies", params={"q": "cuc canh sat", "country": "VN", "page": 2}, headers=headers
    )
    assert "Biên phòng 50" in second.text and "Biên phòng 00" not in second.text
    assert "Cục Cảnh sát Singapore" not in second.text


def test_the_requests_list_pages_with_the_same_pager(client: TestClient, engine: Engine) -> None:
    headers = make_account(engine, "analyst").headers
    page = client.get("/requests", params={"page": 1, "direction": "incoming"}, headers=headers)
    assert page.status_code == 200 and 'aria-label="Pages"' not in page.text  # one page: no links
    assert client.get("/requests", params={"offset": "x", "page": 0}, headers=headers).status_code == 422
