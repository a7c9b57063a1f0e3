"""What the asset register adds to the registry's partner view: the value frozen, confiscated,
returned and shared in that country, by year, in one currency with the rates stated. Shown only
to roles that may read assets, counting only the assets the reader may read; audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.assets.service import READ, figures
from liaison.core.capability import PartnerScope
from liaison.core.security.policy import Actor, may


def contribute(session: Session, actor: Actor, scope: PartnerScope) -> dict[str, Any]:
    if not may(actor, READ):
        return {}
    if not scope.is_country:
        return {"asset_figures": None}
    return {"asset_figures": figures(session, actor, scope.key).model_dump(mode="json")}
