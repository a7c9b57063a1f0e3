"""What the exchange adds to a person sought's page (its `subject_view`):

- on a partner's copy (source `node:<owner>`), its provenance: every version the owner shared
  (which node, which envelope and sequence, the version's time in the owner's record, when it
  arrived), newest first; the copy changes only by these shares (`subjects.ensure_owned_here`);
- on one of ours, the partners it was shared with (for H2/H3, a button that lets one pass it on:
  `sharing.permit_passing_on`) and the partners' confirmed-hit alerts (`sharing.HitAlert`): what each proposes
  (located — its subjects status proposal, which the subjects' own list of proposals leaves to
  this panel so it is shown once — and believed in its country), with accept and refuse for who
  may change the person.

Only the envelopes and alerts the record-access gate lets the reader read are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.capability import Panel
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.exchange import requests_flow, sharing
from liaison.exchange.models import IncomingEnvelope, Peer
from liaison.subjects import service as subjects
from liaison.subjects.models import Subject

TEMPLATE = "exchange/_subject_panel.html"


@dataclass(frozen=True)
class SharedVersion:
    """One share of a partner's person sought: who sent which version, and when it arrived."""

    node: str
    message_id: str
    sequence: int
    modified: str  # the version's time in the owner's record (the STIX identity's `modified`)
    received_at: datetime


def versions(session: Session, actor: Actor, subject: Subject) -> list[SharedVersion]:
    """The owner's shares of this copy the reader may read, newest first."""
    owner = subjects.owner_node(subject)
    peer = session.scalar(select(Peer).where(Peer.node_id == owner)) if owner else None
    if peer is None:
        return []
    found = []
    for incoming in session.scalars(
        select(IncomingEnvelope)
        .where(
            IncomingEnvelope.peer_id == peer.id,
            IncomingEnvelope.type == sharing.SUBJECT_SHARE,
            gate.readable(actor, IncomingEnvelope),
        )
        .order_by(IncomingEnvelope.sequence.desc())
    ):
        bundle = requests_flow.sent_body(incoming).get("bundle") or {}
        for item in bundle.get("objects", []) if isinstance(bundle, dict) else []:
            if str(item.get("x_liaison_subject_id", "")) == subject.source_id:
                modified = str(item.get("modified", ""))
                found.append(
                    SharedVersion(
                        peer.node_id, incoming.message_id, incoming.sequence, modified, incoming.received_at
                    )
                )
    return found


def contribute(session: Session, actor: Actor, subject: Any) -> list[Panel]:
    """The provenance of a partner's copy, or the partners' alerts on one of ours."""
    if not isinstance(subject, Subject):
        return []
    owner = subjects.owner_node(subject)
    context: dict[str, Any]
    if owner is not None:
        context = {"owner": owner, "versions": versions(session, actor, subject)}
    else:
        alerts = sharing.alerts_about(session, actor, subject)
        shared_with = sharing.subject_shared_with(session, actor, subject)
        if not alerts and not shared_with:
            return []
        context = {
            "alerts": alerts,
            "may_decide": may(actor, sharing.ALERT_DECIDE),
            "shared_with": shared_with,
            "may_permit": may(actor, sharing.SHARE) and subject.handling_code in ("H2", "H3"),
        }
    return [Panel(TEMPLATE, {"subject_id": subject.id, **context})]
