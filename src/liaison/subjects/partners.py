"""What persons sought add to the registry's partner view: the subjects believed to be in that
country. Shown only to roles that may read subjects, only the subjects the reader's handling
codes allow, and audited as a read of persons sought."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.capability import PartnerScope
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.subjects.models import Subject
from liaison.subjects.service import READ, found_among

MAX_SHOWN = 200


def contribute(session: Session, actor: Actor, scope: PartnerScope) -> dict[str, Any]:
    if not may(actor, READ):
        return {}
    if not scope.is_country:
        return {"persons_sought": []}
    subjects = list(
        session.scalars(
            select(Subject)
            .where(Subject.believed_country == scope.key, gate.readable(actor, Subject))
            .order_by(Subject.primary_name, Subject.id)
            .limit(MAX_SHOWN)
        )
    )
    audit.record_read(
        session,
        actor.username,
        "subject",
        "*",
        detail=f"partner view {scope.key}: {len(subjects)} shown",
        protected=found_among(actor, subjects),
    )
    return {"persons_sought": [{"id": s.id, "name": s.primary_name, "status": s.status} for s in subjects]}
