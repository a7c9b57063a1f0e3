"""Messages, dispatch approval and correspondence on one node, on SQLite and PostgreSQL: what
waits for a supervisor, what is refused before it can enter the outgoing log, and what the gate
hides. The two-node end to end lives in test_messages_e2e.py."""

from __future__ import annotations

from datetime import date

import pytest
from nacl.encoding import HexEncoder
from nacl.public import PrivateKey
from nacl.signing import SigningKey
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from liaison.core.db import unit_of_work
from liaison.core.errors import Conflict, Forbidden, Invalid, NotFound
from liaison.core.models import AuditEvent
from liaison.core.security.policy import SystemActor
from liaison.exchange import correspondence, dispatch, keys, messages
from liaison.exchange.message_models import Dispatch, Message
from liaison.exchange.message_schemas import CorrespondenceIn, MessageIn
from liaison.exchange.models import Evidence, OutgoingEnvelope, Peer
from tests.registry.factories import agency

UNIT = "international-cooperation"
OFFICER = SystemActor(username="officer.one", role="officer", unit=UNIT)
ANALYST = SystemActor(username="analyst.one", role="analyst", unit=UNIT)
OTHER_UNIT_OFFICER = SystemActor(username="officer.far", role="officer", unit="drugs")
SUPERVISOR = SystemActor(username="supervisor.one", role="supervisor", unit=UNIT)
OTHER_SUPERVISOR = SystemActor(username="supervisor.two", role="supervisor", unit="drugs")
AUDITOR = SystemActor(username="auditor.one", role="auditor", unit=UNIT)


def ensure_node_keys() -> None:
    """This node's keys under the test home (made once per worker)."""
    if not keys.exists():
        keys.init("vn-mps")


@pytest.fixture(autouse=True)
def node_identity() -> None:
    ensure_node_keys()


def make_peer(session: Session, node_id: str = "ru-mia", country: str = "RU", **extra: object) -> Peer:
    """A partner node with real keys, verified and active unless told otherwise."""
    signing, encryption = SigningKey.generate(), PrivateKey.generate()
    home = agency(session, f"Agency of {node_id}", country=country)
    peer = Peer(
        node_id=node_id,
        agency_id=home.id,
        base_url=f"http://{node_id}.example",
        signing_key=signing.verify_key.encode(HexEncoder).decode(),
        encryption_key=encryption.public_key.encode(HexEncoder).decode(),
        fingerprint_verified=extra.get("verified", True),
        status=str(extra.get("status", "active")),
    )
    session.add(peer)
    session.flush()
    return peer


def draft(peer: Peer, **extra: object) -> MessageIn:
    return MessageIn.model_validate(
        {"peer_id": peer.id, "subject": "Meeting on 12 March", "body": "Text.", **extra}
    )


def log_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutgoingEnvelope)) or 0


def test_h1_message_leaves_at_once_with_submitted_evidence(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        message = messages.compose(session, OFFICER, draft(peer, handling_code="H1", evaluation="B2"))
        state = messages.delivery(session, message)
        assert state.status == "queued"
        assert state.envelope is not None and state.envelope.evaluation == "B2"
        assert [e.stage for e in state.evidence] == ["submitted"]
        assert message.message_id == state.envelope.message_id
        assert log_size(session) == 1


def test_h2_message_waits_for_a_supervisor_then_enters_the_log(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        message = messages.compose(session, OFFICER, draft(peer, handling_code="H2"))
        assert messages.delivery(session, message).status == "pending"
        assert log_size(session) == 0
        queue, total = dispatch.approval_queue(session, SUPERVISOR)
        assert total == 1 and queue[0].source_id == message.id
        dispatch.approve(session, SUPERVISOR, queue[0].id, "checked")
        assert messages.delivery(session, message).status == "queued"
        envelope = session.scalar(select(OutgoingEnvelope))
        assert envelope is not None and envelope.message_id == message.message_id
        assert envelope.handling_code == "H2" and envelope.sequence == 1
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "approve")) is not None


