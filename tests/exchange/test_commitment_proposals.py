"""The owner rule for shared commitments, on one node, SQLite and PostgreSQL: a partner's
follow-up on our commitment keeps its note but proposes its status, which our officer accepts
(shared back with every partner) or refuses (told to the proposer only); a partner's copy here is
not edited locally, and its status follows only its owner. The two-node run is in
test_sharing_e2e.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison import capabilities
from liaison.core import accounts, home
from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict, Forbidden, Invalid
from liaison.core.models import AuditEvent, User
from liaison.engagements import proposals
from liaison.engagements import service as engagements
from liaison.engagements.models import Commitment, CommitmentProposal
from liaison.engagements.schemas import CommitmentIn, CommitmentPatch, EngagementIn, FollowUpIn
from liaison.exchange import keys, sharing
from liaison.exchange.message_models import Dispatch
from liaison.exchange.models import IncomingEnvelope, Peer
from tests.conftest import app_on, csrf_token, make_account, sign_in_pages
from tests.exchange.test_messages import make_peer

UNIT = "international-cooperation"


@pytest.fixture(autouse=True)
def node() -> None:
    """This node's keys under the test home, and the capabilities' subscriptions, as `serve` has them."""
    if not keys.exists():
        keys.init("vn-mps")
    capabilities.install(capabilities.enabled())


@pytest.fixture
def api(engine: Engine) -> Iterator[TestClient]:
    with TestClient(app_on(engine), base_url="http://testserver") as client:
        yield client


def follow_ups_sent(session: Session) -> list[Dispatch]:
    return list(
        session.scalars(select(Dispatch).where(Dispatch.type == sharing.FOLLOW_UP).order_by(Dispatch.id))
    )


def partner_follow_up(session: Session, peer: Peer, message_id: str, **body: object) -> None:
    """What arrives when the partner's node follows one of our commitments up."""
    incoming = IncomingEnvelope(type=sharing.FOLLOW_UP, message_id=message_id, body={"body": body})
    sharing.receive_follow_up(session, peer, incoming)


def shared_pledge(session: Session, officer: User, *peers: Peer) -> Commitment:
    """Talks both sides attended, one commitment, the minutes shared with each partner."""
    minutes = EngagementIn(kind="talks", title="Talks with the ACA", held_on=date(2026, 3, 12),
                           agency_ids=[p.agency_id or 0 for p in peers])  # fmt: skip
    talks = engagements.create_engagement(session, officer, minutes)
    pledge = engagements.create_commitment(
        session,
        officer,
        CommitmentIn(engagement_id=talks.id, text="Exchange lists of fugitives", kind="agreed"),
    )
    for peer in peers:
        sharing.share_engagement(session, officer, talks.id, peer.agency_id or 0)
    return pledge


