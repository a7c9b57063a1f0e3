"""The issue's end to end: a request sent A → B (approved by a supervisor on A), answered on B,
closed on A, with both sides' deadlines and audit trails agreeing. Two `liaison serve` processes
with their own databases (SQLite, then PostgreSQL), talking signed, encrypted HTTP on loopback
through their delivery workers; every step is an API call a user makes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.core.security.policy import CLI_ACTOR
from liaison.exchange import keys, peers
from liaison.registry.models import Agency
from tests.conftest import Account, PostgresCluster
from tests.exchange.conftest import Node, make_node, postgres_url, wait_for
from tests.requests.factories import PDF

UNIT = "international-cooperation"
AGENCIES = {
    "node-a": ("vn-mps", "Ministry of Public Security", "VN"),
    "node-b": ("kz-aca", "Anti-Corruption Agency", "KZ"),
}


def account(node: Node, role: str) -> Account:
    name = f"{role}.{node.name}"
    with unit_of_work(node.engine()) as session:
        accounts.create_user(session, "test", name, f"{name}-password", role, unit=UNIT, full_name=name)
        _, token = accounts.create_token(session, "test", name)
    return Account(name, f"{name}-password", role, token)


def registry(node: Node) -> None:
    """Both ministries in this node's registry (each node keeps its own registry)."""
    with unit_of_work(node.engine()) as session:
        for ref, name, country in AGENCIES.values():
            session.add(
                Agency(ref=ref, name=name, name_key=name.lower(), kind="police", country_code=country)
            )


def agency_ids(node: Node) -> dict[str, int]:
    with unit_of_work(node.engine()) as session:
        return {a.ref or "": a.id for a in session.scalars(select(Agency))}


def pair(a: Node, b: Node) -> None:
    """Each node records the other as a peer of its agency and verifies its fingerprint."""
    for here, there in ((a, b), (b, a)):
        partner = there.identity
        with unit_of_work(here.engine()) as session:
            peers.add(session, CLI_ACTOR, node_id=partner.node_id, base_url=there.url,
                      signing_key=partner.signing_public, encryption_key=partner.encryption_public,
                      agency=AGENCIES[there.name][0])  # fmt: skip
            peers.verify(session, CLI_ACTOR, partner.node_id, keys.fingerprint(partner.signing_public))


@pytest.fixture(params=("sqlite", "postgresql"))
def nodes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    urls = ["", ""]
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        for index, name in enumerate(AGENCIES):
            (tmp_path / name).mkdir(parents=True)
            shutil.copy(template, tmp_path / name / "liaison.db")
            urls[index] = f"sqlite:///{tmp_path / name / 'liaison.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        urls = [postgres_url(cluster), postgres_url(cluster)]
    a, b = (make_node(name, tmp_path, url) for name, url in zip(AGENCIES, urls, strict=True))
    registry(a)
    registry(b)
    pair(a, b)
    a.start()
    b.start()
    yield a, b
    a.close()
    b.close()


class Api:
    """A user of one node, calling its JSON API."""

    def __init__(self, node: Node, who: Account) -> None:
        self.client = httpx.Client(base_url=node.url + "/api/v1", headers=who.headers, timeout=60)

    def __call__(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code == status, response.text
        return response.json() if response.content else None


def trail(node: Node) -> list[tuple[str, str, str]]:
    """(actor, action, detail) of the node's audit events about requests, in order."""
    with unit_of_work(node.engine()) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "request").order_by(AuditEvent.seq)
        )
        return [(e.actor, e.action, e.detail) for e in events]


