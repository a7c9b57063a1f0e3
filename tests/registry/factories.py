"""Small factories for registry and engagement records, through the services."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from liaison.core.security.policy import SystemActor
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements import service as engagements
from liaison.engagements.models import Commitment, Engagement
from liaison.registry import agencies, agreements, officials, schemas
from liaison.registry.models import Agency, Agreement, Official

ADMIN = SystemActor(username="tester")
_numbers = count(1)


def agency(session: Session, name: str | None = None, country: str | None = "VN", **extra: Any) -> Agency:
    data = {"name": name or f"Agency {next(_numbers)}", "kind": "police", "country": country, **extra}
    return agencies.create_agency(session, ADMIN, schemas.AgencyIn(**data))


def official(session: Session, name: str, **extra: Any) -> Official:
    return officials.create_official(session, ADMIN, schemas.OfficialIn(name=name, **extra))


def agreement(
    session: Session, *party_agencies: Agency, history: list[tuple[str, date]] | None = None, **extra: Any
) -> Agreement:
    steps = [{"status": status, "effective_on": on} for status, on in (history or [])]
    data = {
        "title": f"Agreement {next(_numbers)}",
        "kind": "crime_prevention",
        "parties": [{"agency_id": a.id} for a in party_agencies],
        "history": steps,
        **extra,
    }
    return agreements.create_agreement(session, ADMIN, schemas.AgreementIn(**data))


def engagement(session: Session, title: str = "Talks", **extra: Any) -> Engagement:
    data = {"kind": "talks", "title": title, "held_on": date(2024, 10, 9), **extra}
    return engagements.create_engagement(session, ADMIN, engagement_schemas.EngagementIn(**data))


def commitment(
    session: Session, engagement_id: int, text: str = "Exchange information", **extra: Any
) -> Commitment:
    data = {"engagement_id": engagement_id, "text": text, "kind": "agreed", **extra}
    return engagements.create_commitment(session, ADMIN, engagement_schemas.CommitmentIn(**data))
