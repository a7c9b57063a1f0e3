"""What the requests capability adds to other records' pages (its `subject_view` and
`engagement_view`): the requests naming a person sought, and the requests that follow from an
engagement or from one of its commitments — only those the reader may read (through the gate),
with each one's kind, direction and state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from liaison.core import bilingual
from liaison.core.capability import Panel, RecordLink
from liaison.core.i18n import current_language
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.requests.kinds import request_kinds
from liaison.requests.models import CooperationRequest, RequestSubject
from liaison.requests.service import LIST_DEFERRED

TEMPLATE = "requests/_linked_requests.html"
LIMIT = 200


def _panel(requests: list[CooperationRequest], which: str, relation: str) -> list[Panel]:
    if not requests:
        return []
    vocabulary = request_kinds()
    states = vocabulary.states()  # once, not once per request shown
    language = current_language.get()
    links = tuple(
        RecordLink(
            "request",
            r.id,
            bilingual.shown(r, "title", language) or f"Request {r.id}",
            f"/requests/{r.id}",
            relation,
        )
        for r in requests
    )
    rows = [
        {
            "request": r,
            "kind": vocabulary.kinds[r.kind].label(language) if r.kind in vocabulary.kinds else r.kind,
            "state": states.get(r.status, r.status),
        }
        for r in requests
    ]
    return [Panel(TEMPLATE, {"rows": rows, "which": which, "lang": language}, links)]


def _readable(session: Session, actor: Actor, *where: Any) -> list[CooperationRequest]:
    query = (
        select(CooperationRequest)
        .where(gate.readable(actor, CooperationRequest), *where)
        .options(*LIST_DEFERRED)
        .order_by(CooperationRequest.id.desc())
        .limit(LIMIT)
    )
    return list(session.scalars(query))


def subject_requests(session: Session, actor: Actor, subject: Any) -> list[Panel]:
    """The requests naming this person sought."""
    if not may(actor, "requests.read"):
        return []
    named = select(RequestSubject.request_id).where(RequestSubject.subject_id == subject.id)
    return _panel(_readable(session, actor, CooperationRequest.id.in_(named)), "subject", "names")


def engagement_requests(session: Session, actor: Actor, engagement: Any) -> list[Panel]:
    """The requests that follow from this engagement or from one of its commitments."""
    if not may(actor, "requests.read"):
        return []
    commitment_ids = [c.id for c in getattr(engagement, "commitments", [])]
    follows = [CooperationRequest.engagement_id == engagement.id]
    if commitment_ids:
        follows.append(CooperationRequest.commitment_id.in_(commitment_ids))
    return _panel(_readable(session, actor, or_(*follows)), "engagement", "follows from")