def clocks(request: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["clock"]: d for d in request["deadlines"]}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_request_sent_a_to_b_answered_on_b_and_closed_on_a(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    ids_a, ids_b = agency_ids(a), agency_ids(b)
    officer_a, supervisor_a = Api(a, account(a, "officer")), Api(a, account(a, "supervisor"))
    officer_b = Api(b, account(b, "officer"))

    # On A: an officer writes the request, attaches a letter and submits it.
    details = {"questions": "Current address?", "purpose": "investigation"}
    person = {"name": "Nguyễn Văn A", "birth_date": "1970-05-01", "nationality": "VN"}
    body = {"kind": "information_request", "direction": "outgoing", "title": "Whereabouts of Nguyễn Văn A",
            "requesting_agency_id": ids_a["vn-mps"], "requested_agency_id": ids_a["kz-aca"],
            "our_reference": "VN-2026-017", "details": details, "persons": [person]}  # fmt: skip
    sent = officer_a("POST", "/requests", 201, json=body)
    officer_a("POST", f"/requests/{sent['id']}/documents", 201, files={"file": ("letter.pdf", PDF)},
              data={"document_type": "other"})  # fmt: skip
    officer_a("POST", f"/requests/{sent['id']}/transitions", json={"transition": "submit"})

    # Nothing leaves before a supervisor approves.
    (pending,) = supervisor_a("GET", "/exchange/dispatches")["items"]
    assert pending["type"] == "request.create"
    with unit_of_work(b.engine()) as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.actor == "node:node-a")) is None
    supervisor_a("POST", f"/exchange/dispatches/{pending['id']}/approve", json={"reason": "Checked."})

    # On B: it arrives as an incoming request, with the letter and B's own clocks.
    def incoming() -> list[Any]:
        return officer_b("GET", "/requests", params={"direction": "incoming"})["items"]

    wait_for(lambda: len(incoming()) == 1, timeout=120)
    received = officer_b("GET", f"/requests/{incoming()[0]['id']}")
    outgoing = officer_a("GET", f"/requests/{sent['id']}")
    assert received["remote_thread"] == outgoing["remote_thread"] is not None
    assert received["their_reference"] == "VN-2026-017" and received["status"] == "received"
    assert received["requesting_agency"]["id"] == ids_b["vn-mps"]
    assert received["requested_agency"]["id"] == ids_b["kz-aca"]
    assert [(d["filename"], d["sha256"]) for d in received["documents"]] == [
        (d["filename"], d["sha256"]) for d in outgoing["documents"]]  # fmt: skip
    assert set(clocks(received)) == set(clocks(outgoing)) == {"acknowledgement", "answer"}

    # On B: acknowledged, then answered; A's request follows each step.
    officer_b("POST", f"/requests/{received['id']}/transitions", json={"transition": "acknowledge"})
    wait_for(lambda: officer_a("GET", f"/requests/{sent['id']}")["status"] == "acknowledged", timeout=120)
    officer_b("POST", f"/requests/{received['id']}/transitions",
              json={"transition": "answer", "reason": "He lives at 12 Abay Avenue, Almaty."})  # fmt: skip
    wait_for(lambda: officer_a("GET", f"/requests/{sent['id']}")["status"] == "answered", timeout=120)

    # On A: closed; B's request notes it.
    officer_a("POST", f"/requests/{sent['id']}/transitions", json={"transition": "close"})
    wait_for(lambda: len(officer_b("GET", f"/requests/{received['id']}")["comments"]) == 1, timeout=120)

    outgoing = officer_a("GET", f"/requests/{sent['id']}")
    received = officer_b("GET", f"/requests/{received['id']}")
    assert outgoing["status"] == "closed" and received["status"] == "answered"
    assert "closed" in received["comments"][0]["body"]
    steps_a = [(h["transition"], h["actor"]) for h in outgoing["history"]]
    assert steps_a == [("create", "officer.node-a"), ("submit", "officer.node-a"),
                       ("acknowledge", "node:node-b"), ("record_answer", "node:node-b"),
                       ("close", "officer.node-a")]  # fmt: skip
    assert outgoing["history"][3]["reason"] == "He lives at 12 Abay Avenue, Almaty."
    steps_b = [(h["transition"], h["actor"]) for h in received["history"]]
    assert steps_b == [("create", "node:node-a"), ("acknowledge", "officer.node-b"),
                       ("answer", "officer.node-b")]  # fmt: skip

    # Deadlines agree: the same clocks, due the same day, met at (nearly) the same moment.
    for name in ("acknowledgement", "answer"):
        ours, theirs = clocks(outgoing)[name], clocks(received)[name]
        assert ours["days"] == theirs["days"] and ours["day_kind"] == theirs["day_kind"]
        assert abs(at(ours["due_at"]) - at(theirs["due_at"])) <= timedelta(days=1)
        assert ours["met_at"] and theirs["met_at"]
        assert at(theirs["met_at"]) <= at(ours["met_at"]) <= at(theirs["met_at"]) + timedelta(minutes=2)

    # Audit trails agree: each side records the other's steps under the partner node's name.
    partner_steps = [d for who, action, d in trail(a) if who == "node:node-b" and action == "transition"]
    answer = "He lives at 12 Abay Avenue, Almaty."
    assert partner_steps == ["acknowledge: acknowledge by node-b", f"record_answer: {answer}"]
    own_steps = [d for who, action, d in trail(b) if who == "officer.node-b" and action == "transition"]
    assert own_steps == ["acknowledge", "answer: He lives at 12 Abay Avenue, Almaty."]
    assert [(actor, action) for actor, action, _ in trail(b)][:2] == [("node:node-a", "create"),
                                                                       ("node:node-a", "attach")]  # fmt: skip
    with unit_of_work(a.engine()) as session:
        approvals = session.scalars(select(AuditEvent).where(AuditEvent.action == "approve")).all()
        assert [e.actor for e in approvals] == ["supervisor.node-a"]
