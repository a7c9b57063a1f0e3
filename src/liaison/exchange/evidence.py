"""Evidence after acceptance: delivered, opened by a user, answered — flowing back as signed messages.

The receiver calls `record_evidence(session, incoming, stage, user)` when something happens to a
message it accepted; the stage is recorded here and travels back to the sender as an `evidence`
envelope on the same log, whose handler adds it to the sender's chain for that message.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Invalid
from liaison.exchange import envelope, keys, outbox
from liaison.exchange.handlers import handle
from liaison.exchange.models import EVIDENCE_STAGES, Evidence, IncomingEnvelope, OutgoingEnvelope, Peer

EVIDENCE_TYPE = "evidence"
RETURNED_STAGES = ("delivered", "opened", "answered")


def record_evidence(session: Session, incoming: IncomingEnvelope, stage: str, user: str) -> Evidence:
    """Record `stage` (delivered, opened, answered) of a received message and send it back signed."""
    if stage not in RETURNED_STAGES:
        raise Invalid(
            "Evidence sent back is delivered, opened or answered.",
            fields={"stage": "Choose delivered, opened or answered."},
        )
    identity = keys.load()
    now = utcnow()
    evidence = Evidence(message_id=incoming.message_id, stage=stage, node=identity.node_id, user=user, at=now)
    session.add(evidence)
    peer = session.get(Peer, incoming.peer_id)
    assert peer is not None
    outbox.enqueue(
        session,
        peer=peer,
        type=EVIDENCE_TYPE,
        body={"message_id": incoming.message_id, "stage": stage, "user": user, "at": envelope.timestamp(now)},
        handling_code=incoming.handling_code,
        owning_unit=incoming.owning_unit,
        actor=user,
        thread=incoming.thread,
        in_reply_to=incoming.message_id,
        identity=identity,
        audited=False,
    )
    audit.record(
        session, user, "evidence", "exchange_envelope", incoming.message_id, detail=stage, protected=incoming
    )
    return evidence


def chain(session: Session, message_id: str) -> list[Evidence]:
    """Every stage of a message in the order of its life (submitted, accepted, delivered, opened,
    answered), each stage's entries oldest first: its chain of evidence.

    Not by time alone: a partner that answers while it accepts (a ping) stamps the answer before
    the receipt of the acceptance it is part of."""
    found = session.scalars(select(Evidence).where(Evidence.message_id == message_id))
    return sorted(found, key=lambda e: (EVIDENCE_STAGES.index(e.stage), e.at, e.id))


@handle(EVIDENCE_TYPE)
def on_evidence(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A partner's evidence about a message this node sent it joins that message's chain."""
    body = incoming.body["body"]
    sent = session.scalar(
        select(OutgoingEnvelope.id).where(
            OutgoingEnvelope.message_id == str(body.get("message_id")), OutgoingEnvelope.peer_id == peer.id
        )
    )
    if sent is None or body.get("stage") not in RETURNED_STAGES:
        raise Invalid("Evidence from {node_id} is about no message this node sent it.", node_id=peer.node_id)
    session.add(
        Evidence(
            message_id=body["message_id"],
            stage=body["stage"],
            node=peer.node_id,
            user=str(body.get("user", ""))[:80],
            at=envelope.parse_timestamp(body["at"]),
            signature=incoming.signature,
        )
    )


PING_TYPE = "ping"


@handle(PING_TYPE)
def on_ping(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A partner checks the path end to end: its signed receipt says delivered; unless the ping says
    `"answer": false`, the answer is `answered` evidence, signed, sent back on the log."""
    if incoming.body["body"].get("answer", True):
        record_evidence(session, incoming, "answered", audit.SYSTEM_ACTOR)
