"""The remote thread of a request that travelled to a partner's node, for the request's page (the
exchange's `request_view`): what this node sent on the thread (waiting for approval, refused,
queued, accepted or rejected by the partner) and what the partner sent back, each with its chain of
evidence (submitted, accepted, delivered, opened, answered), oldest first.

The reader sees it only with the exchange's reading role, and only the envelopes and dispatches the
record-access gate lets them read; the request page has already read the request through the gate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.capability import Panel
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.exchange import evidence, requests_flow
from liaison.exchange.message_models import Dispatch
from liaison.exchange.models import Evidence, IncomingEnvelope, OutgoingEnvelope, Peer

READ = "exchange.messages"
TEMPLATE = "exchange/_request_thread.html"


@dataclass
class ThreadEntry:
    """One step of the conversation with the partner's node about a request."""

    at: datetime
    direction: str  # "out" | "in"
    type: str
    summary: str
    state: str  # pending | refused | queued | accepted | rejected | received
    peer: str
    reason: str = ""
    evidence: list[Evidence] = field(default_factory=list)


def _incoming_summary(incoming: IncomingEnvelope) -> str:
    body = requests_flow.sent_body(incoming)
    if incoming.type == requests_flow.REQUEST_UPDATE:
        return f"{body.get('transition', '')}: {body.get('reason', '')}".strip(": ")
    if incoming.type == requests_flow.REQUEST_INFO:
        return str(body.get("text", ""))
    return str(body.get("title", ""))


def thread_entries(session: Session, actor: Actor, thread: str) -> list[ThreadEntry]:
    """Both directions of a thread that this reader may read, oldest first, with their evidence."""
    peers = {p.id: p.node_id for p in session.scalars(select(Peer))}
    sent = {
        e.message_id: e
        for e in session.scalars(
            select(OutgoingEnvelope).where(
                OutgoingEnvelope.thread == thread, gate.readable(actor, OutgoingEnvelope)
            )
        )
    }
    entries: list[ThreadEntry] = []
    for asked in session.scalars(
        select(Dispatch)
        .where(Dispatch.thread == thread, gate.readable(actor, Dispatch))
        .order_by(Dispatch.id)
    ):
        envelope = sent.get(asked.message_id or "")
        state = envelope.state if envelope is not None else asked.status
        reason = envelope.reject_reason if envelope is not None else asked.reason
        chain = evidence.chain(session, asked.message_id) if asked.message_id else []
        peer = peers.get(asked.peer_id, "")
        entries.append(
            ThreadEntry(asked.requested_at, "out", asked.type, asked.summary, state, peer, reason, chain)
        )
    for incoming in session.scalars(
        select(IncomingEnvelope).where(
            IncomingEnvelope.thread == thread,
            IncomingEnvelope.type != evidence.EVIDENCE_TYPE,  # already in the chains below
            gate.readable(actor, IncomingEnvelope),
        )
    ):
        summary, peer = _incoming_summary(incoming), peers.get(incoming.peer_id, "")
        chain = evidence.chain(session, incoming.message_id)
        entries.append(
            ThreadEntry(incoming.received_at, "in", incoming.type, summary, "received", peer, "", chain)
        )
    entries.sort(key=lambda entry: entry.at)
    return entries


def contribute(session: Session, actor: Actor, request: Any) -> list[Panel]:
    """The request page's section on its remote thread, when the request travelled."""
    thread = getattr(request, "remote_thread", None)
    if not thread or not may(actor, READ):
        return []
    entries = thread_entries(session, actor, thread)
    return [Panel(TEMPLATE, {"thread": thread, "entries": entries})]
