"""The issue's end to end: a request sent A → B (approved by a supervisor on A), answered on B,
closed on A, with both sides' deadlines and audit trails agreeing. Two `liaison serve` processes
with their own databases (SQLite, then PostgreSQL), talking signed, encrypted HTTP on loopback
through their delivery workers; every step is an API call a user makes."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from tests.exchange.conftest import Node, wait_for
from tests.exchange.partners import Api, account, agency_ids, nodes, trail
from tests.requests.factories import PDF

__all__ = ["nodes"]  # the fixture


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

    # B asks for more information; A supplies it: a comment on both sides each time.
    def comments(api: Api, request_id: int) -> list[str]:
        return [c["body"] for c in api("GET", f"/requests/{request_id}")["comments"]]

    officer_b("POST", f"/exchange/requests/{received['id']}/ask", 204, json={"text": "Which passport?"})
    wait_for(lambda: "Partner asks: Which passport?" in comments(officer_a, sent["id"]), timeout=120)
    officer_a("POST", f"/exchange/requests/{sent['id']}/ask", 204,
              json={"text": "Passport B7654321.", "kind": "information"})  # fmt: skip
    wait_for(
        lambda: "Partner supplies: Passport B7654321." in comments(officer_b, received["id"]), timeout=120
    )
    officer_b("POST", f"/requests/{received['id']}/transitions",
              json={"transition": "answer", "reason": "He lives at 12 Abay Avenue, Almaty."})  # fmt: skip
    wait_for(lambda: officer_a("GET", f"/requests/{sent['id']}")["status"] == "answered", timeout=120)

    # On A: closed; B's request notes it.
    officer_a("POST", f"/requests/{sent['id']}/transitions", json={"transition": "close"})
    wait_for(lambda: any("close" in c for c in comments(officer_b, received["id"])), timeout=120)

    outgoing = officer_a("GET", f"/requests/{sent['id']}")
    received = officer_b("GET", f"/requests/{received['id']}")
    assert outgoing["status"] == "closed" and received["status"] == "answered"
    closed_note = "Partner node node-a: close (closed)."
    assert comments(officer_b, received["id"]) == [
        "Which passport?",
        "Partner supplies: Passport B7654321.",
        closed_note,
    ]
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

    # Each side's request page shows the thread with the partner: what went, what came back, and
    # each envelope's chain of evidence.
    def remote_thread(api: Api, node: Node, request_id: int) -> list[str]:
        """The rows of the page's section on the remote thread, as text."""
        page = httpx.get(f"{node.url}/requests/{request_id}", headers=api.client.headers, timeout=60)
        assert page.status_code == 200, page.text
        section = page.text.split('<section aria-labelledby="h-remote-thread">', 1)[1].split("</section>", 1)[
            0
        ]
        rows = section.split("<tbody>", 1)[1].split("<tr>")[1:]
        return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]

    rows_a = remote_thread(officer_a, a, sent["id"])
    assert len(rows_a) == 6, rows_a  # create, information and close out; acknowledge, question, answer in
    assert "Sent to node-b" in rows_a[0] and "request.create" in rows_a[0] and "accepted" in rows_a[0]
    assert "signed" in rows_a[0]  # the partner's receipt
    assert any("Received from node-b" in r and "Which passport?" in r for r in rows_a)
    assert any("Received from node-b" in r and "answer: He lives at 12 Abay Avenue" in r for r in rows_a)
    rows_b = remote_thread(officer_b, b, received["id"])
    assert "Received from node-a" in rows_b[0] and "request.create" in rows_b[0], rows_b
    assert any("Sent to node-a" in r and "answer" in r for r in rows_b)
