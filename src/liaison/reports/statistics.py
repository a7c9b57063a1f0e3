"""The figures of a cooperation report, for a period (a month, a quarter, a year, or any range of
days) and for every partner or one: requests opened, answered and overdue by kind and direction
and by partner, response times with the share answered within the deadline, requests by month,
engagements by partner and crime area, commitments by status, programme progress and screening
hits confirmed.

Definitions, so the figures can be checked by hand:

- Days are local days in the request calendar's time zone (`LIAISON_TIMEZONE`); the period runs
  from the first instant of `since` to the last of `until`.
- *Opened*: the request was opened (received, or submitted to the partner) in the period; drafts
  never sent are not requests yet.
- *Answered*: the requested side's answer (a `responded` state of the kind's workflow) came in the
  period. Its response time runs from opening to that answer.
- *Within the deadline*: the answer came before the request's *response clock* fell due. The
  response clock of a kind is the clock that every answer meets and that the fewest other states
  meet (decision for formal requests, answer for information requests), read from the kinds'
  vocabulary, with any agreement's override as recorded on the request.
- *Overdue*: at the period's end (or now, when the period has not ended), the request has a
  deadline that had fallen due and was neither met nor cancelled by then.

Every count goes through the record-access gate: a request or a person sought the reader may not
read is neither counted nor listed. Engagements, commitments and programmes are not protected
records; their tables need the reader's role to read them. A table whose capability is not
installed, or that the reader's role may not read, is `None`.

Percentiles are computed in Python, so SQLite and PostgreSQL give the same figures; everything
else is counted by the database, grouped, so a year over a million requests reads a few grouped
scans.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session

from liaison.capabilities import installed
from liaison.core.db import utcnow
from liaison.core.errors import Invalid
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure, may
from liaison.registry.models import ActionItem, Agency, Country, Programme, ProgrammeParty
from liaison.registry.partners import partner_agencies
from liaison.reports.statistics_schemas import (
    AssetValues,
    CommitmentsByStatus,
    CooperationReport,
    EngagementsByPartner,
    ProgrammeProgress,
    ReportTotals,
    RequestsByKind,
    RequestsByMonth,
    RequestsByPartner,
    ScreeningHitsConfirmed,
)
from liaison.requests import deadlines
from liaison.requests.kinds import KindsFile, request_kinds
from liaison.requests.models import CooperationRequest, RequestDeadline
from liaison.requests.statistics import days_to_answer, percentile

REPORT_ACTION = "reports.read"
MAX_DAYS = 366 * 10
YEARS = range(1900, 2200)  # the years a report may cover: beyond them dates overflow, not figures
DONE_COMMITMENTS = ("done",)
OPEN_COMMITMENTS = ("open", "in_progress")
PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class Period:
    since: date
    until: date


def parse_period(text: str) -> Period:
    """`2025` (a year), `2025-Q2` (a quarter) or `2025-03` (a month) as its first and last day."""
    found = PERIOD.match(text.strip().upper())
    if not found:
        raise Invalid(
            "A period is a year (2025), a quarter (2025-Q2) or a month (2025-03), not {text!r}.",
            text=text,
            fields={"period": "YYYY, YYYY-Qn or YYYY-MM"},
        )
    year = _check_year(int(found["year"]))
    if found["quarter"]:
        first_month, months = 3 * int(found["quarter"]) - 2, 3
    elif found["month"]:
        first_month, months = int(found["month"]), 1
    else:
        first_month, months = 1, 12
    since = date(year, first_month, 1)
    return Period(since, _add_months(since, months) - timedelta(days=1))


def _check_year(year: int) -> int:
    if year not in YEARS:
        raise Invalid(
            "A report covers years from {first} to {last}.",
            first=YEARS[0],
            last=YEARS[-1],
            fields={"period": "a year from 1900 to 2199"},
        )
    return year


def check_period(since: date, until: date) -> Period:
    _check_year(since.year)
    _check_year(until.year)
    if until < since:
        raise Invalid(
            "The period ends ({until}) before it starts ({since}).",
            until=until.isoformat(),
            since=since.isoformat(),
            fields={"until": "on or after the start"},
        )
    if (until - since).days > MAX_DAYS:
        raise Invalid(
            "A report covers at most ten years.", fields={"until": "at most ten years after the start"}
        )
    return Period(since, until)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Scope:
    """The partner a report is about: None for every partner."""

    key: str | None
    name: str
    is_country: bool
    agency_ids: tuple[int, ...]


def report_scope(session: Session, partner: str | None) -> Scope:
    if not partner:
        return Scope(None, "", False, ())
    key, is_country, agencies = partner_agencies(session, partner)
    country = session.get(Country, key) if is_country else None
    name = country.name_en if country is not None else agencies[0].name
    return Scope(key, name, is_country, tuple(a.id for a in agencies))


def cooperation_report(
    session: Session,
    actor: Actor,
    since: date,
    until: date,
    partner: str | None = None,
    now: datetime | None = None,
) -> CooperationReport:
    """The report's figures for this reader; see the module docstring for what each one counts."""
    ensure(actor, REPORT_ACTION)
    period = check_period(since, until)
    scope = report_scope(session, partner)
    zone = deadlines.time_zone(request_kinds().calendar)
    start = _instant(period.since, zone)
    end = _instant(period.until + timedelta(days=1), zone)
    as_of = min(end, now or utcnow())
    names = installed_names()
    figures = _Figures()
    if "requests" in names and may(actor, "requests.statistics"):
        requests = _RequestFigures(session, actor, scope, start, end, as_of)
        figures.by_kind = requests.by_kind()
        figures.by_partner = requests.by_partner()
        figures.by_month = requests.by_month(period, zone)
    if "engagements" in names and may(actor, "engagements.read"):
        figures.engagements, figures.engagement_count = engagements_by_partner(session, actor, scope, period)
        figures.commitments = commitments_by_status(session, actor, scope, period)
    if may(actor, "registry.read"):
        figures.programmes = programme_progress(session, scope, period)
    if "screening" in names and may(actor, "screening.read"):
        figures.hits = screening_hits(session, actor, scope, start, end)
    if "assets" in names and may(actor, "assets.read"):
        figures.assets = asset_values(session, actor, scope, period)
    return figures.report(scope, period, as_of)


