"""A request sent A → B has its chain of evidence as a message does: each user on B who opens the
incoming request (its page, the API's GET) sends `opened` evidence (who, when) back to A, once per
user, and B's answer sends `answered`. Reads B's service functions make internally (a transition)
send nothing. Two real `liaison serve` nodes (A on SQLite, B on PostgreSQL) on loopback."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
from sqlalchemy import select

from liaison.core.db import unit_of_work
from liaison.exchange.models import Evidence, OutgoingEnvelope
from tests.exchange.conftest import Node, wait_for
from tests.exchange.partners import Api, account, agency_ids, nodes

__all__ = ["nodes"]  # the fixture


def evidence_on_a(a: Node) -> list[tuple[str, str, str]]:
    """(stage, node, user) of every entry A holds in its `request.create`'s chain, by stage."""
    with unit_of_work(a.engine()) as session:
        message_id = session.scalar(
            select(OutgoingEnvelope.message_id).where(OutgoingEnvelope.type == "request.create")
        )
        rows = session.scalars(
            select(Evidence).where(Evidence.message_id == message_id).order_by(Evidence.id)
        )
        return [(e.stage, e.node, e.user) for e in rows if e.stage in ("opened", "answered")]


def page(api: Api, node: Node, request_id: int) -> str:
    response = httpx.get(f"{node.url}/requests/{request_id}", headers=api.client.headers, timeout=60)
    assert response.status_code == 200, response.text
    return response.text


def remote_thread_rows(text: str) -> list[str]:
    section = text.split('<section aria-labelledby="h-remote-thread">', 1)[1].split("</section>", 1)[0]
    rows = section.split("<tbody>", 1)[1].split("<tr>")[1:]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def test_opened_and_answered_evidence_of_a_request_go_back_to_the_sender(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    ids_a = agency_ids(a)
    officer_a, supervisor_a = Api(a, account(a, "officer")), Api(a, account(a, "supervisor"))
    officer_b, supervisor_b = Api(b, account(b, "officer")), Api(b, account(b, "supervisor"))

    body = {"kind": "information_request", "direction": "outgoing", "title": "Whereabouts of Nguyễn Văn B",
            "requesting_agency_id": ids_a["vn-mps"], "requested_agency_id": ids_a["kz-aca"],
            "our_reference": "VN-2026-031",
            "details": {"questions": "Current address?", "purpose": "investigation"}}  # fmt: skip
    sent = officer_a("POST", "/requests", 201, json=body)
    officer_a("POST", f"/requests/{sent['id']}/transitions", json={"transition": "submit"})
    (pending,) = supervisor_a("GET", "/exchange/dispatches")["items"]
    supervisor_a("POST", f"/exchange/dispatches/{pending['id']}/approve", json={"reason": "Checked."})

    def incoming() -> list[Any]:  # the list is no opening
        return officer_b("GET", "/requests", params={"direction": "incoming"})["items"]

    wait_for(lambda: len(incoming()) == 1, timeout=120)
    received_id = incoming()[0]["id"]

    # B's supervisor acknowledges without opening it (the transition's own read is internal):
    # nothing goes back for that.
    supervisor_b("POST", f"/requests/{received_id}/transitions", json={"transition": "acknowledge"})
    wait_for(lambda: officer_a("GET", f"/requests/{sent['id']}")["status"] == "acknowledged", timeout=120)
    assert evidence_on_a(a) == []

    # B's officer opens it: the page, again, then the API; one `opened` for that user.
    page(officer_b, b, received_id)
    page(officer_b, b, received_id)
    officer_b("GET", f"/requests/{received_id}")
    wait_for(lambda: evidence_on_a(a) == [("opened", "node-b", "officer.node-b")], timeout=120)

    # B's supervisor opens it through the API: a second user, a second `opened`.
    supervisor_b("GET", f"/requests/{received_id}")
    wait_for(lambda: len(evidence_on_a(a)) == 2, timeout=120)

    # B's officer answers: `answered` goes back.
    officer_b("POST", f"/requests/{received_id}/transitions",
              json={"transition": "answer", "reason": "He lives in Astana."})  # fmt: skip
    wait_for(lambda: len(evidence_on_a(a)) == 3, timeout=120)
    assert evidence_on_a(a) == [
        ("opened", "node-b", "officer.node-b"),
        ("opened", "node-b", "supervisor.node-b"),
        ("answered", "node-b", "officer.node-b"),
    ]
    with unit_of_work(a.engine()) as session:
        signed = session.scalars(select(Evidence.signature).where(Evidence.stage.in_(("opened", "answered"))))
        assert all(signature for signature in signed)

    # Opening it again sends nothing more.
    officer_b("GET", f"/requests/{received_id}")
    with unit_of_work(b.engine()) as session:
        sent_back = session.scalars(select(OutgoingEnvelope).where(OutgoingEnvelope.type == "evidence")).all()
        assert len(sent_back) == 3

    # A's request page shows the chain of the request it sent: opened by whom (and when), answered.
    (created,) = [
        row for row in remote_thread_rows(page(officer_a, a, sent["id"])) if "request.create" in row
    ]
    assert "opened · node-b (officer.node-b)" in created, created
    assert "opened · node-b (supervisor.node-b)" in created, created
    assert "answered · node-b (officer.node-b)" in created, created
    assert created.index("supervisor.node-b") < created.index("answered ·")
