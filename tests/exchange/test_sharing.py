"""Sharing with a partner's node, on one node, SQLite and PostgreSQL: what goes out (through the
gate and, for H2/H3, a supervisor), what is refused, and what a confirmed hit or a follow-up sends.
The receiving side runs in test_sharing_e2e.py between two node processes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison import capabilities
from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict, Forbidden, NotFound
from liaison.core.models import AuditEvent, User
from liaison.engagements import service as engagements
from liaison.engagements.schemas import CommitmentIn, EngagementIn, FollowUpIn
from liaison.exchange import keys, sharing
from liaison.exchange.message_models import Dispatch
from liaison.exchange.models import IncomingEnvelope, OutgoingEnvelope, Peer
from liaison.subjects.models import Subject, SubjectStatusProposal
from tests.conftest import app_on, csrf_token, make_account, sign_in_pages
from tests.exchange.test_messages import make_peer
from tests.query_plans import plans_reading, scans
from tests.registry.factories import agency

UNIT = "international-cooperation"
PERSON = {"names": [{"full_name": "Trần Văn Bình"}], "birth_dates": ["1975-06-02"], "nationalities": ["VN"]}


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


def user(session: Session, name: str) -> User:
    return accounts.get_user(session, name)


def dispatches(session: Session) -> list[Dispatch]:
    return list(session.scalars(select(Dispatch).order_by(Dispatch.id)))


def person(session: Session, owner: User, code: str = "H0", name: str = "") -> Subject:
    from liaison.subjects import service
    from liaison.subjects.schemas import SubjectIn

    names = {"names": [{"full_name": name}]} if name else {}
    return service.create_subject(
        session, owner, SubjectIn.model_validate({**PERSON, **names, "handling_code": code})
    )


def test_a_person_sought_goes_as_a_stix_bundle_and_h2_waits_for_a_supervisor(engine: Engine) -> None:
    make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        officer = user(session, "officer.one")
        open_one, restricted = person(session, officer), person(session, officer, "H2")
        sent = sharing.share_subject(session, officer, open_one.id, peer.agency_id or 0)
        waiting = sharing.share_subject(session, officer, restricted.id, peer.agency_id or 0)
        assert (sent.status, waiting.status) == ("sent", "pending")
        (identity,) = [o for o in sent.body["bundle"]["objects"] if o.get("identity_class") == "individual"]
        assert identity["x_liaison_subject_id"] == open_one.id and identity["name"] == "Trần Văn Bình"
        assert waiting.handling_code == "H2"


def test_what_the_gate_hides_or_a_partner_owns_is_not_shared(engine: Engine) -> None:
    make_account(engine, "officer", "officer.one", unit=UNIT)
    make_account(engine, "officer", "officer.far", unit="drugs")
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        hidden = person(session, user(session, "officer.one"), "H3")
        with pytest.raises(NotFound):
            sharing.share_subject(session, user(session, "officer.far"), hidden.id, peer.agency_id or 0)
        theirs = person(session, user(session, "officer.one"))
        theirs.source, theirs.source_id = "node:ru-mia", "12"
        with pytest.raises(Conflict):
            sharing.share_subject(session, user(session, "officer.one"), theirs.id, peer.agency_id or 0)
        with pytest.raises(Conflict):  # an agency without a node
            sharing.share_subject(
                session, user(session, "officer.one"), hidden.id, agency(session, "Lao police", "LA").id
            )
        assert dispatches(session) == []


def test_a_confirmed_hit_on_a_partners_person_alerts_that_partner(api: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        make_peer(session, "kz-aca", "KZ")
        subject = person(session, user(session, "officer.one"))
        subject.source, subject.source_id = "node:kz-aca", "41"
    found = api.post("/api/v1/screen", json={"name": "Tran Van Binh", "birth_date": "1975-06-02"},
                     headers=officer.headers)  # fmt: skip
    (hit,) = found.json()["results"][0]["hits"]
    decision = {"decision": "confirm", "reason": "passport photo"}
    decided = api.post(
        f"/api/v1/screening/hits/{hit['hit_id']}/decision", json=decision, headers=officer.headers
    )
    assert decided.status_code == 200, decided.text
    with unit_of_work(engine) as session:
        (alert,) = dispatches(session)
        assert alert.type == sharing.HIT_ALERT and alert.status == "sent"
        assert alert.body["subject_id"] == 41 and alert.body["reason"] == "passport photo"
        assert alert.body["record"]["name"] == "Tran Van Binh"


def test_engagement_minutes_go_to_a_partner_that_was_there_and_follow_ups_follow(engine: Engine) -> None:
    make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        officer = user(session, "officer.one")
        absent = agency(session, "Lao police", "LA")
        minutes = EngagementIn(kind="talks", title="Talks with the ACA", held_on=date(2026, 3, 12),
                               agency_ids=[peer.agency_id or 0], summary="Lists to exchange.")  # fmt: skip
        talks = engagements.create_engagement(session, officer, minutes)
        pledge = engagements.create_commitment(session, officer, CommitmentIn(
            engagement_id=talks.id, text="Exchange lists of fugitives", kind="agreed"))  # fmt: skip
        with pytest.raises(Conflict):
            sharing.share_engagement(session, officer, talks.id, absent.id)
        shared = sharing.share_engagement(session, officer, talks.id, peer.agency_id or 0)
        assert (
            shared.status == "sent" and shared.body["commitments"][0]["text"] == "Exchange lists of fugitives"
        )
        assert shared.body["origin"] == keys.load().node_id  # this node, whoever made its keys first
        engagements.follow_up(
            session, officer, pledge.id, FollowUpIn(note="First list sent.", status="in_progress")
        )
        follow = dispatches(session)[-1]
        assert follow.type == sharing.FOLLOW_UP and follow.peer_id == peer.id
        assert (follow.body["origin"], follow.body["id"], follow.body["status"]) == (
            keys.load().node_id,
            pledge.id,
            "in_progress",
        )


def headers(session: Session) -> list[dict[str, object]]:
    """The signed headers of the outgoing log, in order: what the receiver will read."""
    logged = session.scalars(select(OutgoingEnvelope).order_by(OutgoingEnvelope.sequence))
    return [json.loads(envelope.header) for envelope in logged]


def test_what_is_shared_says_where_it_may_go_and_never_goes_elsewhere(engine: Engine) -> None:
    make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        officer = user(session, "officer.one")
        subject = person(session, officer)
        with pytest.raises(Forbidden):  # releasable to Russia and Laos only, not to Kazakhstan
            sharing.share_subject(session, officer, subject.id, peer.agency_id or 0, "RU, LA")
        assert dispatches(session) == [] and headers(session) == []
        sent = sharing.share_subject(session, officer, subject.id, peer.agency_id or 0)
        minutes = EngagementIn(kind="talks", title="Talks", held_on=date(2026, 3, 12),
                               agency_ids=[peer.agency_id or 0])  # fmt: skip
        talks = engagements.create_engagement(session, officer, minutes)
        pledge = engagements.create_commitment(
            session, officer, CommitmentIn(engagement_id=talks.id, text="Exchange lists", kind="agreed")
        )
        with pytest.raises(Forbidden):
            sharing.share_engagement(session, officer, talks.id, peer.agency_id or 0, "RU")
        sharing.share_engagement(session, officer, talks.id, peer.agency_id or 0, "ru, kz")
        engagements.follow_up(session, officer, pledge.id, FollowUpIn(note="Sent.", status="in_progress"))
        assert sent.releasability == "KZ"
        assert [(h["type"], h["releasability"]) for h in headers(session)] == [
            (sharing.SUBJECT_SHARE, "KZ"),
            (sharing.ENGAGEMENT_SHARE, "KZ,RU"),
            (sharing.FOLLOW_UP, "KZ"),
        ]


def test_a_partners_restricted_person_leaves_in_no_export_until_its_owner_permits(
    api: TestClient, engine: Engine
) -> None:
    supervisor = make_account(engine, "supervisor", "sup.one", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        person(session, user(session, "sup.one"), "H2", "Our Own Restricted")
        theirs = person(session, user(session, "sup.one"), "H2", "Partner Restricted")
        theirs.source, theirs.source_id = "node:kz-aca", "41"
        theirs_id = theirs.id
    named = api.post(
        "/api/v1/exchange/stix/export", json={"subject_ids": [theirs_id]}, headers=supervisor.headers
    )
    assert named.status_code == 403 and named.headers["content-type"] == "application/problem+json"
    assert "kz-aca" in named.json()["detail"] and "permission" in named.json()["detail"]

    def exported() -> tuple[str, str]:
        bundle = api.get("/api/v1/exchange/stix/export", headers=supervisor.headers)
        table = api.get("/api/v1/subjects/export", params={"format": "csv"}, headers=supervisor.headers)
        assert bundle.status_code == table.status_code == 200
        return bundle.text, table.text

    for text in exported():
        assert "Our Own Restricted" in text and "Partner Restricted" not in text
    with unit_of_work(engine) as session:  # the owner's `subject.permission` envelope arrives
        incoming = IncomingEnvelope(type=sharing.SUBJECT_PERMISSION, body={"body": {"subject_id": 41}})
        sharing.receive_permission(session, session.get(Peer, peer.id), incoming)
    for text in exported():
        assert "Partner Restricted" in text
    again = api.post(
        "/api/v1/exchange/stix/export", json={"subject_ids": [theirs_id]}, headers=supervisor.headers
    )
    assert again.status_code == 200, again.text


def test_the_owner_permits_passing_on_through_dispatch(engine: Engine) -> None:
    make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        officer = user(session, "officer.one")
        subject = person(session, officer, "H2")
        sent = sharing.permit_passing_on(session, officer, subject.id, peer.agency_id or 0)
        assert (sent.type, sent.status, sent.body["subject_id"]) == (
            sharing.SUBJECT_PERMISSION,
            "sent",
            subject.id,
        )
        subject.source, subject.source_id = "node:ru-mia", "7"
        with pytest.raises(Conflict):  # a partner's copy: only its owner permits
            sharing.permit_passing_on(session, officer, subject.id, peer.agency_id or 0)


def test_a_partners_copy_is_changed_by_its_owner_only(api: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        theirs = person(session, user(session, "officer.one"))
        theirs.source, theirs.source_id = "node:kz-aca", "41"
        theirs_id = theirs.id
    for method, path, body in (
        ("PATCH", f"/api/v1/subjects/{theirs_id}", {"believed_country": "VN"}),
        ("POST", f"/api/v1/subjects/{theirs_id}/status", {"status": "located", "note": "seen"}),
    ):
        refused = api.request(method, path, json=body, headers=officer.headers)
        assert refused.status_code == 409 and refused.headers["content-type"] == "application/problem+json"
        assert "owned by node kz-aca; ask its owner" in refused.json()["detail"]
    with unit_of_work(engine) as session:
        copy = session.get(Subject, theirs_id)
        assert copy is not None and (copy.believed_country, copy.status) == ("", "sought")
        from liaison.exchange import requests_flow
        from liaison.subjects import service
        from liaison.subjects.schemas import SubjectPatch

        owner = requests_flow.node_actor(session.get(Peer, peer.id) or peer, UNIT)  # the owner's share
        service.update_subject(session, owner, theirs_id, SubjectPatch(believed_country="KZ"))
        assert copy.believed_country == "KZ"


def alert_from(session: Session, peer: Peer, subject_id: int, number: int) -> None:
    """The `hit.alert` envelope the partner's node sends when its officer confirms a hit."""
    body = {"subject_id": subject_id, "hit_id": number, "score": 0.97, "matched_name": "Tran Van Binh",
            "decided_at": "2026-03-12T08:00:00", "reason": "passport photo"}  # fmt: skip
    incoming = IncomingEnvelope(type=sharing.HIT_ALERT, message_id=f"alert-{number}", body={"body": body})
    sharing.receive_alert(session, peer, incoming)


