"""Requests across nodes on one node, on SQLite and PostgreSQL: what a submitted request to a
partner with a node asks for (a supervisor's approval, then the log), what stays local, and that a
step the partner's node made is never sent back. The two-node end to end is test_requests_e2e.py."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison import capabilities
from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict
from liaison.core.models import User
from liaison.core.settings import get_settings
from liaison.exchange import dispatch, keys, peers, request_thread, requests_flow
from liaison.exchange.message_models import Dispatch
from liaison.exchange.models import OutgoingEnvelope, Peer
from liaison.registry.models import Agency
from liaison.requests import service
from liaison.requests.models import CooperationRequest
from tests.conftest import make_account
from tests.exchange.test_messages import make_peer
from tests.requests.factories import PDF, agency, request_data

UNIT = "international-cooperation"


@pytest.fixture(autouse=True)
def node() -> None:
    """This node's keys under the test home, and the capabilities' subscriptions, as `serve` has them."""
    if not keys.exists():
        keys.init("vn-mps")
    capabilities.install(capabilities.enabled())


def user(session: Session, name: str) -> User:
    return accounts.get_user(session, name)


def information_request(session: Session, requested: Agency, author: User) -> CooperationRequest:
    ours = agency(session, "Ministry of Public Security", "VN")
    data = request_data(ours, requested, kind="information_request", title="Whereabouts of Nguyễn Văn A",
                        details={"questions": "Current address?", "purpose": "investigation"},
                        our_reference="VN-2026-017", crime_areas=[])  # fmt: skip
    return service.create_request(session, author, data)


def to_partner(
    engine: Engine, session: Session, **peer_state: object
) -> tuple[Peer, User, CooperationRequest]:
    """An officer's information request to the agency of a partner node (and a supervisor)."""
    make_account(engine, "officer", "officer.one", unit=UNIT)
    make_account(engine, "supervisor", "supervisor.one", unit=UNIT)
    peer = make_peer(session, "kz-aca", "KZ", **peer_state)
    officer = user(session, "officer.one")
    requested = session.get(Agency, peer.agency_id)
    assert requested is not None
    return peer, officer, information_request(session, requested, officer)


def submit_and_approve(session: Session, officer: User, request: CooperationRequest) -> None:
    """The officer submits the request; a supervisor lets it go to the partner."""
    service.transition_request(session, officer, request.id, "submit")
    dispatch.approve(session, user(session, "supervisor.one"), dispatches(session)[0].id)


def dispatches(session: Session) -> list[Dispatch]:
    return list(session.scalars(select(Dispatch).order_by(Dispatch.id)))


def test_a_submitted_request_to_a_partner_node_waits_for_a_supervisor_then_enters_the_log(
    engine: Engine,
) -> None:
    with unit_of_work(engine) as session:
        _, officer, request = to_partner(engine, session)
        service.attach_document(
            session, officer, request.id, "other", "letter.pdf", PDF, get_settings().documents_dir, 10**6
        )
        service.transition_request(session, officer, request.id, "submit")
        (pending,) = dispatches(session)
        assert pending.status == "pending" and pending.type == requests_flow.REQUEST_CREATE
        assert pending.thread == request.remote_thread and request.remote_thread
        assert pending.body["reference"] == "VN-2026-017" and pending.body["kind"] == "information_request"
        assert [d["filename"] for d in pending.body["documents"]] == ["letter.pdf"]
        assert [a["sha256"] for a in pending.attachments] == [request.documents[0].sha256]
        assert session.scalar(select(OutgoingEnvelope)) is None
        dispatch.approve(session, user(session, "supervisor.one"), pending.id, "Checked.")
        envelope = session.scalar(select(OutgoingEnvelope))
        assert envelope is not None and envelope.type == requests_flow.REQUEST_CREATE
        assert envelope.thread == request.remote_thread and envelope.attachments == 1
        assert pending.releasability == "KZ" and json.loads(envelope.header)["releasability"] == "KZ"


