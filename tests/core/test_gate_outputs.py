"""The record-access gate on every output outside screening: an H3 record of the fugitives unit
is invisible (or, in the audit trail, redacted) for an analyst, an officer, an auditor, a supervisor
and an administrator of the border unit, and visible to its own unit. One test, parametrised over
every protected model × every output that shows it; both backends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.core.db import unit_of_work
from liaison.core.records import today
from tests.conftest import Account, make_account
from tests.requests.factories import agency, request_data

OWNER, OTHER = "fugitives", "border"
MARKERS = ("Quackenbush", "Q9876543")  # a name and a passport number that must not leak
OUTSIDERS = ("analyst", "officer", "auditor", "supervisor", "admin")

SUBJECT = {
    "names": [{"full_name": "Zebulon Quackenbush"}],
    "birth_dates": ["1971-03-04"],
    "documents": [{"kind": "passport", "number": "Q9876543", "country": "VN"}],
    "description": "Quackenbush: scar on the left hand",
    "handling_code": "H3",
}


def create_subject(client: TestClient, engine: Engine, owner: Account) -> str:
    response = client.post("/api/v1/subjects", json=SUBJECT, headers=owner.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def create_request(client: TestClient, engine: Engine, owner: Account) -> str:
    with unit_of_work(engine) as session:
        ours, theirs = agency(session, "Ministry of Public Security", "VN"), agency(session, "ACA", "KZ")
        data = request_data(ours, theirs, title="Extradition of Quackenbush", handling_code="H3",
                            facts="Zebulon Quackenbush fled with passport Q9876543.",
                            persons=[{"name": "Zebulon Quackenbush"}])  # fmt: skip
    response = client.post("/api/v1/requests", json=data.model_dump(mode="json"), headers=owner.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def create_case(client: TestClient, engine: Engine, owner: Account) -> str:
    case = {"country": "KZ", "title": "Protection of the Quackenbush family", "handling_code": "H3",
            "summary": "Passport Q9876543 held by the employer."}  # fmt: skip
    response = client.post("/api/v1/citizen-protection", json=case, headers=owner.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def create_message(client: TestClient, engine: Engine, owner: Account) -> str:
    """An H3 message to a partner node, waiting for approval (exchange, x2)."""
    from tests.exchange.test_messages import ensure_node_keys, make_peer

    ensure_node_keys()
    with unit_of_work(engine) as session:
        peer_id = make_peer(session).id
    message = {"peer_id": peer_id, "subject": "Whereabouts of Quackenbush", "body": "Passport Q9876543",
               "handling_code": "H3"}  # fmt: skip
    response = client.post("/api/v1/exchange/messages", json=message, headers=owner.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def create_audited(client: TestClient, engine: Engine, owner: Account) -> str:
    """Audit events about all three: their recorded changes carry the name and the number."""
    create_subject(client, engine, owner)
    create_request(client, engine, owner)
    return create_case(client, engine, owner)


@dataclass(frozen=True)
class Output:
    model: str
    name: str
    path: str  # "{id}" is the record's id
    reader_role: str  # the role of the owning unit's user who reads it
    is_get: bool = False


def create_engagement(client: TestClient, engine: Engine, owner: Account) -> str:
    """An H3 meeting with Kazakhstan planned for next week, with a preparation task."""
    meeting = {"kind": "talks", "title": "Talks on the Quackenbush case", "held_on": NEXT_WEEK,
               "country": "KZ", "stage": "planned", "handling_code": "H3", "agenda": ["Passport Q9876543"],
               "tasks": [{"text": "Quackenbush file", "owner": owner.username,
                          "due_on": NEXT_WEEK}]}  # fmt: skip
    response = client.post("/api/v1/engagements", json=meeting, headers=owner.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


NEXT_WEEK = (today() + timedelta(days=7)).isoformat()
CREATE: dict[str, Callable[[TestClient, Engine, Account], str]] = {
    "engagement": create_engagement,
    "subject": create_subject,
    "request": create_request,
    "citizen-protection case": create_case,
    "audit event": create_audited,
    "message": create_message,
}
OUTPUTS = [
    Output("subject", "API list", "/api/v1/subjects?q=Zebulon", "officer"),
    Output("subject", "API search by document", "/api/v1/subjects?document=q-9876543", "officer"),
    Output("subject", "API get", "/api/v1/subjects/{id}", "officer", is_get=True),
    Output("subject", "page list", "/subjects?q=Zebulon", "officer"),
    Output("subject", "page", "/subjects/{id}", "officer", is_get=True),
    Output("subject", "CSV export", "/api/v1/subjects/export?format=csv", "supervisor"),
    Output("subject", "FtM export", "/api/v1/subjects/export?format=ftm", "supervisor"),
    Output("subject", "STIX export", "/api/v1/exchange/stix/export", "supervisor"),
    Output("request", "API list", "/api/v1/requests", "officer"),
    Output("request", "API get", "/api/v1/requests/{id}", "officer", is_get=True),
    Output("request", "page list", "/requests", "officer"),
    Output("request", "page", "/requests/{id}", "officer", is_get=True),
    Output("request", "statistics", "/api/v1/requests/statistics", "officer"),
    Output("request", "statistics page", "/requests/statistics", "officer"),
    Output("citizen-protection case", "API list", "/api/v1/citizen-protection", "officer"),
    Output("citizen-protection case", "API get", "/api/v1/citizen-protection/{id}", "officer", is_get=True),
    Output("citizen-protection case", "page list", "/engagements/citizen-protection", "officer"),
    Output("citizen-protection case", "partner view", "/api/v1/partners/KZ", "officer"),
    Output("citizen-protection case", "partner page", "/registry/partners/KZ", "officer"),
    Output("engagement", "API list", "/api/v1/engagements", "officer"),
    Output("engagement", "API get", "/api/v1/engagements/{id}", "officer", is_get=True),
    Output("engagement", "page list", "/engagements", "officer"),
    Output("engagement", "page", "/engagements/{id}", "officer", is_get=True),
    Output("engagement", "API calendar", f"/api/v1/engagements/calendar?date={NEXT_WEEK}", "officer"),
    Output("engagement", "calendar page", f"/engagements/calendar?view=month&date={NEXT_WEEK}", "officer"),
    Output("engagement", "partner view", "/api/v1/partners/KZ", "officer"),
    Output("engagement", "partner page", "/registry/partners/KZ", "officer"),
    Output("audit event", "API", "/api/v1/audit", "auditor"),
    Output("audit event", "page", "/audit", "auditor"),
    # exchange (x2): messages and their approval
    Output("message", "API outbox", "/api/v1/exchange/messages?box=outbox", "officer"),
    Output("message", "API get", "/api/v1/exchange/messages/{id}", "officer", is_get=True),
    Output("message", "outbox page", "/exchange/outbox", "officer"),
    Output("message", "page", "/exchange/messages/{id}", "officer", is_get=True),
    Output("message", "approval queue", "/exchange/approvals", "supervisor"),
    Output("message", "API dispatches", "/api/v1/exchange/dispatches", "officer"),
    # the home page: what needs me (an approval waiting)
    Output("message", "home page", "/", "supervisor"),
]


def shows(text: str, output: Output) -> bool:
    if output.name.startswith("statistics"):
        return "extradition" in text.lower()  # the only request: counted by kind, or not at all
    return any(marker in text for marker in MARKERS)


@pytest.mark.parametrize("output", OUTPUTS, ids=lambda o: f"{o.model}-{o.name}")
def test_restricted_record_shows_only_to_its_unit(client: TestClient, engine: Engine, output: Output) -> None:
    author = make_account(engine, "officer" if output.model != "subject" else "supervisor", unit=OWNER)
    record_id = CREATE[output.model](client, engine, author)
    path = output.path.format(id=record_id)

    insider = make_account(engine, output.reader_role, unit=OWNER)
    seen = client.get(path, headers=insider.headers)
    assert seen.status_code == 200, seen.text
    assert shows(seen.text, output), f"{output.reader_role} of {OWNER} does not see it"

    for role in OUTSIDERS:
        outsider = make_account(engine, role, unit=OTHER)
        response = client.get(path, headers=outsider.headers)
        assert not shows(response.text, output), f"{role} of {OTHER} sees it through {output.name}"
        if output.is_get:
            assert response.status_code in (403, 404), (role, response.status_code)
