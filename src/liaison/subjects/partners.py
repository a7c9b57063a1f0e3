"""What persons sought add to the registry's partner view: the subjects believed to be in that
country, with their notices. Shown only to roles that may read subjects, only the subjects the
reader's handling codes allow, and audited as a read of persons sought."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.capability import PartnerScope
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.core.vocab import label
from liaison.subjects.models import Subject
from liaison.subjects.service import READ, found_among
from liaison.subjects.vocabulary import vocabulary

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
            .options(selectinload(Subject.notices))
            .order_by(Subject.primary_name, Subject.id)
            .limit(MAX_SHOWN)
        )
    )
    words = vocabulary()
    audit.record_read(
        session,
        actor.username,
        "subject",
        "*",
        detail=f"partner view {scope.key}: {len(subjects)} shown",
        protected=found_among(actor, subjects),
    )
    return {
        "persons_sought": [
            {
                "id": s.id,
                "name": s.primary_name,
                "status": s.status,
                "handling_code": s.handling_code,
                "notices": [
                    {
                        "kind": n.kind,
                        "kind_label": label(words.notice_kinds, n.kind),
                        "reference": n.reference,
                        "issuer": n.issuer,
                        "issued_on": n.issued_on,
                        "expires_on": n.expires_on,
                        "status": n.status,
                    }
                    for n in s.notices
                ],
            }
            for s in subjects
        ]
    }