def test_a_withdrawn_document_does_not_travel_to_the_partner(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        _, officer, request = to_partner(engine, session)
        root = get_settings().documents_dir
        kept = service.attach_document(session, officer, request.id, "other", "letter.pdf", PDF, root, 10**6)
        mistaken = service.attach_document(
            session, officer, request.id, "other", "notes.txt", b"Not for the partner", root, 10**6
        )
        service.withdraw_document(
            session, officer, request.id, mistaken.id, "Internal notes, attached by mistake"
        )
        service.transition_request(session, officer, request.id, "submit")
        (pending,) = dispatches(session)
        assert [d["filename"] for d in pending.body["documents"]] == ["letter.pdf"]
        assert [a["sha256"] for a in pending.attachments] == [kept.sha256]


def test_a_request_to_an_agency_without_a_node_stays_here(engine: Engine) -> None:
    make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        officer = user(session, "officer.one")
        request = information_request(session, agency(session, "Police of Laos", "LA"), officer)
        service.transition_request(session, officer, request.id, "submit")
        assert dispatches(session) == [] and request.remote_thread is None


def test_later_steps_travel_but_never_the_ones_the_partner_made(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer, officer, request = to_partner(engine, session)
        submit_and_approve(session, officer, request)
        node = requests_flow.node_actor(peer, request.owning_unit)
        with requests_flow.applying(session, peer):  # as the partner's `request.update` does
            service.transition_request(session, node, request.id, "acknowledge")
        assert len(dispatches(session)) == 1  # no echo
        service.transition_request(session, officer, request.id, "withdraw", reason="Found him at home.")
        update = dispatches(session)[-1]
        assert update.type == requests_flow.REQUEST_UPDATE and update.status == "sent"  # H0: no approval
        assert update.body["transition"] == "withdraw" and update.body["reason"] == "Found him at home."
        assert update.thread == request.remote_thread


def test_asking_the_partner_needs_a_request_that_travelled(engine: Engine) -> None:
    make_account(engine, "officer", "officer.one", unit=UNIT)
    with unit_of_work(engine) as session:
        officer = user(session, "officer.one")
        request = information_request(session, agency(session, "Police of Laos", "LA"), officer)
        with pytest.raises(Conflict):
            requests_flow.ask_partner(session, officer, request.id, "Which passport?")


def log(session: Session) -> list[tuple[int, str]]:
    return [
        (e.sequence, e.type) for e in session.scalars(select(OutgoingEnvelope).order_by(OutgoingEnvelope.id))
    ]


def test_steps_wait_while_the_peer_is_unverified_or_suspended_and_leave_in_order_once_it_is_usable(
    engine: Engine,
) -> None:
    make_account(engine, "admin", "admin.one")
    with unit_of_work(engine) as session:
        _, officer, request = to_partner(engine, session, verified=False)
        admin = user(session, "admin.one")
        submit_and_approve(session, officer, request)  # approved, but nobody to send it to yet
        (created,) = dispatches(session)
        assert (created.status, created.reason) == ("waiting", "waiting: peer unverified")
        assert request.remote_thread and log(session) == []
        (entry,) = request_thread.thread_entries(session, officer, request.remote_thread)
        assert (entry.state, entry.reason) == ("waiting", "waiting: peer unverified")  # the request's page
        peers.verify(session, admin, "kz-aca")
        assert created.status == "sent" and log(session) == [(1, requests_flow.REQUEST_CREATE)]
        peers.set_status(session, admin, "kz-aca", "suspended", "Keys under review.")
        service.transition_request(session, officer, request.id, "withdraw", reason="Found him at home.")
        requests_flow.ask_partner(session, officer, request.id, "Did you receive it?")
        waiting = dispatches(session)[1:]
        assert [(d.status, d.reason) for d in waiting] == [("waiting", "waiting: peer suspended")] * 2
        assert len(log(session)) == 1
        peers.set_status(session, admin, "kz-aca", "active", "Keys checked.")
        assert [d.status for d in waiting] == ["sent", "sent"]
        assert log(session) == [
            (1, requests_flow.REQUEST_CREATE),
            (2, requests_flow.REQUEST_UPDATE),
            (3, requests_flow.REQUEST_INFO),
        ]


def test_a_removed_peer_is_no_partner_node(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        _, officer, request = to_partner(engine, session, status="removed")
        service.transition_request(session, officer, request.id, "submit")
        assert dispatches(session) == [] and request.remote_thread is None


def test_asking_the_partner_is_a_comment_here_and_a_message_there(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        _, officer, request = to_partner(engine, session)
        submit_and_approve(session, officer, request)
        requests_flow.ask_partner(session, officer, request.id, "Is the address still current?")
        question = dispatches(session)[-1]
        assert question.type == requests_flow.REQUEST_INFO and question.status == "sent"
        assert question.body == {"kind": "question", "text": "Is the address still current?"}
        assert [c.body for c in request.comments] == ["Is the address still current?"]