def installed_names() -> set[str]:
    return {capability.name for capability in installed()}


def _instant(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


@dataclass
class _Figures:
    by_kind: list[RequestsByKind] | None = None
    by_partner: list[RequestsByPartner] | None = None
    by_month: list[RequestsByMonth] | None = None
    engagements: list[EngagementsByPartner] | None = None
    engagement_count: int = 0
    commitments: list[CommitmentsByStatus] | None = None
    programmes: list[ProgrammeProgress] | None = None
    hits: list[ScreeningHitsConfirmed] | None = None
    assets: list[AssetValues] | None = None

    def report(self, scope: Scope, period: Period, as_of: datetime) -> CooperationReport:
        kinds = self.by_kind or []
        answered = sum(row.answered for row in kinds)
        within = sum(row.answered_within_deadline for row in kinds)
        commitments = self.commitments or []
        totals = ReportTotals(
            requests_opened=sum(row.opened for row in kinds),
            requests_answered=answered,
            requests_overdue=sum(row.overdue for row in kinds),
            answered_within_deadline=within,
            within_deadline_share=_share(within, answered),
            engagements=self.engagement_count,
            commitments_done=sum(c.commitments for c in commitments if c.status in DONE_COMMITMENTS),
            commitments_open=sum(c.commitments for c in commitments if c.status in OPEN_COMMITMENTS),
            hits_confirmed=None if self.hits is None else sum(row.confirmed for row in self.hits),
        )
        return CooperationReport(
            partner=scope.key,
            partner_name=scope.name,
            since=period.since,
            until=period.until,
            as_of=as_of,
            totals=totals,
            requests_by_kind=self.by_kind,
            requests_by_partner=self.by_partner,
            requests_by_month=self.by_month,
            engagements_by_partner=self.engagements,
            commitments_by_status=self.commitments,
            programmes=self.programmes,
            screening_hits=self.hits,
            asset_values=self.assets,
        )


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


# ---------------------------------------------------------------- requests


def response_clock(vocabulary: KindsFile, kind: str, direction: str) -> str | None:
    """The clock an answer to a request of this kind and direction is measured against: met by
    every `responded` state, and by the fewest other states (ties: the vocabulary's order)."""
    spec = vocabulary.kind(kind)
    responded = set(vocabulary.workflow(kind, direction).responded) if spec else set()
    if not spec or not responded:
        return None
    candidates = [
        (len(set(clock.met_by) - responded), position, name)
        for position, (name, clock) in enumerate(spec.clocks.items())
        if responded <= set(clock.met_by)
    ]
    return min(candidates)[2] if candidates else None


@dataclass
class _Answer:
    """The answered requests of one group: response times in days, and how many came in time."""

    days: list[float]
    within: int = 0

    def add(self, days: float, in_time: bool) -> None:
        self.days.append(days)
        self.within += in_time


class _RequestFigures:
    """The request tables: a few grouped queries, every one behind the gate and the partner scope."""

    def __init__(
        self, session: Session, actor: Actor, scope: Scope, start: datetime, end: datetime, as_of: datetime
    ) -> None:
        self.session, self.actor, self.scope = session, actor, scope
        self.start, self.end, self.as_of = start, end, as_of
        self.agencies = {
            row.id: (row.name, row.country_code or "")
            for row in session.execute(select(Agency.id, Agency.name, Agency.country_code))
        }
        opened = CooperationRequest.opened_at
        self.opened = self._counted(opened >= start, opened < end)
        self.overdue = self._overdue()
        self.answers = self._answers()

    def _where(self) -> list[ColumnElement[bool]]:
        r = CooperationRequest
        where = [gate.readable(self.actor, r)]
        if self.scope.key is not None:
            where.append(r.partner_agency_id.in_(self.scope.agency_ids) if self.scope.agency_ids else false())
        return where

    def _counted(self, *conditions: ColumnElement[bool]) -> dict[tuple[str, str, int], int]:
        """Readable requests meeting `conditions`, counted by (kind, direction, partner agency)."""
        r = CooperationRequest
        query = (
            select(r.kind, r.direction, r.partner_agency_id, func.count())
            .where(*self._where(), *conditions)
            .group_by(r.kind, r.direction, r.partner_agency_id)
        )
        return {
            (kind, direction, partner): count
            for kind, direction, partner, count in self.session.execute(query)
        }

    def _overdue(self) -> dict[tuple[str, str, int], int]:
        r, d = CooperationRequest, RequestDeadline
        late = exists().where(
            d.request_id == r.id,
            d.due_at <= self.as_of,
            or_(d.met_at.is_(None), d.met_at > self.as_of),
            or_(d.cancelled_at.is_(None), d.cancelled_at > self.as_of),
        )
        return self._counted(r.opened_at < self.as_of, late)

    def _answers(self) -> dict[tuple[str, str, int], _Answer]:
        r, d = CooperationRequest, RequestDeadline
        vocabulary = request_kinds()
        clocks = [
            (and_(r.kind == kind, r.direction == direction), clock)
            for kind in vocabulary.kinds
            for direction in ("outgoing", "incoming")
            if (clock := response_clock(vocabulary, kind, direction)) is not None
        ]
        clock_of = case(*clocks, else_="") if clocks else ""
        in_time = case((and_(d.due_at.is_not(None), r.responded_at < d.due_at), 1), else_=0)
        query = (  # the database subtracts and compares the timestamps: no timestamp parsed here
            select(r.kind, r.direction, r.partner_agency_id, days_to_answer(self.session), in_time)
            .outerjoin(d, and_(d.request_id == r.id, d.clock == clock_of))
            .where(
                *self._where(),
                r.responded_at >= self.start,
                r.responded_at < self.end,
                r.opened_at.is_not(None),
            )
        )
        answers: dict[tuple[str, str, int], _Answer] = defaultdict(lambda: _Answer([]))
        for kind, direction, partner, days, within in self.session.execute(query):
            answers[(kind, direction, partner)].add(float(days), bool(within))
        return answers

    def _keys(self) -> set[tuple[str, str, int]]:
        return set(self.opened) | set(self.overdue) | set(self.answers)

    def _grouped(self, group: Any) -> dict[Any, tuple[int, int, _Answer]]:
        """(opened, overdue, answers) summed over the keys `group` maps together."""
        merged: dict[Any, tuple[int, int, _Answer]] = {}
        for key in self._keys():
            target = group(key)
            opened, overdue, answer = merged.get(target, (0, 0, _Answer([])))
            found = self.answers.get(key)
            if found is not None:
                answer = _Answer(answer.days + found.days, answer.within + found.within)
            merged[target] = (opened + self.opened.get(key, 0), overdue + self.overdue.get(key, 0), answer)
        return merged

    def by_kind(self) -> list[RequestsByKind]:
        rows = [
            RequestsByKind(kind=kind, direction=direction, opened=opened, overdue=overdue, **_times(answer))
            for (kind, direction), (opened, overdue, answer) in self._grouped(lambda key: key[:2]).items()
        ]
        order = {name: position for position, name in enumerate(request_kinds().kinds)}
        return sorted(
            rows, key=lambda row: (order.get(row.kind, len(order)), row.kind, row.direction != "outgoing")
        )

    def by_partner(self) -> list[RequestsByPartner]:
        rows = [
            RequestsByPartner(
                partner_agency_id=partner,
                partner=self.agencies.get(partner, ("", ""))[0],
                country=self.agencies.get(partner, ("", ""))[1],
                opened=opened,
                overdue=overdue,
                **_times(answer),
            )
            for partner, (opened, overdue, answer) in self._grouped(lambda key: key[2]).items()
        ]
        return sorted(rows, key=lambda row: (-row.opened, row.partner, row.partner_agency_id))

    def by_month(self, period: Period, zone: ZoneInfo) -> list[RequestsByMonth]:
        r = CooperationRequest
        months = list(months_between(period.since, period.until))
        bounds = [max(self.start, _instant(_add_months(month, 1), zone)) for month in months]
        bucket = case(
            *((r.opened_at < bound, index) for index, bound in enumerate(bounds)), else_=len(bounds)
        )
        query = (
            select(bucket, r.kind, func.count())
            .where(*self._where(), r.opened_at >= self.start, r.opened_at < self.end)
            .group_by(bucket, r.kind)
        )
        order = {name: position for position, name in enumerate(request_kinds().kinds)}
        rows = [
            RequestsByMonth(month=f"{months[index]:%Y-%m}", kind=kind, opened=count)
            for index, kind, count in self.session.execute(query)
            if index < len(months)
        ]
        return sorted(rows, key=lambda row: (row.month, order.get(row.kind, len(order)), row.kind))


def _times(answer: _Answer) -> dict[str, Any]:
    return {
        "answered": len(answer.days),
        "answered_within_deadline": answer.within,
        "within_deadline_share": _share(answer.within, len(answer.days)),
        "median_days": round(percentile(answer.days, 50), 2),
        "p90_days": round(percentile(answer.days, 90), 2),
    }


# ---------------------------------------------------------------- engagements and commitments


def _engagement_condition(scope: Scope) -> ColumnElement[bool] | None:
    from liaison.engagements.models import Engagement, EngagementAgency

    if scope.key is None:
        return None
    with_agencies = Engagement.id.in_(
        select(EngagementAgency.engagement_id).where(EngagementAgency.agency_id.in_(scope.agency_ids))
    )
    return or_(Engagement.country_code == scope.key, with_agencies) if scope.is_country else with_agencies


def _engagements_held(actor: Actor, scope: Scope, period: Period) -> list[ColumnElement[bool]]:
    """Engagements held in the period with the partner, those the reader may read (the gate)."""
    from liaison.engagements.models import Engagement

    where = [
        gate.readable(actor, Engagement),
        Engagement.held_on >= period.since,
        Engagement.held_on <= period.until,
        Engagement.status != "draft",
        Engagement.stage == "held",  # a planned or cancelled meeting was not held
    ]
    condition = _engagement_condition(scope)
    return where if condition is None else [*where, condition]


def engagements_by_partner(
    session: Session, actor: Actor, scope: Scope, period: Period
) -> tuple[list[EngagementsByPartner], int]:
    """Rows by partner country and crime area, and how many engagements they cover (each once)."""
    from liaison.engagements.models import Engagement

    counts: dict[tuple[str, str], int] = defaultdict(int)
    total = 0
    rows = session.execute(
        select(Engagement.country_code, Engagement.crime_areas).where(
            *_engagements_held(actor, scope, period)
        )
    )
    for country, areas in rows:
        total += 1
        for area in dict.fromkeys(areas or [""]):
            counts[(country or "", area)] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [EngagementsByPartner(country=c, crime_area=a, engagements=n) for (c, a), n in ordered], total


def commitments_by_status(
    session: Session, actor: Actor, scope: Scope, period: Period
) -> list[CommitmentsByStatus]:
    from liaison.engagements.models import Commitment, Engagement
    from liaison.engagements.vocabulary import vocabulary as engagement_vocabulary

    country = func.coalesce(Commitment.country_code, "")
    query = (
        select(country, Commitment.status, func.count())
        .join(Engagement, Engagement.id == Commitment.engagement_id)
        .where(*_engagements_held(actor, scope, period))
        .group_by(country, Commitment.status)
    )
    order = {name: position for position, name in enumerate(engagement_vocabulary().commitment_statuses)}
    return sorted(
        (CommitmentsByStatus(country=c, status=s, commitments=n) for c, s, n in session.execute(query)),
        key=lambda row: (row.country, order.get(row.status, len(order)), row.status),
    )


# ---------------------------------------------------------------- programmes and screening


def programme_progress(session: Session, scope: Scope, period: Period) -> list[ProgrammeProgress]:
    """Programmes running in any year of the period (with the partner among their parties)."""
    where = [Programme.start_year <= period.until.year, Programme.end_year >= period.since.year]
    if scope.key is not None:
        where.append(
            Programme.id.in_(
                select(ProgrammeParty.programme_id).where(ProgrammeParty.agency_id.in_(scope.agency_ids))
            )
        )
    counted = ActionItem.status != "dropped"
    query = (
        select(
            Programme.id,
            Programme.title,
            Programme.start_year,
            Programme.end_year,
            Programme.status,
            func.count(ActionItem.id).filter(counted),
            func.count(ActionItem.id).filter(ActionItem.status == "done"),
        )
        .outerjoin(ActionItem, ActionItem.programme_id == Programme.id)
        .where(*where)
        .group_by(Programme.id, Programme.title, Programme.start_year, Programme.end_year, Programme.status)
        .order_by(Programme.start_year, Programme.title, Programme.id)
    )
    return [
        ProgrammeProgress(
            programme_id=pid,
            title=title,
            start_year=first,
            end_year=last,
            status=status,
            action_items=items,
            done=done,
            progress=_share(done, items),
        )
        for pid, title, first, last, status, items, done in session.execute(query)
    ]


def screening_hits(
    session: Session, actor: Actor, scope: Scope, start: datetime, end: datetime
) -> list[ScreeningHitsConfirmed]:
    """Hits confirmed in the period on persons sought this reader may read, by believed country."""
    from liaison.screening.models import Hit
    from liaison.subjects.models import Subject

    where: list[ColumnElement[bool]] = [
        Hit.status == "confirmed",
        Hit.decided_at >= start,
        Hit.decided_at < end,
        gate.readable(actor, Subject),
    ]
    if scope.key is not None:
        where.append(Subject.believed_country == scope.key if scope.is_country else false())
    query = (
        select(Subject.believed_country, func.count())
        .select_from(Hit)
        .join(Subject, Subject.id == Hit.subject_id)
        .where(*where)
        .group_by(Subject.believed_country)
    )
    rows = (
        ScreeningHitsConfirmed(country=country or "", confirmed=count)
        for country, count in session.execute(query)
    )
    return sorted(rows, key=lambda row: (-row.confirmed, row.country))


def asset_values(session: Session, actor: Actor, scope: Scope, period: Period) -> list[AssetValues]:
    """The value each asset status was reached with in the period, on assets this reader may read
    held in the partner's country (an organisation holds none), converted as the register states."""
    from liaison.assets.service import figures

    if scope.key is not None and not scope.is_country:
        return []
    found = figures(session, actor, scope.key or "", period.since, period.until)
    return [
        AssetValues(
            status=status,
            assets=sum(row.assets for row in found.rows if row.status == status),
            value=total,
            currency=found.currency,
        )
        for status, total in found.totals.items()
        if any(row.status == status for row in found.rows)
    ]


def months_between(since: date, until: date) -> Iterable[date]:
    """The first day of every month the period touches, oldest first (a chart's axis)."""
    month = date(since.year, since.month, 1)
    while month <= until:
        yield month
        month = _add_months(month, 1)
