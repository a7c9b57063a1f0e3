"""What needs the reader in the exchange (the `home` contribution): for a supervisor, what waits
for their approval before it goes to a partner (`dispatch.approval_queue`: pending dispatches the
gate lets them read), except what they asked to send themselves (another supervisor approves it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from liaison.core.capability import HomeItem
from liaison.core.records import today as local_today
from liaison.core.security.policy import Actor, may
from liaison.exchange import dispatch

LIMIT = 200


def contribute(session: Session, actor: Actor, today: date) -> list[HomeItem]:
    if not (may(actor, "exchange.approve") and may(actor, "exchange.messages")):
        return []
    pending, _ = dispatch.approval_queue(session, actor, limit=LIMIT)
    return [
        HomeItem(
            kind="approval",
            key=f"dispatch:{item.id}:pending",
            title=item.summary or item.type,
            link="/exchange/approvals",
            owning_unit=item.owning_unit,
            handling_code=item.handling_code,
            due=local_today(item.requested_at),
            detail=item.requested_by,
        )
        for item in pending
        if item.requested_by != actor.username
    ]
