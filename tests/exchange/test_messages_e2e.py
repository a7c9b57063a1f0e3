"""A message between two node processes over HTTP on loopback: composed on A as H2, approved by a
supervisor of A, delivered into B's inbox under its handling code, opened on B, and A shows the
whole chain of evidence (submitted, accepted, delivered, opened). H2 material received on B is
not passed on without the provider's permission; once A grants it, B may forward it."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from liaison.core.db import unit_of_work
from liaison.exchange.models import Peer
from tests.conftest import make_account
from tests.exchange.conftest import Node, wait_for

UNIT = "international-cooperation"


def peer_id(node: Node, partner: Node) -> int:
    with unit_of_work(node.engine()) as session:
        found = session.scalar(select(Peer.id).where(Peer.node_id == partner.name))
    assert found is not None
    return found


def api(node: Node, method: str, path: str, token: str, **extra: Any) -> httpx.Response:
    return httpx.request(
        method, node.url + "/api/v1" + path, headers={"Authorization": f"Bearer {token}"}, timeout=30, **extra
    )


def test_h2_message_is_approved_delivered_opened_and_its_evidence_flows_back(sqlite_node_pair) -> None:  # type: ignore[no-untyped-def]
    a, b = sqlite_node_pair
    officer = make_account(a.engine(), "officer", "officer.a", unit=UNIT)
    supervisor = make_account(a.engine(), "supervisor", "supervisor.a", unit=UNIT)
    reader = make_account(b.engine(), "officer", "officer.b", unit=UNIT)
    outsider = make_account(b.engine(), "officer", "officer.b2", unit="border")

    photo = b"%PDF-1.4 a scanned photograph " * 1000
    composed = httpx.post(  # through A's compose page, with an attachment
        a.url + "/exchange/compose",
        data={"peer_id": str(peer_id(a, b)), "subject": "Whereabouts of Nguyen Van A",
              "body": "Seen in Vientiane.", "handling_code": "H2", "source": "B", "information": "2",
              "to_unit": UNIT},
        files={"attachment": ("photo.pdf", photo, "application/pdf")},
        headers=officer.headers,
        timeout=30,
    )  # fmt: skip
    assert composed.status_code == 303, composed.text
    sent_id = int(composed.headers["location"].rsplit("/", 1)[1])
    sent = api(a, "GET", f"/exchange/messages/{sent_id}", officer.token).json()
    assert sent["delivery"] == "pending"
    assert api(b, "GET", "/exchange/messages?box=inbox", reader.token).json()["total"] == 0

    decision = f"/exchange/dispatches/{sent['dispatch']['id']}/approve"
    approved = api(a, "POST", decision, supervisor.token, json={})
    assert approved.status_code == 200, approved.text

    def in_b_inbox() -> bool:
        return api(b, "GET", "/exchange/messages?box=inbox", reader.token).json()["total"] == 1

    wait_for(in_b_inbox)
    item = api(b, "GET", "/exchange/messages?box=inbox", reader.token).json()["items"][0]
    assert item["subject"] == "Whereabouts of Nguyen Van A" and item["handling_code"] == "H2"
    assert item["evaluation"] == "B2" and item["author"] == "officer.a@node-a"
    assert api(b, "GET", "/exchange/messages?box=inbox", outsider.token).json()["total"] == 0

    attachment = b.url + f"/exchange/messages/{item['id']}/attachments/0"
    download = httpx.get(attachment, headers=reader.headers, timeout=30)
    assert download.status_code == 200 and download.content == photo
    opened = api(b, "GET", f"/exchange/messages/{item['id']}", reader.token)
    assert opened.status_code == 200 and opened.json()["delivery"] == "opened"

    forwarded = api(b, "POST", f"/exchange/messages/{item['id']}/forward", reader.token, json={"peer_id": 1})
    assert forwarded.status_code == 403, forwarded.text
    assert "may not be passed on without the provider's permission" in forwarded.json()["detail"]

    def chain() -> list[str]:
        message = api(a, "GET", f"/exchange/messages/{sent['id']}", officer.token).json()
        return [e["stage"] for e in message["evidence"]]

    wait_for(lambda: "opened" in chain())
    assert chain() == ["submitted", "accepted", "delivered", "opened"]

    reply = api(
        b, "POST", "/exchange/messages", reader.token,
        json={"peer_id": item["peer_id"], "subject": "Re: Whereabouts", "body": "Confirmed.",
              "reply_to": item["id"], "handling_code": "H1", "to_unit": UNIT},
    )  # fmt: skip
    assert reply.status_code == 201 and reply.json()["delivery"] == "queued", reply.text
    wait_for(lambda: "answered" in chain())

    def replies() -> list[dict[str, Any]]:
        return list(api(a, "GET", f"/exchange/threads/{sent['thread']}", officer.token).json())

    wait_for(lambda: len(replies()) == 2)
    assert [m["direction"] for m in replies()] == ["out", "in"]
    final = api(a, "GET", f"/exchange/messages/{sent['id']}", officer.token).json()
    assert final["delivery"] == "answered"
    assert [e["stage"] for e in final["evidence"]] == [
        "submitted",
        "accepted",
        "delivered",
        "opened",
        "answered",
    ]
    assert [e["user"] for e in final["evidence"] if e["stage"] == "opened"] == ["officer.b"]

    page = httpx.get(a.url + f"/exchange/messages/{sent['id']}", headers=officer.headers, timeout=30)
    assert 'data-testid="evidence-opened"' in page.text and "officer.b" in page.text

    permitted = api(a, "POST", f"/exchange/messages/{sent['id']}/permit-forwarding", officer.token)
    assert permitted.status_code == 201, permitted.text

    def may_forward() -> bool:
        return api(b, "GET", f"/exchange/messages/{item['id']}", reader.token).json()["forward_permitted"]

    wait_for(may_forward)
