"""Sharing between two node processes: A shares a person sought and the minutes of talks with B;
B's border screening confirms a hit on the shared person and A's person is marked located; the
status of a follow-up B records on the shared commitment arrives on A as a proposal, A's officer
accepts it and B's copy takes the accepted status."""

from __future__ import annotations

from sqlalchemy import select

from liaison.core.db import unit_of_work
from liaison.core.security.policy import SystemActor
from liaison.engagements.models import Commitment
from liaison.exchange import subject_panel
from liaison.exchange.message_models import HitAlert
from liaison.exchange.models import IncomingEnvelope
from liaison.subjects.models import Subject
from tests.exchange.conftest import Node, wait_for
from tests.exchange.partners import Api, account, agency_ids, nodes

__all__ = ["nodes"]  # the fixture

PERSON = {
    "names": [{"full_name": "Trần Văn Bình"}, {"full_name": "陈文平", "kind": "native", "language": "zh"}],
    "birth_dates": ["1975-06-02"],
    "nationalities": ["VN"],
    "notices": [{"kind": "arrest", "issuer": "INTERPOL", "reference": "2024/1234"}],
}


def test_a_shared_person_sought_alerts_its_owner_and_follow_ups_travel_back(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    ids_a = agency_ids(a)
    officer_a, officer_b = Api(a, account(a, "officer")), Api(b, account(b, "officer"))

    # A shares a person sought with B's node.
    subject = officer_a("POST", "/subjects", 201, json=PERSON)
    shared = officer_a(
        "POST", f"/exchange/share/subjects/{subject['id']}", 202, json={"agency_id": ids_a["kz-aca"]}
    )
    assert shared["status"] == "sent"

    def copies() -> list[Subject]:
        with unit_of_work(b.engine()) as session:
            return list(session.scalars(select(Subject).where(Subject.source == "node:node-a")))

    wait_for(lambda: len(copies()) == 1, timeout=120)
    (copy,) = copies()
    assert copy.source_id == str(subject["id"]) and copy.primary_name == "Trần Văn Bình"
    copied = officer_b("GET", f"/subjects/{copy.id}")  # the notice came with the person
    assert [(n["kind"], n["reference"]) for n in copied["notices"]] == [("arrest", "2024/1234")]
    with unit_of_work(b.engine()) as session:  # who shared which version, for B's subject page
        (version,) = subject_panel.versions(session, SystemActor(username="reader"), copy)
        assert version.node == "node-a" and version.sequence >= 1
    with unit_of_work(b.engine()) as session:  # the header B received says where it may go
        received = session.scalar(select(IncomingEnvelope).where(IncomingEnvelope.type == "subject.share"))
        assert received is not None and received.header["releasability"] == "KZ"

    # B's border screening finds and confirms the traveller: A's person is located, in Kazakhstan.
    def screened() -> list[dict[str, object]]:
        found = officer_b("POST", "/screen", json={"name": "Tran Van Binh", "birth_date": "1975-06-02"})
        return found["results"][0]["hits"]

    wait_for(lambda: len(screened()) == 1, timeout=60)
    (hit,) = screened()
    officer_b(
        "POST", f"/screening/hits/{hit['hit_id']}/decision", json={"decision": "confirm", "reason": "photo"}
    )

    def alerts() -> list[int]:  # B's alert is a proposal on A: A's officer decides
        with unit_of_work(a.engine()) as session:
            return list(session.scalars(select(HitAlert.id).where(HitAlert.subject_id == subject["id"])))

    wait_for(lambda: len(alerts()) == 1, timeout=120)
    assert officer_a("GET", f"/subjects/{subject['id']}")["status"] == "sought"
    officer_a("POST", f"/exchange/alerts/{alerts()[0]}/accept", json={"reason": "Confirmed with KZ."})
    located = officer_a("GET", f"/subjects/{subject['id']}")
    assert located["status"] == "located"
    assert located["believed_country"] == "KZ"
    assert (
        "node-b" in located["status_history"][-1]["note"] and "photo" in located["status_history"][-1]["note"]
    )

    # A shares the minutes of talks both attended; B follows the commitment up; A's follows.
    talks = officer_a("POST", "/engagements", 201, json={"kind": "talks", "title": "Talks with the ACA",
                      "held_on": "2026-03-12", "agency_ids": [ids_a["vn-mps"], ids_a["kz-aca"]]})  # fmt: skip
    pledge = officer_a("POST", "/commitments", 201, json={"engagement_id": talks["id"], "kind": "agreed",
                       "text": "Exchange lists of fugitives",
                       "translations": {"vi": {"text": "Trao đổi danh sách đối tượng truy nã"}}})  # fmt: skip
    officer_a("POST", f"/exchange/share/engagements/{talks['id']}", 202, json={"agency_id": ids_a["kz-aca"]})

    def copied_commitment() -> int | None:
        with unit_of_work(b.engine()) as session:
            ref = f"node-a:commitment:{pledge['id']}"
            return session.scalar(select(Commitment.id).where(Commitment.ref == ref))

    wait_for(lambda: copied_commitment() is not None, timeout=120)
    copy_id = copied_commitment()
    copy = officer_b("GET", f"/commitments/{copy_id}")  # both languages travel with it
    assert copy["translations"] == {"vi": {"text": "Trao đổi danh sách đối tượng truy nã"}}
    # B's copy is A's record: not edited on B, and B's status is proposed to A, not applied there
    refused = officer_b("PATCH", f"/commitments/{copy_id}", 409, json={"text": "Something else"})
    assert "node-a" in refused["detail"]
    proposed = officer_b("POST", f"/commitments/{copy_id}/follow-ups",
                         json={"note": "First list received.", "status": "in_progress"})  # fmt: skip
    assert proposed["status"] == "open" and proposed["follow_ups"][-1]["proposed_status"] == "in_progress"

    def proposals_on_a() -> list[dict[str, object]]:
        return officer_a("GET", f"/commitments/{pledge['id']}/proposals")

    wait_for(lambda: len(proposals_on_a()) == 1, timeout=120)
    (proposal,) = proposals_on_a()
    assert (proposal["status"], proposal["from_node"], proposal["decision"]) == ("in_progress", "node-b", "")
    with unit_of_work(a.engine()) as session:  # provenance: the envelope it came in
        received = session.scalar(
            select(IncomingEnvelope).where(IncomingEnvelope.message_id == proposal["message_id"])
        )
        assert received is not None and received.type == "commitment.follow_up"
    followed = officer_a("GET", f"/commitments/{pledge['id']}")
    assert followed["status"] == "open"  # B's follow-up changed nothing of A's record but its note
    assert followed["follow_ups"][-1]["note"] == "First list received."
    assert followed["follow_ups"][-1]["actor"] == "node:node-b"
    # A's officer accepts: A's commitment moves, and the new status is shared back to B's copy
    officer_a("POST", f"/commitments/{pledge['id']}/proposals/{proposal['id']}/decision",
              json={"decision": "accept"})  # fmt: skip
    assert officer_a("GET", f"/commitments/{pledge['id']}")["status"] == "in_progress"
    wait_for(lambda: officer_b("GET", f"/commitments/{copy_id}")["status"] == "in_progress", timeout=120)
    assert officer_b("GET", f"/commitments/{copy_id}")["follow_ups"][-1]["actor"] == "node:node-a"