def test_refused_dispatch_never_enters_the_log(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        message = messages.compose(session, OFFICER, draft(peer, handling_code="H3"))
        pending = session.get(Dispatch, message.dispatch_id)
        assert pending is not None
        with pytest.raises(Invalid):
            dispatch.refuse(session, SUPERVISOR, pending.id, "  ")
        dispatch.refuse(session, SUPERVISOR, pending.id, "Not for this partner.")
        assert messages.delivery(session, message).status == "refused"
        with pytest.raises(Conflict):
            dispatch.approve(session, SUPERVISOR, pending.id)
        assert log_size(session) == 0
        assert message.message_id is None


def test_a_supervisor_does_not_approve_their_own_dispatch(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        message = messages.compose(session, SUPERVISOR, draft(peer, handling_code="H2"))
        with pytest.raises(Forbidden):
            dispatch.approve(session, SUPERVISOR, message.dispatch_id or 0)
        assert log_size(session) == 0


def test_only_supervisors_approve(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        message = messages.compose(session, ANALYST, draft(peer, handling_code="H2"))
        with pytest.raises(Forbidden):
            dispatch.approve(session, OFFICER, message.dispatch_id or 0)
        assert log_size(session) == 0


def test_h3_dispatch_is_hidden_from_a_supervisor_of_another_unit(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        message = messages.compose(session, OFFICER, draft(peer, handling_code="H3"))
        assert dispatch.approval_queue(session, OTHER_SUPERVISOR) == ([], 0)
        with pytest.raises(NotFound):
            dispatch.approve(session, OTHER_SUPERVISOR, message.dispatch_id or 0)
        assert log_size(session) == 0


def test_a_user_who_cannot_read_a_record_cannot_send_it(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer, other = make_peer(session), make_peer(session, "la-mps", "LA")
        message = messages.compose(session, OFFICER, draft(peer, handling_code="H1"))
        message.handling_code = "H3"  # the record is now restricted to its unit
        with pytest.raises(NotFound):
            dispatch.request_dispatch(
                session,
                OTHER_UNIT_OFFICER,
                peer=other,
                type="message",
                body={},
                handling_code="H0",
                owning_unit="drugs",
                source_type="message",
                source_id=message.id,
                record=message,
            )
        with pytest.raises(NotFound):
            messages.forward(session, OTHER_UNIT_OFFICER, message.id, other.id)
        assert log_size(session) == 1


def test_unverified_and_suspended_peers_are_refused_before_anything_is_kept(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        unverified = make_peer(session, "th-rtp", "TH", verified=False)
        suspended = make_peer(session, "kh-gdp", "KH", status="suspended")
        for peer in (unverified, suspended):
            with pytest.raises(Conflict), session.begin_nested():
                messages.compose(session, OFFICER, draft(peer))
        assert session.scalar(select(func.count()).select_from(Message)) == 0
        assert log_size(session) == 0


def test_releasability_keeps_material_from_peers_of_other_countries(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        russia, laos = make_peer(session), make_peer(session, "la-mps", "LA")
        with pytest.raises(Forbidden), session.begin_nested():
            messages.compose(session, OFFICER, draft(russia, releasability="LA, KH"))
        sent = messages.compose(session, OFFICER, draft(laos, releasability="la,kh"))
        assert sent.releasability == "KH,LA"
        with pytest.raises(Invalid):
            messages.compose(session, OFFICER, draft(laos, releasability="Laos!"))
        assert log_size(session) == 1


def test_evaluation_is_source_and_information() -> None:
    assert messages.check_evaluation("b2") == "B2"
    assert messages.check_evaluation("") is None
    for bad in ("D1", "A5", "AA"):
        with pytest.raises(Invalid):
            messages.check_evaluation(bad)


def test_outbox_and_thread_follow_the_gate(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        open_one = messages.compose(session, OFFICER, draft(peer, subject="Open"))
        messages.compose(session, OFFICER, draft(peer, subject="Restricted", handling_code="H3"))
        items, total = messages.mailbox(session, OTHER_UNIT_OFFICER, "out")
        assert total == 1 and [m.subject for m in items] == ["Open"]
        assert len(messages.mailbox(session, OFFICER, "out")[0]) == 2
        reply = messages.compose(session, OFFICER, draft(peer, subject="Re: Open", reply_to=open_one.id))
        assert reply.thread == open_one.thread and reply.in_reply_to == open_one.message_id
        assert [m.subject for m in messages.thread(session, OTHER_UNIT_OFFICER, open_one.thread)] == [
            "Open",
            "Re: Open",
        ]
        with pytest.raises(Forbidden):
            messages.mailbox(session, AUDITOR, "out")


def test_correspondence_log_records_notes_verbales_and_letters(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        ours, theirs = agency(session, "MPS", country="VN"), agency(session, "Embassy", country="RU")
        entry = CorrespondenceIn(
            direction="out",
            kind="note_verbale",
            reference="123/BCA",
            dated=date(2026, 3, 4),
            from_agency_id=ours.id,
            to_agency_id=theirs.id,
            subject="Visit of the delegation",
        )
        item = correspondence.record(
            session, OFFICER, entry, correspondence.Document("nv.pdf", "application/pdf", b"%PDF-1.4 note")
        )
        assert len(item.sha256) == 64 and item.size_bytes == 13
        with pytest.raises(Invalid):
            correspondence.record(session, OFFICER, entry.model_copy(update={"to_agency_id": ours.id}))
        items, total = correspondence.log(session, OFFICER, agency_id=theirs.id, text="123")
        assert total == 1 and items[0].reference == "123/BCA"
        with pytest.raises(Forbidden):
            correspondence.record(session, ANALYST, entry)


def test_evidence_lists_every_stage_of_a_sent_message(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        message = messages.compose(session, OFFICER, draft(peer))
        stages = session.scalars(select(Evidence.stage).where(Evidence.message_id == message.message_id))
        assert list(stages) == ["submitted"]


def test_demo_loads_once_with_a_dispatch_waiting(engine: Engine) -> None:
    from liaison.exchange import demo
    from liaison.registry import demo as registry_demo

    with unit_of_work(engine) as session:
        registry_demo.load(session, "demo")
        demo.load(session, "demo")
        demo.load(session, "demo")
        queue, total = dispatch.approval_queue(session, SUPERVISOR)
        assert total == 1 and queue[0].summary == "Subscriber data of a telephone number"
        assert log_size(session) == 2
        assert session.scalar(select(func.count()).select_from(Peer)) == 2
        items, _ = correspondence.log(session, OFFICER)
        assert [c.reference for c in items] == ["1204/MVD-2025"]
