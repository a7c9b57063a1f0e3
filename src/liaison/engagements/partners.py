"""What engagements add to the registry's partner view: engagements on a timeline, open
commitments, citizen-protection cases: the `partner_view` of the engagements' `Capability`,
called by `registry.partners.partner_view` with the reader, who sees nothing here unless their
role may read engagements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from liaison.core import bilingual
from liaison.core.capability import PartnerScope
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.engagements.models import CitizenProtectionCase, Commitment, Engagement, EngagementAgency

OPEN_STATUSES = ("open", "in_progress")


def with_partner(scope: PartnerScope) -> ColumnElement[bool]:
    """The engagements with this partner: with one of its agencies, or held with its country."""
    with_agencies = Engagement.id.in_(
        select(EngagementAgency.engagement_id).where(EngagementAgency.agency_id.in_(scope.agency_ids))
    )
    return or_(Engagement.country_code == scope.key, with_agencies) if scope.is_country else with_agencies


def contribute(session: Session, actor: Actor, scope: PartnerScope) -> dict[str, Any]:
    """The sections this reader may see: none without `engagements.read`; cases pass the gate."""
    if not may(actor, "engagements.read"):
        return {}
    key, is_country = scope.key, scope.is_country
    condition = and_(with_partner(scope), gate.readable(actor, Engagement))
    engagements = list(
        session.scalars(select(Engagement).where(condition).order_by(Engagement.held_on.desc()).limit(200))
    )
    engagement_ids = [e.id for e in engagements]
    titles = {e.id: bilingual.shown(e, "title") for e in engagements}  # in the reader's language
    made = dict(
        session.execute(
            select(Commitment.engagement_id, func.count())
            .where(Commitment.engagement_id.in_(engagement_ids))
            .group_by(Commitment.engagement_id)
        ).all()
    )  # counted, not loaded: the timeline shows how many commitments, never which
    commitments = session.scalars(
        select(Commitment)
        .where(Commitment.engagement_id.in_(engagement_ids), Commitment.status.in_(OPEN_STATUSES))
        .order_by(Commitment.id)
    )
    cases: list[CitizenProtectionCase] = (
        list(
            session.scalars(
                select(CitizenProtectionCase)
                .where(CitizenProtectionCase.country_code == key, gate.readable(actor, CitizenProtectionCase))
                .order_by(CitizenProtectionCase.id)
            )
        )
        if is_country
        else []
    )
    return {
        "engagements": [
            {
                "id": e.id,
                "kind": e.kind,
                "title": titles[e.id],
                "held_on": e.held_on,
                "place": e.place,
                "ordinal": e.ordinal,
                "commitments": made.get(e.id, 0),
            }
            for e in engagements
        ],
        "open_commitments": [
            {
                "id": c.id,
                "text": bilingual.shown(c, "text"),
                "kind": c.kind,
                "status": c.status,
                "due_date": c.due_date,
                "engagement_id": c.engagement_id,
                "engagement": titles.get(c.engagement_id, ""),
            }
            for c in commitments
        ],
        "citizen_protection_cases": [
            {"id": c.id, "title": c.title, "concerned": c.concerned, "status": c.status} for c in cases
        ],
    }