def test_a_partners_alert_is_a_proposal_our_officer_accepts_or_refuses(
    api: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        ours = person(session, user(session, "officer.one"))
        alert_from(session, peer, ours.id, 1)
        alert_from(session, peer, ours.id, 2)
        assert (ours.status, ours.believed_country) == ("sought", "")  # nothing changed by the partner
        first, second = sorted(
            sharing.alerts_about(session, user(session, "officer.one"), ours), key=lambda a: a.id
        )
        assert (first.proposed_status, first.proposed_country, first.proposed_by) == (
            "located",
            "KZ",
            "node:kz-aca",
        )
        assert second.proposed_status == ""  # "located" is proposed once, by the first alert
        ours_id = ours.id
    # the status is proposed as every change of status is: one subjects proposal, naming the alert
    (proposal,) = api.get(f"/api/v1/subjects/{ours_id}", headers=officer.headers).json()["proposals"]
    assert (proposal["status"], proposal["alert_id"]) == ("located", first.id)
    assert "kz-aca" in proposal["reason"]
    sign_in_pages(api, officer, f"/subjects/{ours_id}")
    page = api.get(f"/subjects/{ours_id}")
    assert (
        "proposes status located" in page.text and f'action="/exchange/alerts/{first.id}/accept"' in page.text
    )
    # shown once: in the partners' alerts (with its country), not again among the status proposals
    assert f"/subjects/{ours_id}/proposals/{proposal['id']}" not in page.text
    assert "Proposed changes of status" not in page.text
    unexplained = api.post(f"/api/v1/exchange/alerts/{second.id}/refuse", json={}, headers=officer.headers)
    assert unexplained.status_code == 422
    accepted = api.post(f"/api/v1/exchange/alerts/{first.id}/accept", json={}, headers=officer.headers)
    assert accepted.status_code == 200 and accepted.json()["decision"] == "accepted"
    again = api.post(f"/api/v1/exchange/alerts/{first.id}/accept", json={}, headers=officer.headers)
    assert again.status_code == 409
    refused = api.post(f"/api/v1/exchange/alerts/{second.id}/refuse", json={"reason": "Same trip."},
                       headers=officer.headers)  # fmt: skip
    assert refused.json()["decision"] == "refused"
    subject = api.get(f"/api/v1/subjects/{ours_id}", headers=officer.headers).json()
    assert (subject["status"], subject["believed_country"]) == ("located", "KZ")
    assert (
        "kz-aca" in subject["status_history"][-1]["note"]
        and subject["status_history"][-1]["actor"] == "officer.one"
    )
    with unit_of_work(engine) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "hit_alert")
        ).all()
        assert sorted(actions) == ["accept alert", "refuse alert"]
        decided = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "subject", AuditEvent.object_id == str(ours_id)
            )
        ).all()
        assert "propose status" in decided and "confirm proposal" in decided
        (made,) = session.scalars(
            select(SubjectStatusProposal).where(SubjectStatusProposal.subject_id == ours_id)
        )
        assert (made.decision, made.decided_by) == ("confirmed", "officer.one")


