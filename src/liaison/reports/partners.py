"""What reports add to the registry's partner view: the link to this partner's briefing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.core.capability import PartnerScope
from liaison.core.security.policy import Actor, may
from liaison.reports import READ


def contribute(session: Session, actor: Actor, scope: PartnerScope) -> dict[str, Any]:
    return {"briefing_url": f"/reports/briefings/{scope.key}"} if may(actor, READ) else {}
