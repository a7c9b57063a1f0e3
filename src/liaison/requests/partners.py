"""What requests add to the registry's partner view: the requests with the partner's agencies in
both directions, open and overdue per kind, response times per kind, and the open ones, most
overdue first. Only for roles that may read requests, and only the requests the gate lets this
reader see (counts included), so a total never counts what a get would refuse.

Counts are grouped in SQL, so a partner with tens of thousands of requests costs a handful of
grouped reads; only the open requests shown are loaded as rows, at most `MAX_SHOWN` of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from liaison.core import i18n
from liaison.core.capability import PartnerScope
from liaison.core.db import utcnow
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.core.vocab import Label, label
from liaison.registry.models import Agency
from liaison.requests.kinds import request_kinds
from liaison.requests.models import CooperationRequest
from liaison.requests.service import LIST_DEFERRED
from liaison.requests.statistics import answer_percentiles

READ = "requests.read"
MAX_SHOWN = 100
SECONDS_PER_DAY = 86_400


def contribute(
    session: Session, actor: Actor, scope: PartnerScope, now: datetime | None = None
) -> dict[str, Any]:
    """`{"requests": summary}` for a reader who may read requests, else nothing."""
    if not may(actor, READ):
        return {}
    return {"requests": partner_requests(session, actor, list(scope.agency_ids), now)}


def partner_requests(
    session: Session, actor: Actor, agency_ids: list[int], now: datetime | None = None
) -> dict[str, Any]:
    """Totals, per-kind rows (direction, total, open, overdue, answered, median days) and the open
    requests with these agencies that this reader may see."""
    now = now or utcnow()
    r = CooperationRequest
    where = [r.partner_agency_id.in_(agency_ids), gate.readable(actor, CooperationRequest)]
    is_open = r.closed_at.is_(None)
    is_overdue = r.next_due_at <= now
    rows = session.execute(
        select(
            r.kind,
            r.direction,
            func.count(),
            func.sum(case((is_open, 1), else_=0)),
            func.sum(case((is_overdue, 1), else_=0)),
        )
        .where(*where)
        .group_by(r.kind, r.direction)
        .order_by(r.kind, r.direction)
    ).all()
    names = dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))).all())
    medians = answer_percentiles(session, actor, [r.partner_agency_id.in_(agency_ids)], [r.kind, r.direction])
    by_kind = [
        {
            "kind": kind,
            "direction": direction,
            "total": total,
            "open": int(open_count or 0),
            "overdue": int(overdue or 0),
            "answered_median_days": round(medians[(kind, direction)][1], 1)
            if (kind, direction) in medians
            else None,
            **_labels(kind, direction),
        }
        for kind, direction, total, open_count, overdue in rows
    ]
    states = request_kinds().states()  # once, not once per request shown
    shown = session.scalars(
        select(r)
        .where(*where, is_open)
        .options(*LIST_DEFERRED)
        .order_by(r.next_due_at.is_(None), r.next_due_at, r.id)
        .limit(MAX_SHOWN)
    )
    return {
        "total": sum(row["total"] for row in by_kind),
        "open": sum(row["open"] for row in by_kind),
        "overdue": sum(row["overdue"] for row in by_kind),
        "by_kind": by_kind,
        "open_requests": [_brief(request, names, now, states) for request in shown],
    }


def _labels(kind: str, direction: str) -> dict[str, str]:
    """The kind and direction in the reader's language."""
    directions = {"outgoing": i18n.gettext("Outgoing"), "incoming": i18n.gettext("Incoming")}
    return {
        "kind_label": label(request_kinds().kinds, kind),
        "direction_label": directions.get(direction, direction),
    }


def _brief(
    request: CooperationRequest, names: dict[int, str], now: datetime, states: Mapping[str, Label]
) -> dict[str, Any]:
    due = request.next_due_at
    late = due is not None and due <= now
    overdue_days = int((now - due).total_seconds() // SECONDS_PER_DAY) if due is not None and late else 0
    return {
        "id": request.id,
        "kind": request.kind,
        "direction": request.direction,
        "title": request.title,
        "status": request.status,
        "status_label": label(states, request.status),
        **_labels(request.kind, request.direction),
        "request_date": request.request_date,
        "partner": names.get(request.partner_agency_id, ""),
        "next_due_at": request.next_due_at,
        "overdue_days": overdue_days,
    }