def test_refusing_a_partners_alert_dismisses_its_proposal_and_changes_nothing(
    api: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        ours = person(session, user(session, "officer.one"))
        alert_from(session, peer, ours.id, 1)
        (alert,) = sharing.alerts_about(session, user(session, "officer.one"), ours)
        ours_id, alert_id = ours.id, alert.id
    refused = api.post(f"/api/v1/exchange/alerts/{alert_id}/refuse", json={"reason": "Not him."},
                       headers=officer.headers)  # fmt: skip
    assert refused.status_code == 200 and refused.json()["decision"] == "refused"
    subject = api.get(f"/api/v1/subjects/{ours_id}", headers=officer.headers).json()
    assert (subject["status"], subject["believed_country"], subject["proposals"]) == ("sought", "", [])
    with unit_of_work(engine) as session:
        (made,) = session.scalars(
            select(SubjectStatusProposal).where(SubjectStatusProposal.alert_id == alert_id)
        )
        assert (made.decision, made.decided_by) == ("dismissed", "officer.one")
        actions = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "subject", AuditEvent.object_id == str(ours_id)
            )
        ).all()
        assert "dismiss proposal" in actions


def test_the_sharing_page_sets_where_it_may_go_and_the_owner_permits_passing_on(
    api: TestClient, engine: Engine
) -> None:
    supervisor = make_account(engine, "supervisor", "sup.one", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        agency_id, subject_id = peer.agency_id or 0, person(session, user(session, "sup.one"), "H2").id
    sign_in_pages(api, supervisor, "/exchange/sharing")
    page = api.get("/exchange/sharing")
    assert (
        'name="subject_releasability"' in page.text and 'action="/exchange/sharing/permission"' in page.text
    )
    form = {"csrf_token": csrf_token(api, "/exchange/sharing"), "subject_id": str(subject_id),
            "subject_agency_id": str(agency_id), "subject_releasability": "RU, LA"}  # fmt: skip
    refused = api.post("/exchange/sharing/subject", data=form, follow_redirects=False)
    assert refused.status_code == 403 and "releasable to LA, RU only" in refused.text
    with unit_of_work(engine) as session:
        assert dispatches(session) == [] and headers(session) == []
    shared = api.post("/exchange/sharing/subject", data=form | {"subject_releasability": "kz"})
    assert shared.status_code == 200 and "Waiting for approval" in shared.text  # H2: a supervisor approves
    with unit_of_work(engine) as session:
        assert [(d.type, d.releasability) for d in dispatches(session)] == [(sharing.SUBJECT_SHARE, "KZ")]
    subject_page = api.get(f"/subjects/{subject_id}")
    assert "Shared with partners" in subject_page.text and "may not pass it on" in subject_page.text
    permit = {"csrf_token": csrf_token(api, f"/subjects/{subject_id}"), "permission_id": str(subject_id),
              "permission_agency_id": str(agency_id), "next": f"/subjects/{subject_id}"}  # fmt: skip
    answered = api.post("/exchange/sharing/permission", data=permit, follow_redirects=False)
    assert answered.status_code == 303 and answered.headers["location"] == f"/subjects/{subject_id}"
    assert "may pass it on" in api.get(f"/subjects/{subject_id}").text
    with unit_of_work(engine) as session:
        assert [d.type for d in dispatches(session)] == [sharing.SUBJECT_SHARE, sharing.SUBJECT_PERMISSION]
    offsite = api.post(
        "/exchange/sharing/permission", data=permit | {"next": "//evil.example"}, follow_redirects=False
    )
    assert offsite.headers["location"] == "/"  # never to another site


def test_a_persons_page_finds_where_it_was_sent_by_index_not_by_reading_every_dispatch(
    sqlite_engine: Engine,
) -> None:
    """Every person's page asks which partners it went to: that must not read every dispatch
    this node ever made (SQLite's own plan)."""
    make_account(sqlite_engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(sqlite_engine) as session:
        peer = make_peer(session, "kz-aca", "KZ")
        officer = user(session, "officer.one")
        subject = person(session, officer)
        sharing.share_subject(session, officer, subject.id, peer.agency_id or 0)
    with unit_of_work(sqlite_engine) as session, plans_reading(sqlite_engine, "exchange_dispatch") as plans:
        shared = sharing.subject_shared_with(session, user(session, "officer.one"), subject)
    assert [s.peer.node_id for s in shared] == ["kz-aca"]
    assert not scans(plans, "exchange_dispatch"), plans