def test_a_partners_status_is_a_proposal_our_officer_accepts_or_refuses(engine: Engine) -> None:
    make_account(engine, "officer", "officer.one", unit=UNIT)
    make_account(engine, "officer", "officer.other", unit="border-guard")
    with unit_of_work(engine) as session:
        kz, ru = make_peer(session, "kz-aca", "KZ"), make_peer(session, "ru-mia", "RU")
        officer = accounts.get_user(session, "officer.one")
        pledge = shared_pledge(session, officer, kz, ru)
        sent_before = len(follow_ups_sent(session))
        here = keys.load().node_id
        partner_follow_up(session, kz, "m-1", origin=here, id=pledge.id, note="First list received.",
                          status="in_progress", noted_on="2026-03-20")  # fmt: skip
        # the note is the partner's follow-up; the status is not applied
        assert pledge.status == "open"
        latest = pledge.follow_ups[-1]
        assert (latest.note, latest.status, latest.actor) == ("First list received.", None, "node:kz-aca")
        (proposal,) = proposals.proposals_of(session, pledge.id)
        assert (proposal.status, proposal.from_node, proposal.message_id, proposal.decision) == (
            "in_progress", "kz-aca", "m-1", "",
        )  # fmt: skip
        # the same status again is not proposed twice; nothing was sent back (no echo)
        partner_follow_up(session, kz, "m-2", origin=here, id=pledge.id, status="in_progress")
        assert len(proposals.proposals_of(session, pledge.id)) == 1
        assert len(follow_ups_sent(session)) == sent_before
        # the partner's node itself may not move our commitment
        with pytest.raises(Conflict):
            engagements.follow_up(session, sharing.requests_flow.node_actor(kz), pledge.id,
                                  FollowUpIn(status="done"))  # fmt: skip
        assert pledge.status == "open"
        # an officer of another unit does not decide; a refusal says why; only accept or refuse
        other = accounts.get_user(session, "officer.other")
        with pytest.raises(Forbidden):
            proposals.decide(session, other, pledge.id, proposal.id, "accept")
        with pytest.raises(Invalid):
            proposals.decide(session, officer, pledge.id, proposal.id, "refuse", "  ")
        with pytest.raises(Invalid):
            proposals.decide(session, officer, pledge.id, proposal.id, "maybe")
        assert proposal.decision == "" and pledge.status == "open"

        accepted = proposals.decide(session, officer, pledge.id, proposal.id, "accept")
        assert pledge.status == "in_progress" and pledge.follow_ups[-1].actor == "officer.one"
        assert (accepted.decision, accepted.decided_by) == ("accepted", "officer.one")
        assert accepted.decided_at is not None
        shared_back = follow_ups_sent(session)[sent_before:]
        assert sorted(d.peer_id for d in shared_back) == sorted([kz.id, ru.id])  # every partner
        assert {d.body["status"] for d in shared_back} == {"in_progress"}
        with pytest.raises(Conflict):
            proposals.decide(session, officer, pledge.id, proposal.id, "refuse", "Changed my mind.")

        partner_follow_up(session, kz, "m-3", origin=here, id=pledge.id, status="done")
        done = proposals.proposals_of(session, pledge.id)[-1]
        sent_before = len(follow_ups_sent(session))
        refused = proposals.decide(session, officer, pledge.id, done.id, "refuse", "Second list missing.")
        assert pledge.status == "in_progress"
        assert (refused.decision, refused.decided_by, refused.reason) == (
            "refused", "officer.one", "Second list missing.",
        )  # fmt: skip
        (told,) = follow_ups_sent(session)[sent_before:]  # the proposer only
        assert told.peer_id == kz.id and told.body["status"] is None
        assert "Refused" in told.body["note"] and "Second list missing." in told.body["note"]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "commitment",
                                            AuditEvent.object_id == str(pledge.id))
        ).all()  # fmt: skip
        assert {"propose status", "accept proposal", "refuse proposal"} <= set(actions)


def test_a_partners_copy_follows_its_owner_and_is_not_edited_here(engine: Engine) -> None:
    make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        kz, ru = make_peer(session, "kz-aca", "KZ"), make_peer(session, "ru-mia", "RU")
        officer = accounts.get_user(session, "officer.one")
        minutes = {"origin": "kz-aca", "id": 3, "kind": "talks", "title": "Talks in Astana",
                   "held_on": "2026-03-12", "commitments": [{"origin": "kz-aca", "id": 7, "kind": "agreed",
                   "text": "Exchange lists of fugitives", "status": "open"}]}  # fmt: skip
        sharing.receive_engagement(
            session,
            kz,
            IncomingEnvelope(type=sharing.ENGAGEMENT_SHARE, message_id="e-1", body={"body": minutes}),
        )
        copy = session.scalar(select(Commitment).where(Commitment.ref == "kz-aca:commitment:7"))
        assert copy is not None and copy.status == "open"
        with pytest.raises(Conflict, match="kz-aca"):
            engagements.update_commitment(session, officer, copy.id, CommitmentPatch(text="Something else"))
        assert copy.text == "Exchange lists of fugitives"
        # a local follow-up proposes its status to the owner; the copy keeps the owner's
        engagements.follow_up(
            session, officer, copy.id, FollowUpIn(note="Our list sent.", status="in_progress")
        )
        assert copy.status == "open"
        assert (copy.follow_ups[-1].status, copy.follow_ups[-1].proposed_status) == (None, "in_progress")
        (sent,) = follow_ups_sent(session)
        assert sent.peer_id == kz.id
        assert (sent.body["origin"], sent.body["id"], sent.body["status"]) == ("kz-aca", 7, "in_progress")
        # no proposal is recorded on a copy: the owner keeps them
        assert session.scalars(select(CommitmentProposal)).all() == []
        # another partner cannot follow up the owner's copy
        with pytest.raises(Conflict):
            partner_follow_up(session, ru, "f-0", origin="kz-aca", id=7, status="done")
        # the owner accepted: its follow-up moves the copy
        partner_follow_up(session, kz, "f-1", origin="kz-aca", id=7, note="Accepted.", status="in_progress")
        assert copy.status == "in_progress" and copy.follow_ups[-1].actor == "node:kz-aca"
        assert len(follow_ups_sent(session)) == 1  # not echoed


