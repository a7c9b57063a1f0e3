"""What capacity building adds to an engagement's page (its `engagement_view`): the trainings,
secondments, deployments and experience-sharing sessions linked to that engagement, only those
the reader may read (`service.list_activities`, through the gate)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.capacity import service
from liaison.capacity.vocabulary import vocabulary
from liaison.core.capability import Panel
from liaison.core.security.policy import Actor, may

TEMPLATE = "capacity/_engagement_activities.html"


def contribute(session: Session, actor: Actor, engagement: Any) -> list[Panel]:
    """The activities linked to this engagement, for a reader of capacity building; none, no panel."""
    if not may(actor, service.READ):
        return []
    activities, _ = service.list_activities(session, actor, engagement_id=engagement.id, limit=200)
    if not activities:
        return []
    return [Panel(TEMPLATE, {"activities": activities, "vocab": vocabulary()})]
