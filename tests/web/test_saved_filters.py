"""Saved filters: on a list page the user names the filters chosen, opens the list so filtered
again from the link it gets, replaces them under the same name and removes them; only the list's
own parameters are kept; bad names, empty filters and pages off the user's menu are refused with a
readable page and change nothing; another user neither sees nor removes them; every save and
removal is audited. Both backends."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent, SavedFilter
from tests.conftest import csrf_token, make_account, sign_in_pages


@pytest.fixture
def officer(client: TestClient, engine: Engine) -> TestClient:
    sign_in_pages(client, make_account(engine, "officer", "saver"))
    return client


def saved_links(html: str) -> dict[str, str]:
    section = html.split('class="saved-filters"', 1)[1].split("</section>", 1)[0]
    return {
        name: unescape(href) for href, name in re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a>', section)
    }


def save(client: TestClient, page: str, query: str, name: str) -> object:
    form = {"csrf_token": csrf_token(client, f"{page}?{query}"), "page": page, "query": query, "name": name}
    return client.post("/saved-filters", data=form, follow_redirects=False)


def stored(engine: Engine) -> list[tuple[str, str, str, str]]:
    with unit_of_work(engine) as session:
        rows = session.scalars(select(SavedFilter).order_by(SavedFilter.id))
        return [(r.username, r.page, r.name, r.query) for r in rows]


def test_an_officer_saves_opens_replaces_and_removes_the_filters_of_a_list(
    officer: TestClient, engine: Engine
) -> None:
    page = officer.get("/requests?direction=outgoing&status=&page=2")
    assert 'name="query" value="direction=outgoing"' in page.text  # no empty filter, no page number
    answer = save(officer, "/requests", "direction=outgoing&page=2", "  Outgoing  ")
    assert answer.status_code == 303 and answer.headers["location"] == "/requests?direction=outgoing"
    assert stored(engine) == [("saver", "/requests", "Outgoing", "direction=outgoing")]
    assert saved_links(officer.get("/requests").text) == {"Outgoing": "/requests?direction=outgoing"}
    assert 'aria-current="true">Outgoing' in officer.get("/requests?direction=outgoing").text
    assert "Outgoing" not in officer.get("/engagements").text  # another list has its own

    save(officer, "/requests", "direction=incoming", "Outgoing")  # the same name: replaced
    assert stored(engine) == [("saver", "/requests", "Outgoing", "direction=incoming")]

    saved_id = officer.get("/requests").text.split('action="/saved-filters/', 1)[1].split("/", 1)[0]
    form = {"csrf_token": csrf_token(officer, "/requests")}
    removed = officer.post(f"/saved-filters/{saved_id}/delete", data=form, follow_redirects=False)
    assert removed.status_code == 303 and removed.headers["location"] == "/requests"
    assert stored(engine) == []
    with unit_of_work(engine) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "saved_filter").order_by(AuditEvent.id)
        ).all()
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("page", "query", "name", "message"),
    [
        ("/requests", "direction=outgoing", "   ", "Give the filters a name of 1 to 80 characters."),
        ("/requests", "direction=outgoing", "x" * 81, "Give the filters a name of 1 to 80 characters."),
        ("/requests", "page=3&status=", "Nothing", "Choose some filters first"),
        ("/users", "q=x", "Admins", "Filters are saved for a list of your menu."),  # not an officer's
        ("https://elsewhere.example/requests", "q=x", "Away", "Filters are saved for a list of your menu."),
        ("/requests", "q=" + "x" * 2100, "Long", "These filters are too long to save."),
    ],
)
def test_bad_filters_are_refused_with_a_readable_page_and_nothing_saved(
    officer: TestClient, engine: Engine, page: str, query: str, name: str, message: str
) -> None:
    form = {"csrf_token": csrf_token(officer, "/requests"), "page": page, "query": query, "name": name}
    answer = officer.post("/saved-filters", data=form, follow_redirects=False)
    assert answer.status_code == 422 and "text/html" in answer.headers["content-type"]
    assert message in unescape(answer.text)
    assert stored(engine) == []


def test_another_user_neither_sees_nor_removes_them(client: TestClient, engine: Engine) -> None:
    sign_in_pages(client, make_account(engine, "officer", "owner"))
    save(client, "/requests", "direction=outgoing", "Mine")
    saved_id = stored_ids(engine)[0]
    client.cookies.clear()
    sign_in_pages(client, make_account(engine, "officer", "other"))
    assert "Mine" not in client.get("/requests").text
    form = {"csrf_token": csrf_token(client, "/requests")}
    assert client.post(f"/saved-filters/{saved_id}/delete", data=form).status_code == 404
    assert len(stored(engine)) == 1


def stored_ids(engine: Engine) -> list[int]:
    with unit_of_work(engine) as session:
        return list(session.scalars(select(SavedFilter.id)))


def test_without_a_session_nothing_is_saved(client: TestClient, engine: Engine) -> None:
    answer = client.post("/saved-filters", data={"page": "/requests", "query": "a=b", "name": "x"})
    assert answer.status_code in (401, 403) or "Sign in" in answer.text
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(SavedFilter)) == 0
