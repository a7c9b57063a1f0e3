"""What screening adds to other records' pages (its `request_view` and `subject_view`): the
confirmed hit that opened a request, on the request's page, and the confirmed hits on a person
sought with the request each one opened, on the subject's page — only hits this reader is told
of (`service._hits_seen_by`: on a subject they may read, or raised in a run they see)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.core.capability import Panel, RecordLink
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.screening import service
from liaison.screening.models import Hit as StoredHit
from liaison.subjects.models import Subject

TEMPLATE = "screening/_linked_hits.html"
LIMIT = 100


def _hits(session: Session, actor: Actor, *where: Any) -> list[StoredHit]:
    query = service._hits_seen_by(actor).where(*where).order_by(StoredHit.id.desc()).limit(LIMIT)
    return [row[0] for row in session.execute(query)]


def _panel(hits: list[StoredHit], which: str, relation: str) -> list[Panel]:
    if not hits:
        return []
    links = tuple(
        RecordLink(
            "hit", h.id, h.matched_name or f"Hit {h.id}", f"/screening/hits?status={h.status}", relation
        )
        for h in hits
    )
    return [Panel(TEMPLATE, {"hits": hits, "which": which}, links)]


def request_hits(session: Session, actor: Actor, request: Any) -> list[Panel]:
    """The confirmed hit whose confirmation opened this request."""
    if not may(actor, service.READ):
        return []
    found = _hits(session, actor, StoredHit.request_id == request.id, gate.readable(actor, Subject))
    return _panel(found, "request", "opened this request")


def request_hit_links(session: Session, actor: Actor, request: Any) -> list[RecordLink]:
    """What `request_hits` lists, for the request's API detail (`linked`)."""
    return [link for panel in request_hits(session, actor, request) for link in panel.links]


def subject_hits(session: Session, actor: Actor, subject: Any) -> list[Panel]:
    """The confirmed hits on this person sought, with the request each one opened."""
    if not may(actor, service.READ):
        return []
    found = _hits(session, actor, StoredHit.subject_id == subject.id, StoredHit.status == "confirmed")
    return _panel(found, "subject", "on this person")
