"""Planned engagements through the pages: the calendar's "plan a meeting" link, the prefilled form,
held and cancelled, preparation tasks, refused input on the page, and the feeds page."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Engine

from liaison.core.records import today
from liaison.engagements.models import Engagement
from tests.conftest import make_account
from tests.engagements.test_planning import count, next_week, russia


def _plan_form(ids: dict[str, int], **extra: str) -> dict[str, object]:
    return {
        "stage": "planned",
        "kind": "talks",
        "title": "Hội đàm với Bộ Nội vụ Nga",
        "held_on": next_week().isoformat(),
        "place": "Moskva",
        "country": "RU",
        "agency_ids": [str(ids["mia"])],
        "agenda": "Extradition requests\nCybercrime\n",
        "their_officials": [str(ids["kolokoltsev"])],
        "their_names": "Deputy head of department",
        "our_names": "Lương Tam Quang",
        **extra,
    }


def test_plan_from_the_calendar_then_hold_it_and_record_a_commitment(
    client: TestClient, engine: Engine
) -> None:
    ids, officer = russia(engine), make_account(engine, "officer")
    day = next_week()
    week = client.get("/engagements/calendar", params={"date": day.isoformat()}, headers=officer.headers)
    assert week.status_code == 200
    link = f"/engagements/new?stage=planned&amp;held_on={day.isoformat()}"
    assert link in week.text
    form = client.get(link.replace("&amp;", "&"), headers=officer.headers).text
    assert f'value="{day.isoformat()}"' in form and '<option value="planned" selected>' in form
    assert "Plan a meeting" in form

    posted = client.post(
        "/engagements",
        data=_plan_form(ids, our_users=officer.username),
        headers=officer.headers,
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text[:800]
    page_url = posted.headers["location"]
    page = client.get(page_url, headers=officer.headers).text
    assert "<li>Extradition requests</li><li>Cybercrime</li>" in page
    assert "Deputy head of department" in page and "Lương Tam Quang" in page
    assert "/reports/briefings/RU?meeting_on=" in page
    assert "Record a commitment" not in page  # not before it is held

    assert (
        "Hội đàm với Bộ Nội vụ Nga"
        in client.get("/engagements/calendar", params={"date": day.isoformat()}, headers=officer.headers).text
    )
    month = client.get(
        "/engagements/calendar", params={"view": "month", "date": day.isoformat()}, headers=officer.headers
    )
    assert month.status_code == 200 and "Hội đàm với Bộ Nội vụ Nga" in month.text

    task = client.post(
        f"{page_url}/tasks",
        data={"task_text": "Book the interpreters", "owner": officer.username, "due_on": today().isoformat()},
        headers=officer.headers,
        follow_redirects=False,
    )
    assert task.status_code == 303
    assert "Due: Book the interpreters" in client.get("/engagements/calendar", headers=officer.headers).text
    task_id = re.search(
        rf'action="{page_url}/tasks/(\d+)"', client.get(page_url, headers=officer.headers).text
    )
    assert task_id is not None
    done = client.post(
        f"{page_url}/tasks/{task_id.group(1)}",
        data={"is_done": "true"},
        headers=officer.headers,
        follow_redirects=False,
    )
    assert done.status_code == 303

    future = client.post(
        f"{page_url}/stage", data={"stage": "held", "held_on": day.isoformat()}, headers=officer.headers
    )
    assert future.status_code == 422 and "cannot have been held in the future" in future.text
    held = client.post(
        f"{page_url}/stage",
        data={"stage": "held", "held_on": today().isoformat()},
        headers=officer.headers,
        follow_redirects=False,
    )
    assert held.status_code == 303
    page = client.get(page_url, headers=officer.headers).text
    assert (
        "Record a commitment" in page and "<li>Extradition requests</li>" in page and "Mark done" not in page
    )
    commitment = client.post(
        f"{page_url}/commitments",
        data={"text": "Exchange lists of persons sought", "kind": "agreed"},
        headers=officer.headers,
        follow_redirects=False,
    )
    assert commitment.status_code == 303
    assert "Exchange lists of persons sought" in client.get(page_url, headers=officer.headers).text


def test_planning_a_past_day_on_the_page_is_refused_and_saves_nothing(
    client: TestClient, engine: Engine
) -> None:
    ids, officer = russia(engine), make_account(engine, "officer")
    yesterday = (today() - timedelta(days=1)).isoformat()
    refused = client.post("/engagements", data=_plan_form(ids, held_on=yesterday), headers=officer.headers)
    assert refused.status_code == 422 and "A planned engagement cannot be in the past." in refused.text
    vietnamese = client.post(
        "/engagements",
        data=_plan_form(ids, held_on=yesterday),
        headers=officer.headers | {"Accept-Language": "vi"},
    )
    assert vietnamese.status_code == 422
    unknown = client.post("/engagements", data=_plan_form(ids, stage="postponed"), headers=officer.headers)
    assert unknown.status_code == 422
    assert count(engine, Engagement) == 0
    past_link = client.get(
        "/engagements/calendar",
        params={"date": (today() - timedelta(days=14)).isoformat()},
        headers=officer.headers,
    )
    assert "Plan a meeting on" not in past_link.text  # no planning link on past days
    assert (
        client.get("/engagements/calendar", params={"view": "year"}, headers=officer.headers).status_code
        == 422
    )


def test_cancel_a_planned_meeting_on_its_page(client: TestClient, engine: Engine) -> None:
    ids, officer = russia(engine), make_account(engine, "officer")
    posted = client.post(
        "/engagements", data=_plan_form(ids), headers=officer.headers, follow_redirects=False
    )
    page_url = posted.headers["location"]
    cancelled = client.post(
        f"{page_url}/stage", data={"stage": "cancelled"}, headers=officer.headers, follow_redirects=False
    )
    assert cancelled.status_code == 303
    page = client.get(page_url, headers=officer.headers).text
    assert 'data-testid="engagement-stage">Cancelled' in page
    assert '<option value="planned">Planned</option>' in page  # the only way on
    illegal = client.post(f"{page_url}/stage", data={"stage": "held"}, headers=officer.headers)
    assert illegal.status_code == 409 and "(Planned)" in illegal.text


def test_feeds_page_shows_a_new_address_once_and_revokes_it(client: TestClient, engine: Engine) -> None:
    ids, officer = russia(engine), make_account(engine, "officer")
    client.post("/engagements", data=_plan_form(ids), headers=officer.headers)
    made = client.post(
        "/engagements/feeds", data={"scope": "country", "country": "RU"}, headers=officer.headers
    )
    assert made.status_code == 201
    url = re.search(r'value="http://testserver(/engagements/feeds/[^"]+\.ics)"', made.text)
    assert url is not None
    feed = client.get(url.group(1))
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert summaries == ["Hội đàm với Bộ Nội vụ Nga"]
    listing = client.get("/engagements/feeds", headers=officer.headers).text
    assert url.group(1) not in listing and "Revoke" in listing
    feed_id = re.search(r'action="/engagements/feeds/(\d+)/revoke"', listing)
    assert feed_id is not None
    revoked = client.post(
        f"/engagements/feeds/{feed_id.group(1)}/revoke", headers=officer.headers, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert client.get(url.group(1)).status_code == 404
    assert "Revoked" in client.get("/engagements/feeds", headers=officer.headers).text
    assert (
        client.post("/engagements/feeds", data={"scope": "agency"}, headers=officer.headers).status_code
        == 422
    )
