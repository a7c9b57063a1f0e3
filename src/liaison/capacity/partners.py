"""What capacity building adds to the registry's partner view: activities and home-ministry
participants with that partner per year and kind, and the officers trained."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.capacity.service import READ, counts
from liaison.core.capability import PartnerScope
from liaison.core.security.policy import Actor, may


def contribute(session: Session, actor: Actor, scope: PartnerScope) -> dict[str, Any]:
    if not may(actor, READ):
        return {}
    return {"capacity_building": counts(session, actor, list(scope.agency_ids)).model_dump(mode="json")}
