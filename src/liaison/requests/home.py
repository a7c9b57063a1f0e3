"""What needs the reader among requests (the `home` contribution), and the notification of a new
incoming request (a `RequestCreated` subscriber).

For the reader and their unit (requests they are responsible for, or owned by their unit), read
through the gate: every open deadline passed or falling due within the vocabulary's
`due_soon_days` (local dates in the calendar's time zone), and incoming requests not yet
acknowledged (still in their workflow's first state).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from liaison.core import bilingual, notifications
from liaison.core.capability import HomeItem
from liaison.core.events import RequestCreated
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.requests.kinds import request_kinds
from liaison.requests.models import CooperationRequest, RequestDeadline

LIMIT = 200


def _ours(actor: Actor) -> Any:
    mine = [CooperationRequest.responsible_username == actor.username]
    if actor.unit:
        mine.append(CooperationRequest.owning_unit == actor.unit)
    return or_(*mine)


def _title(request: CooperationRequest) -> str:
    return bilingual.shown(request, "title") if request.title else f"#{request.id}"


def incoming_item(request: CooperationRequest, actor_username: str = "") -> HomeItem:
    return HomeItem(
        kind="incoming_request",
        key=f"request:{request.id}:incoming",
        title=_title(request),
        link=f"/requests/{request.id}",
        owning_unit=request.owning_unit,
        handling_code=request.handling_code,
        detail=request.partner_agency.name,
        mine=request.responsible_username == actor_username,
    )


def contribute(session: Session, actor: Actor, today: date) -> list[HomeItem]:
    if not may(actor, "requests.read"):
        return []
    vocabulary = request_kinds()
    horizon = today + timedelta(days=vocabulary.due_soon_days)
    items: list[HomeItem] = []
    rows = session.execute(
        select(RequestDeadline, CooperationRequest)
        .join(CooperationRequest, RequestDeadline.request_id == CooperationRequest.id)
        .where(
            RequestDeadline.met_at.is_(None),
            RequestDeadline.cancelled_at.is_(None),
            RequestDeadline.due_date <= horizon,
            gate.readable(actor, CooperationRequest),
            _ours(actor),
        )
        .order_by(RequestDeadline.due_date, RequestDeadline.id)
        .limit(LIMIT)
    )
    for deadline, request in rows:
        passed = deadline.due_date < today
        kind = vocabulary.kinds.get(request.kind)
        clock = kind.clocks.get(deadline.clock) if kind else None
        standing = "overdue" if passed else "due_soon"
        items.append(
            HomeItem(
                kind="deadline_passed" if passed else "deadline_soon",
                key=f"request:{request.id}:{deadline.clock}:{deadline.id}:{standing}",
                title=_title(request),
                link=f"/requests/{request.id}",
                owning_unit=request.owning_unit,
                handling_code=request.handling_code,
                due=deadline.due_date,
                detail=f"{clock.label() if clock else deadline.clock} · {request.partner_agency.name}",
                mine=request.responsible_username == actor.username,
            )
        )
    first_states = [
        (name, vocabulary.workflow(name, "incoming").initial)
        for name, kind in vocabulary.kinds.items()
        if "incoming" in kind.workflows
    ]
    if first_states:
        waiting = session.scalars(
            select(CooperationRequest)
            .where(
                CooperationRequest.direction == "incoming",
                or_(
                    *(
                        (CooperationRequest.kind == name) & (CooperationRequest.status == state)
                        for name, state in first_states
                    )
                ),
                gate.readable(actor, CooperationRequest),
                _ours(actor),
            )
            .order_by(CooperationRequest.request_date, CooperationRequest.id)
            .limit(LIMIT)
        )
        items += [incoming_item(request, actor.username) for request in waiting]
    return items


def on_request_created(session: Session, event: RequestCreated) -> None:
    """A new incoming request: its unit's users (and its responsible officer) are told at once."""
    if event.direction != "incoming":
        return
    request = session.get(CooperationRequest, event.request_id)
    if request is None:
        return
    also = (request.responsible_username,) if request.responsible_username else ()
    notifications.notify_unit(session, incoming_item(request), "requests.read", also=also)
