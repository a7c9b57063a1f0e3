"""What needs the reader among programmes (the `home` contribution): open action items whose due
date has passed or falls within the week. Programmes carry no handling code (H0)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core import bilingual
from liaison.core.capability import HomeItem
from liaison.core.security.policy import Actor, may
from liaison.registry.models import ActionItem

DUE_WITHIN_DAYS = 7
OPEN = ("open", "in_progress")
LIMIT = 200


def contribute(session: Session, actor: Actor, today: date) -> list[HomeItem]:
    if not may(actor, "registry.read"):
        return []
    due = session.scalars(
        select(ActionItem)
        .options(selectinload(ActionItem.programme), selectinload(ActionItem.owner_agency))
        .where(
            ActionItem.status.in_(OPEN),
            ActionItem.due_date.is_not(None),
            ActionItem.due_date <= today + timedelta(days=DUE_WITHIN_DAYS),
        )
        .order_by(ActionItem.due_date, ActionItem.id)
        .limit(LIMIT)
    )
    items = []
    for action in due:
        assert action.due_date is not None
        standing = "overdue" if action.due_date < today else "due_soon"
        text = " ".join(bilingual.shown(action, "text").split())
        items.append(
            HomeItem(
                kind="commitment_due",
                key=f"action_item:{action.id}:{action.due_date.isoformat()}:{standing}",
                title=text if len(text) <= 140 else text[:139] + "…",
                link=f"/registry/programmes/{action.programme_id}",
                due=action.due_date,
                detail=" · ".join(
                    part
                    for part in (
                        bilingual.shown(action.programme, "title"),
                        action.owner_agency.name if action.owner_agency else "",
                    )
                    if part
                ),
            )
        )
    return items
