"""Planned engagements through the API: planned → held → minutes and commitments, cancelled, the
dates each stage allows, the week and month calendar, and the secret iCalendar feeds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Engine, func, select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.core.records import today
from liaison.engagements.models import CalendarFeed, Engagement, EngagementDelegate, PreparationTask
from tests.conftest import Account, make_account
from tests.registry import factories


def russia(engine: Engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        mia = factories.agency(
            session, "Ministry of Internal Affairs of the Russian Federation", country="RU"
        )
        kolokoltsev = factories.official(session, "Vladimir Kolokoltsev", agency_id=mia.id)
        return {"mia": mia.id, "kolokoltsev": kolokoltsev.id}


def next_week() -> date:
    return today() + timedelta(days=7)


def plan(client: TestClient, officer: Account, ids: dict[str, int], **extra: Any) -> dict[str, Any]:
    body = {
        "kind": "talks",
        "title": "Hội đàm với Bộ Nội vụ Nga",
        "held_on": next_week().isoformat(),
        "place": "Moskva",
        "country": "RU",
        "agency_ids": [ids["mia"]],
        "stage": "planned",
        "agenda": ["Extradition requests", "Cybercrime", "Programme 2025–2027"],
        "delegates": [
            {"side": "ours", "username": officer.username, "role": "secretary"},
            {"side": "ours", "name": "Lương Tam Quang", "role": "head of delegation"},
            {"side": "theirs", "official_id": ids["kolokoltsev"], "role": "host"},
            {"side": "theirs", "name": "Deputy head, international cooperation"},
        ],
        "tasks": [{"text": "Draft talking points", "owner": officer.username, "due_on": today().isoformat()}],
        **extra,
    }
    response = client.post("/api/v1/engagements", json=body, headers=officer.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def count(engine: Engine, model: Any) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_planned_meeting_is_held_then_gets_its_minutes_and_commitments(
    client: TestClient, engine: Engine
) -> None:
    ids, officer = russia(engine), make_account(engine, "officer", unit="A")
    planned = plan(client, officer, ids)
    assert planned["stage"] == "planned" and planned["allowed_stages"] == ["held", "cancelled"]
    assert planned["agenda"] == ["Extradition requests", "Cybercrime", "Programme 2025–2027"]
    assert [(d["side"], d["official_id"], d["username"], d["name"]) for d in planned["delegates"]] == [
        ("ours", None, officer.username, ""),
        ("ours", None, None, "Lương Tam Quang"),
        ("theirs", ids["kolokoltsev"], None, ""),
        ("theirs", None, None, "Deputy head, international cooperation"),
    ]
    assert planned["tasks"][0]["owner"] == officer.username and planned["tasks"][0]["is_done"] is False
    assert planned["briefing"] == f"/reports/briefings/RU?meeting_on={next_week().isoformat()}"
    assert planned["owning_unit"] == "A"
    url = f"/api/v1/engagements/{planned['id']}"

    early = client.post(
        "/api/v1/commitments",
        json={"engagement_id": planned["id"], "text": "Exchange lists", "kind": "agreed"},
        headers=officer.headers,
    )
    assert early.status_code == 409  # commitments come once it is held
    not_yet = client.post(f"{url}/stage", json={"stage": "held"}, headers=officer.headers)
    assert not_yet.status_code == 422 and not_yet.headers["content-type"] == "application/problem+json"
    assert client.get(url, headers=officer.headers).json()["stage"] == "planned"

    task = planned["tasks"][0]
    done = client.patch(f"{url}/tasks/{task['id']}", json={"is_done": True}, headers=officer.headers)
    assert done.status_code == 200 and done.json()["is_done"] is True

    held = client.post(
        f"{url}/stage", json={"stage": "held", "held_on": today().isoformat()}, headers=officer.headers
    )
    assert held.status_code == 200, held.text
    body = held.json()
    assert body["stage"] == "held" and body["held_on"] == today().isoformat() and body["allowed_stages"] == []
    assert body["agenda"] == planned["agenda"] and len(body["delegates"]) == 4 and body["tasks"][0]["is_done"]
    minutes = client.patch(
        url, json={"summary": "Both sides agreed to speed up extradition."}, headers=officer.headers
    )
    assert minutes.status_code == 200 and minutes.json()["summary"].startswith("Both sides")
    commitment = client.post(
        "/api/v1/commitments",
        json={"engagement_id": planned["id"], "text": "Exchange lists of persons sought", "kind": "agreed"},
        headers=officer.headers,
    )
    assert commitment.status_code == 201
    again = client.post(f"{url}/stage", json={"stage": "cancelled"}, headers=officer.headers)
    assert again.status_code == 409 and again.json()["allowed"] == []
    with unit_of_work(engine) as session:
        moves = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "engagement", AuditEvent.action == "status")
        ).all()
        assert [m.changes["stage"] for m in moves] == [["planned", "held"]]


def test_a_cancelled_meeting_can_be_planned_again_but_not_held(client: TestClient, engine: Engine) -> None:
    ids, officer = russia(engine), make_account(engine, "officer")
    planned = plan(client, officer, ids)
    url = f"/api/v1/engagements/{planned['id']}/stage"
    cancelled = client.post(url, json={"stage": "cancelled"}, headers=officer.headers)
    assert cancelled.status_code == 200 and cancelled.json()["allowed_stages"] == ["planned"]
    held = client.post(url, json={"stage": "held", "held_on": today().isoformat()}, headers=officer.headers)
    assert held.status_code == 409 and held.json()["allowed"] == ["planned"]
    past = client.post(url, json={"stage": "planned", "held_on": "2020-01-01"}, headers=officer.headers)
    assert past.status_code == 422
    later = (today() + timedelta(days=30)).isoformat()
    replanned = client.post(url, json={"stage": "planned", "held_on": later}, headers=officer.headers)
    assert replanned.status_code == 200 and replanned.json()["held_on"] == later
    listed = client.get("/api/v1/engagements", params={"stage": "planned"}, headers=officer.headers).json()
    assert [e["id"] for e in listed["items"]] == [planned["id"]]


def test_bad_planning_input_is_refused_and_writes_nothing(client: TestClient, engine: Engine) -> None:
    ids, officer = russia(engine), make_account(engine, "officer")
    base = {"kind": "talks", "title": "Hội đàm", "country": "RU"}
    tomorrow, yesterday = today() + timedelta(days=1), today() - timedelta(days=1)
    cases = [
        {**base, "held_on": yesterday.isoformat(), "stage": "planned"},  # planning a past date
        {**base, "held_on": tomorrow.isoformat()},  # held (the default) in the future
        {**base, "held_on": tomorrow.isoformat(), "stage": "held"},
        {**base, "held_on": tomorrow.isoformat(), "stage": "postponed"},  # unknown stage
        {
            **base,
            "held_on": tomorrow.isoformat(),
            "stage": "planned",
            "delegates": [{"side": "middle", "name": "X"}],
        },
        {**base, "held_on": tomorrow.isoformat(), "stage": "planned", "delegates": [{"side": "ours"}]},
        {
            **base,
            "held_on": tomorrow.isoformat(),
            "stage": "planned",
            "delegates": [{"side": "ours", "username": "nobody"}],
        },
        {
            **base,
            "held_on": tomorrow.isoformat(),
            "stage": "planned",
            "delegates": [{"side": "theirs", "official_id": 999999}],
        },
        {
            **base,
            "held_on": tomorrow.isoformat(),
            "stage": "planned",
            "tasks": [{"text": "Book", "owner": "nobody"}],
        },
    ]
    for body in cases:
        response = client.post("/api/v1/engagements", json=body, headers=officer.headers)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert count(engine, Engagement) == 0
    assert count(engine, EngagementDelegate) == 0 and count(engine, PreparationTask) == 0
    planned = plan(client, officer, ids)
    unknown = client.post(
        f"/api/v1/engagements/{planned['id']}/stage", json={"stage": "postponed"}, headers=officer.headers
    )
    assert unknown.status_code == 422 and unknown.headers["content-type"] == "application/problem+json"
    to_past = client.patch(
        f"/api/v1/engagements/{planned['id']}", json={"held_on": "2020-05-05"}, headers=officer.headers
    )
    assert to_past.status_code == 422
    kept = client.get(f"/api/v1/engagements/{planned['id']}", headers=officer.headers).json()
    assert kept["stage"] == "planned" and kept["held_on"] == next_week().isoformat()
    bad_task = client.post(
        f"/api/v1/engagements/{planned['id']}/tasks",
        json={"text": "Visa", "owner": "nobody"},
        headers=officer.headers,
    )
    assert bad_task.status_code == 422 and count(engine, PreparationTask) == 1


def test_the_week_and_month_calendar_list_each_days_engagements_and_tasks(
    client: TestClient, engine: Engine
) -> None:
    ids, officer = russia(engine), make_account(engine, "officer")
    meeting = plan(client, officer, ids)
    day = next_week()
    course = client.post(
        "/api/v1/engagements",
        json={
            "kind": "training_course",
            "title": "Cybercrime course",
            "held_on": "2025-02-24",
            "end_on": "2025-02-26",
        },
        headers=officer.headers,
    ).json()
    week = client.get(
        "/api/v1/engagements/calendar",
        params={"view": "week", "date": day.isoformat()},
        headers=officer.headers,
    )
    assert week.status_code == 200
    body = week.json()
    monday = day - timedelta(days=day.weekday())
    assert body["start"] == monday.isoformat() and len(body["days"]) == 7
    assert body["time_zone"] == "Asia/Ho_Chi_Minh" and body["today"] == today().isoformat()
    on = {d["day"]: [e["id"] for e in d["engagements"]] for d in body["days"]}
    assert on[day.isoformat()] == [meeting["id"]]
    assert sum(len(ids_) for ids_ in on.values()) == 1

    month = client.get(
        "/api/v1/engagements/calendar",
        params={"view": "month", "date": "2025-02-10"},
        headers=officer.headers,
    ).json()
    assert month["start"] == "2025-01-27" and month["end"] == "2025-03-02" and len(month["days"]) == 35
    by_day = {d["day"]: [e["id"] for e in d["engagements"]] for d in month["days"]}
    assert [k for k, v in by_day.items() if v] == ["2025-02-24", "2025-02-25", "2025-02-26"]
    assert by_day["2025-02-25"] == [course["id"]]

    this_week = client.get("/api/v1/engagements/calendar", headers=officer.headers).json()
    tasks = [t["text"] for d in this_week["days"] if d["day"] == today().isoformat() for t in d["tasks"]]
    assert tasks == ["Draft talking points"]
    assert (
        client.get(
            "/api/v1/engagements/calendar", params={"view": "year"}, headers=officer.headers
        ).status_code
        == 422
    )


def test_a_hidden_engagement_stays_out_of_lists_calendar_and_pages(
    client: TestClient, engine: Engine
) -> None:
    ids = russia(engine)
    ours, theirs = make_account(engine, "officer", unit="A"), make_account(engine, "officer", unit="B")
    secret = plan(client, theirs, ids, title="Closed talks", handling_code="H3")
    assert client.get(f"/api/v1/engagements/{secret['id']}", headers=ours.headers).status_code == 404
    assert client.get(f"/engagements/{secret['id']}", headers=ours.headers).status_code == 404
    assert client.get("/api/v1/engagements", headers=ours.headers).json()["total"] == 0
    week = client.get(
        "/api/v1/engagements/calendar", params={"date": next_week().isoformat()}, headers=ours.headers
    )
    assert all(d["engagements"] == [] and d["tasks"] == [] for d in week.json()["days"])
    assert client.get("/api/v1/engagements", headers=theirs.headers).json()["total"] == 1


def _feed(client: TestClient, account: Account, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/engagements/feeds", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _events(client: TestClient, url: str) -> list[str]:
    response = client.get(url.replace("http://testserver", ""))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return [str(event["SUMMARY"]) for event in Calendar.from_ical(response.content).walk("VEVENT")]


def test_ics_feeds_carry_the_meeting_and_never_another_units_h3_engagement(
    client: TestClient, engine: Engine
) -> None:
    ids = russia(engine)
    ours, theirs = make_account(engine, "officer", unit="A"), make_account(engine, "officer", unit="B")
    colleague = make_account(engine, "analyst", unit="A")
    meeting = plan(client, ours, ids)
    plan(client, theirs, ids, title="Closed talks", handling_code="H3", delegates=[], tasks=[])
    elsewhere = plan(client, theirs, ids, title="Open talks of unit B", delegates=[], tasks=[])

    mine = _feed(client, ours, scope="mine")
    assert "/engagements/feeds/" in mine["url"] and mine["url"].endswith(".ics")
    assert _events(client, mine["url"]) == ["Hội đàm với Bộ Nội vụ Nga"]
    country = _feed(client, ours, scope="country", country="RU")
    assert _events(client, country["url"]) == ["Hội đàm với Bộ Nội vụ Nga", "Open talks of unit B"]
    agency = _feed(client, ours, scope="agency", agency_id=ids["mia"])
    assert "Closed talks" not in _events(client, agency["url"])
    assert _events(client, _feed(client, colleague, scope="mine")["url"]) == ["Hội đàm với Bộ Nội vụ Nga"]
    assert "Closed talks" in _events(client, _feed(client, theirs, scope="country", country="RU")["url"])

    ics = Calendar.from_ical(client.get(mine["url"].replace("http://testserver", "")).content)
    (event,) = ics.walk("VEVENT")
    assert event["DTSTART"].dt == next_week() and event["STATUS"] == "TENTATIVE"
    assert "1. Extradition requests" in str(event["DESCRIPTION"]) and "Vladimir Kolokoltsev" in str(
        event["DESCRIPTION"]
    )
    assert str(event["UID"]).startswith(f"engagement-{meeting['id']}@")
    assert elsewhere["id"] != meeting["id"]

    with unit_of_work(engine) as session:  # only the secret's digest is kept
        secret = mine["url"].rsplit("/", 1)[1].removesuffix(".ics")
        assert session.scalar(select(func.count()).where(CalendarFeed.token_hash == secret)) == 0
    listed = client.get("/api/v1/engagements/feeds", headers=ours.headers).json()
    assert [f["id"] for f in listed] == [mine["id"], country["id"], agency["id"]] and "url" not in listed[0]
    assert client.delete(f"/api/v1/engagements/feeds/{mine['id']}", headers=theirs.headers).status_code == 404
    assert client.delete(f"/api/v1/engagements/feeds/{mine['id']}", headers=ours.headers).json()["revoked_at"]
    assert client.get(mine["url"].replace("http://testserver", "")).status_code == 404
    assert client.get("/engagements/feeds/guessed-secret.ics").status_code == 404
    assert _events(client, country["url"])  # the other feeds still work
    bad = client.post("/api/v1/engagements/feeds", json={"scope": "country"}, headers=ours.headers)
    assert bad.status_code == 422
    assert (
        client.post("/api/v1/engagements/feeds", json={"scope": "planet"}, headers=ours.headers).status_code
        == 422
    )


def test_engagements_recorded_before_planning_migrate_as_held_and_readable_by_all(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from sqlalchemy import text

    from liaison.core.db import make_engine
    from liaison.core.migrate import alembic_config, upgrade

    old = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(old.url.render_as_string(hide_password=False))
    with old.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "engagements_0004")
    with old.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO engagement (kind, title, held_on, date_note, place, crime_areas, summary,"
                " status, created_at, updated_at) VALUES ('talks', 'Talks of 2024', '2024-10-09', '', '',"
                " '[]', '', 'confirmed', '2024-10-09 00:00:00', '2024-10-09 00:00:00')"
            )
        )
    upgrade(old)
    with old.connect() as connection:
        row = connection.execute(
            text("SELECT stage, agenda, owning_unit, handling_code FROM engagement")
        ).one()
    assert tuple(row) == ("held", "[]", "", "H0")