def test_proposals_through_the_api_the_page_and_the_home(api: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        kz = make_peer(session, "kz-aca", "KZ")
        pledge = shared_pledge(session, accounts.get_user(session, "officer.one"), kz)
        pledge_id = pledge.id
        for number, status in enumerate(("in_progress", "dropped")):
            partner_follow_up(session, kz, f"m-{number}", origin=keys.load().node_id, id=pledge_id,
                              note=f"Note {number}.", status=status)  # fmt: skip
        first, second = (p.id for p in proposals.proposals_of(session, pledge_id))
        waiting = [i for i in home.items_for(session, accounts.get_user(session, "officer.one"))
                   if i.kind == "commitment_proposal"]  # fmt: skip
        assert [i.link for i in waiting] == [f"/engagements/commitments/{pledge_id}"] * 2

    listed = api.get(f"/api/v1/commitments/{pledge_id}/proposals", headers=officer.headers)
    assert [(p["status"], p["from_node"], p["decision"]) for p in listed.json()] == [
        ("in_progress", "kz-aca", ""), ("dropped", "kz-aca", ""),
    ]  # fmt: skip
    path = f"/api/v1/commitments/{pledge_id}/proposals/{first}/decision"
    bad = api.post(path, json={"decision": "maybe"}, headers=officer.headers)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    accepted = api.post(path, json={"decision": "accept"}, headers=officer.headers)
    assert accepted.status_code == 200 and accepted.json()["decision"] == "accepted"
    again = api.post(path, json={"decision": "accept"}, headers=officer.headers)
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    assert (
        api.get(f"/api/v1/commitments/{pledge_id}", headers=officer.headers).json()["status"] == "in_progress"
    )

    page_path = f"/engagements/commitments/{pledge_id}"
    sign_in_pages(api, officer, page_path)
    page = api.get(page_path).text
    assert f'action="{page_path}/proposals/{second}/refuse"' in page
    assert f'action="{page_path}/proposals/{first}/accept"' not in page  # decided: in the history
    history = page[page.index('id="decided-proposals"') :]
    assert "kz-aca" in history and "officer.one" in history
    token = csrf_token(api, page_path)
    unexplained = api.post(f"{page_path}/proposals/{second}/refuse", data={"csrf_token": token, "reason": ""})
    assert unexplained.status_code == 422 and "Say why" in unexplained.text
    refused = api.post(f"{page_path}/proposals/{second}/refuse", data={"csrf_token": token,
                       "reason": "Not dropped."}, follow_redirects=False)  # fmt: skip
    assert refused.status_code == 303
    page = api.get(page_path).text
    assert 'id="open-proposals"' not in page
    assert re.search(r"refused</?\w*>? by officer.one|refused by officer.one", page)
    assert "Not dropped." in page
    with unit_of_work(engine) as session:
        waiting = [i for i in home.items_for(session, accounts.get_user(session, "officer.one"))
                   if i.kind == "commitment_proposal"]  # fmt: skip
        assert waiting == []
