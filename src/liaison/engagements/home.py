"""What needs the reader among engagements (the `home` contribution): open commitments whose due
date has passed or falls within the week, partners' proposed changes of our commitments waiting
for an officer of the owning unit who may write commitments, and the next engagements (planned or
held, today or later; cancelled ones are not waiting for anyone).

Both are read through the record-access gate: a commitment is as readable as its engagement, and
each item carries its engagement's owning unit and handling code so that the core checks it once
more."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core import bilingual
from liaison.core.capability import HomeItem
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.engagements.models import Commitment, CommitmentProposal, Engagement

DUE_WITHIN_DAYS = 7
NEXT_ENGAGEMENTS = 5
OPEN = ("open", "in_progress")
LIMIT = 200


def short(text: str, length: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def contribute(session: Session, actor: Actor, today: date) -> list[HomeItem]:
    if not may(actor, "engagements.read"):
        return []
    due = session.scalars(
        select(Commitment)
        .where(
            Commitment.status.in_(OPEN),
            Commitment.due_date.is_not(None),
            Commitment.due_date <= today + timedelta(days=DUE_WITHIN_DAYS),
            Commitment.engagement_id.in_(select(Engagement.id).where(gate.readable(actor, Engagement))),
        )
        .order_by(Commitment.due_date, Commitment.id)
        .limit(LIMIT)
    )
    items = []
    for commitment in due:
        assert commitment.due_date is not None
        standing = "overdue" if commitment.due_date < today else "due_soon"
        owner = commitment.owner_agency.name if commitment.owner_agency else ""
        items.append(
            HomeItem(
                kind="commitment_due",
                key=f"commitment:{commitment.id}:{commitment.due_date.isoformat()}:{standing}",
                title=short(bilingual.shown(commitment, "text")),
                link=f"/engagements/commitments/{commitment.id}",
                owning_unit=commitment.engagement.owning_unit,
                handling_code=commitment.engagement.handling_code,
                due=commitment.due_date,
                detail=owner,
            )
        )
    if may(actor, "engagements.write"):
        items += proposals_waiting(session, actor)
    upcoming = session.scalars(
        select(Engagement)
        .where(
            Engagement.held_on >= today,
            Engagement.status.not_in(("draft", "merged")),
            Engagement.stage != "cancelled",
            gate.readable(actor, Engagement),
        )
        .order_by(Engagement.held_on, Engagement.id)
        .limit(NEXT_ENGAGEMENTS)
    )
    items += [
        HomeItem(
            kind="engagement_next",
            key=f"engagement:{engagement.id}:{engagement.held_on.isoformat()}",
            title=bilingual.shown(engagement, "title"),
            link=f"/engagements/{engagement.id}",
            owning_unit=engagement.owning_unit,
            handling_code=engagement.handling_code,
            due=engagement.held_on,
            detail=engagement.place,
        )
        for engagement in upcoming
    ]
    return items


def proposals_waiting(session: Session, actor: Actor) -> list[HomeItem]:
    """Open proposals on commitments of engagements the reader's unit owns (or of no unit)."""
    waiting = session.scalars(
        select(CommitmentProposal)
        .join(Commitment, Commitment.id == CommitmentProposal.commitment_id)
        .join(Engagement, Engagement.id == Commitment.engagement_id)
        .where(
            CommitmentProposal.decision == "",
            Engagement.owning_unit.in_(("", actor.unit or "")),
            gate.readable(actor, Engagement),
        )
        .order_by(CommitmentProposal.id)
        .limit(LIMIT)
    )
    return [
        HomeItem(
            kind="commitment_proposal",
            key=f"commitment:{proposal.commitment_id}:proposal:{proposal.id}",
            title=short(bilingual.shown(proposal.commitment, "text")),
            link=f"/engagements/commitments/{proposal.commitment_id}",
            owning_unit=proposal.commitment.engagement.owning_unit,
            handling_code=proposal.commitment.engagement.handling_code,
            detail=f"{proposal.from_node}: {proposal.status}",
        )
        for proposal in waiting
    ]
