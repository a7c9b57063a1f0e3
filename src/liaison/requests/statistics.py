"""Request statistics: counts by kind, partner and status; response times by partner and kind
(median and 90th percentile, in days, from the request's opening to the requested side's first
answer); and the backlog (requests opened and still awaiting an answer) at the end of each week.

The database computes each answered request's days to answer (one number a row, both directions
in one read); the percentiles are computed here so SQLite and PostgreSQL give the same figures
(linear interpolation between closest ranks, as numpy's default).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Float, case, cast, func, or_, select
from sqlalchemy.orm import Session

from liaison.core.db import utcnow
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.registry.models import Agency
from liaison.requests import deadlines
from liaison.requests.kinds import request_kinds
from liaison.requests.models import CooperationRequest
from liaison.requests.schemas import BacklogPoint, CountOut, ResponseTimeOut, StatisticsOut

SECONDS_PER_DAY = 86_400


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _counts(session: Session, actor: Actor, column: Any, where: list[Any]) -> list[tuple[Any, int]]:
    query = (
        select(column, func.count()).where(gate.readable(actor, CooperationRequest), *where).group_by(column)
    )
    return sorted(
        ((key, count) for key, count in session.execute(query)), key=lambda row: (-row[1], str(row[0]))
    )


def request_statistics(
    session: Session,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    direction: str | None = None,
    weeks: int = 12,
    now: datetime | None = None,
) -> StatisticsOut:
    ensure(actor, "requests.statistics")
    now = now or utcnow()
    r = CooperationRequest
    where: list[Any] = []
    if since:
        where.append(r.request_date >= since)
    if until:
        where.append(r.request_date <= until)
    if direction:
        where.append(r.direction == direction)
    names = dict(session.execute(select(Agency.id, Agency.name)).all())
    by_partner = [
        CountOut(key=names.get(agency_id, str(agency_id)), count=count)
        for agency_id, count in _counts(session, actor, r.partner_agency_id, where)
    ]
    overdue = (
        session.scalar(
            select(func.count()).where(gate.readable(actor, CooperationRequest), r.next_due_at <= now, *where)
        )
        or 0
    )
    return StatisticsOut(
        by_kind=[CountOut(key=k, count=c) for k, c in _counts(session, actor, r.kind, where)],
        by_partner=by_partner,
        by_status=[CountOut(key=k, count=c) for k, c in _counts(session, actor, r.status, where)],
        overdue=overdue,
        response_times=response_times(session, actor, where, names),
        backlog=backlog(session, actor, where, weeks, now),
    )


def response_times(
    session: Session, actor: Actor, where: list[Any], names: dict[int, str]
) -> list[ResponseTimeOut]:
    """Median and 90th percentile of the days to answer, per partner agency and kind."""
    r = CooperationRequest
    groups = answer_percentiles(session, actor, where, [r.partner_agency_id, r.kind])
    return [
        ResponseTimeOut(
            partner_agency_id=partner,
            partner=names.get(partner, str(partner)),
            kind=kind,
            answered=answered,
            median_days=round(median, 2),
            p90_days=round(p90, 2),
        )
        for (partner, kind), (answered, median, p90) in sorted(
            groups.items(), key=lambda item: (names.get(item[0][0], ""), item[0][1])
        )
    ]


def days_to_answer(session: Session) -> ColumnElement[float]:
    """Days from a request's opening to its first answer (never negative), computed by the
    database: SQLite's `julianday` (to the millisecond) or PostgreSQL's epoch of the interval."""
    r = CooperationRequest
    if session.get_bind().dialect.name == "postgresql":
        days: ColumnElement[float] = (
            cast(func.extract("epoch", r.responded_at - r.opened_at), Float(asdecimal=False))
            / SECONDS_PER_DAY
        )
    else:
        days = func.julianday(r.responded_at) - func.julianday(r.opened_at)
    return case((days < 0, 0.0), else_=days)


def answer_percentiles(
    session: Session, actor: Actor, where: list[Any], keys: list[Any]
) -> dict[tuple[Any, ...], tuple[int, float, float]]:
    """`{key values: (answered, median days, 90th percentile days)}` over the answered requests
    this reader may see, grouped by `keys`, in one read: the database subtracts the timestamps and
    returns one number per answered request, so no timestamp is parsed here (ranking in SQL with
    window functions measured slower on SQLite and no faster on PostgreSQL)."""
    r = CooperationRequest
    rows = session.execute(
        select(*keys, days_to_answer(session)).where(
            gate.readable(actor, CooperationRequest),
            r.opened_at.is_not(None),
            r.responded_at.is_not(None),
            *where,
        )
    )
    groups: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    width = len(keys)
    for row in rows:
        groups[tuple(row[:width])].append(float(row[width]))
    return {key: (len(days), percentile(days, 50), percentile(days, 90)) for key, days in groups.items()}


def backlog(
    session: Session, actor: Actor, where: list[Any], weeks: int, now: datetime
) -> list[BacklogPoint]:
    """Requests awaiting an answer (opened, neither answered nor closed) at the end of each of the
    last `weeks` weeks (local time), oldest first."""
    r = CooperationRequest
    zone = deadlines.time_zone(request_kinds().calendar)
    today = now.astimezone(zone).date()
    points = []
    for back in range(max(1, min(weeks, 104)) - 1, -1, -1):
        day = today - timedelta(weeks=back)
        instant = datetime.combine(day + timedelta(days=1), time(0), zone)
        count = session.scalar(
            select(func.count()).where(
                gate.readable(actor, CooperationRequest),
                r.opened_at.is_not(None),
                r.opened_at < instant,
                or_(r.closed_at.is_(None), r.closed_at >= instant),
                or_(r.responded_at.is_(None), r.responded_at >= instant),
                *where,
            )
        )
        points.append(BacklogPoint(on=day, open=count or 0))
    return points
