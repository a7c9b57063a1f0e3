"""The logic of capacity building: plain functions `(session, actor, ...)` for the API, the pages
and the demo.

- Staff records are the home ministry's people; a participant is a staff record or a partner's
  person named as written, one or the other, and never a person sought (the input has no field
  for one, and a staff id that is not a staff record is refused).
- An activity's kind (`vocab/capacity.yaml`) says what it needs (a post, a mission), the roles of
  its participants and its status machine; a period that ends before it starts is refused.
- Staff records and activities are `Protected` (home-ministry personnel data): each carries the
  writer's unit and a handling code, and every read, list, count and choice goes through the
  record-access gate (`core.security.gate`); a hidden record answers as a missing one.
- An activity may belong to an engagement (an experience-sharing session, say): the engagement
  must exist, and its page lists the activities linked to it (`engagement_panel`).
- Writes are audited, and reads of staff records and participants (personal data) too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.orm import Session

from liaison.capacity.models import CapacityActivity, CapacityParticipant, StaffMember
from liaison.capacity.schemas import (
    ActivityIn,
    ActivityOut,
    CountRow,
    Counts,
    ParticipantIn,
    StaffMemberIn,
    StatusIn,
)
from liaison.capacity.vocabulary import vocabulary
from liaison.core import audit
from liaison.core.db import Base, utcnow
from liaison.core.errors import Conflict, Invalid
from liaison.core.listing import paginate
from liaison.core.records import check_period, no_such, referenced, snapshot
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import allowed_next, check_move, require, require_all
from liaison.registry.models import Agency

READ, WRITE = "capacity.read", "capacity.write"
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "partner_agency_id",
    "direction",
    "post",
    "mission",
    "start_date",
    "end_date",
    "status",
    "engagement_id",
    "owning_unit",
    "handling_code",
)
STAFF_FIELDS = ("full_name", "rank", "unit", "position", "owning_unit", "handling_code")


# --- staff records ---------------------------------------------------------------------------


def create_staff_member(
    session: Session, actor: Actor, data: StaffMemberIn, ref: str | None = None
) -> StaffMember:
    ensure(actor, WRITE)
    member = StaffMember(**data.model_dump(), owning_unit=actor.unit, ref=ref)
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "staff_member",
        member.id,
        after=snapshot(member, STAFF_FIELDS),
        protected=member,
    )
    return member


def list_staff(
    session: Session, actor: Actor, *, limit: int = 50, offset: int = 0
) -> tuple[list[StaffMember], int]:
    ensure(actor, READ)
    statement: Select[Any] = (
        select(StaffMember)
        .where(gate.readable(actor, StaffMember))
        .order_by(StaffMember.full_name, StaffMember.id)
    )
    rows, total = paginate(session, statement, limit, offset)
    audit.record_read(session, actor.username, "staff_member", "*", detail=f"list: {total}")
    return rows, total


# --- activities ------------------------------------------------------------------------------


def engagement_table() -> Table | None:
    """The engagements' table, found by name: capacity does not import the engagements capability
    (a node without it has no engagement to link)."""
    return Base.metadata.tables.get("engagement")


def _check_engagement(session: Session, actor: Actor, engagement_id: int | None) -> None:
    """The engagement an activity belongs to exists and the actor may read it (through the gate: a
    hidden engagement is as missing as an absent one)."""
    if engagement_id is None:
        return
    table = engagement_table()
    found = table is not None and session.scalar(
        select(table.c.id).where(table.c.id == engagement_id, gate.readable(actor, table.c))
    )
    if not found:
        raise no_such("engagement", engagement_id, "engagement_id")


def _participant(
    session: Session, actor: Actor, kind_code: str, data: ParticipantIn, where: str
) -> CapacityParticipant:
    kind = vocabulary().kinds[kind_code]
    if (data.staff_member_id is None) == (not data.partner_name):
        raise Invalid(
            "A participant is a staff record of the home ministry or a partner's person by name, not both.",
            fields={f"{where}.staff_member_id": "a staff record, or a partner's name instead"},
        )
    # a subject's id is not a staff record's; a hidden staff record is as missing as an absent one
    referenced(session, StaffMember, data.staff_member_id, f"{where}.staff_member_id", "staff record", actor)
    if data.role not in kind.roles:
        raise Invalid(
            "The role {role!r} is not one of this kind of activity.",
            role=data.role,
            fields={f"{where}.role": "one of the kind's roles"},
        )
    check_period(data.start_date, data.end_date, f"{where}.end_date")
    return CapacityParticipant(**data.model_dump())


def _check_activity(session: Session, actor: Actor, data: ActivityIn) -> None:
    vocab = vocabulary()
    require(vocab.kinds, data.kind, "kind")
    kind = vocab.kinds[data.kind]
    require_all(vocab.subject_areas, data.subject_areas, "subject_areas")
    for need in kind.needs:
        if not getattr(data, need).strip():
            raise Invalid(
                "This kind of activity needs its {field}.",
                field=need,
                fields={need: "required for this kind of activity"},
            )
    if data.kind == "training" and data.direction not in vocab.directions:
        raise Invalid(
            "Training needs its direction: received from or given to the partner.",
            fields={"direction": "received or given, for training"},
        )
    if data.kind != "training" and data.direction:
        raise Invalid("Only training has a direction.", fields={"direction": "empty unless for training"})
    check_period(data.start_date, data.end_date)
    referenced(session, Agency, data.partner_agency_id, "partner_agency_id", "agency")
    _check_engagement(session, actor, data.engagement_id)


def create_activity(
    session: Session, actor: Actor, data: ActivityIn, ref: str | None = None
) -> CapacityActivity:
    """Record an activity with its participants, in its kind's initial status."""
    ensure(actor, WRITE)
    _check_activity(session, actor, data)
    participants = [
        _participant(session, actor, data.kind, p, f"participants.{i}")
        for i, p in enumerate(data.participants)
    ]
    values = data.model_dump(exclude={"participants"})
    values["subject_areas"] = list(dict.fromkeys(data.subject_areas))
    initial = vocabulary().kinds[data.kind].initial
    activity = CapacityActivity(**values, status=initial, owning_unit=actor.unit, ref=ref)
    activity.participants = participants
    session.add(activity)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "capacity_activity",
        activity.id,
        after=snapshot(activity, ACTIVITY_FIELDS) | {"participants": len(participants)},
        protected=activity,
    )
    return activity


def get_activity(session: Session, actor: Actor, activity_id: int) -> CapacityActivity:
    """An activity the gate lets this actor read (a hidden one answers as missing). Audited."""
    ensure(actor, READ)
    activity = gate.get_readable(session, actor, CapacityActivity, activity_id, "activity")
    audit.record_read(session, actor.username, "capacity_activity", activity.id, protected=activity)
    return activity


def readable_staff_ids(actor: Actor, activity: CapacityActivity) -> set[int]:
    """The activity's staff participants whose record this actor may read (the others' names are
    withheld on its page)."""
    return {
        p.staff_member.id
        for p in activity.participants
        if p.staff_member is not None and gate.may_read(actor, p.staff_member)
    }


def add_participant(
    session: Session, actor: Actor, activity_id: int, data: ParticipantIn
) -> CapacityParticipant:
    ensure(actor, WRITE)
    activity = gate.get_readable(session, actor, CapacityActivity, activity_id, "activity")
    participant = _participant(session, actor, activity.kind, data, "participant")
    activity.participants.append(participant)
    session.flush()
    audit.record(
        session,
        actor.username,
        "update",
        "capacity_activity",
        activity.id,
        after={"participant": data.model_dump(mode="json")},
        protected=activity,
    )
    return participant


def change_status(session: Session, actor: Actor, activity_id: int, data: StatusIn) -> CapacityActivity:
    ensure(actor, WRITE)
    activity = gate.get_readable(session, actor, CapacityActivity, activity_id, "activity")
    statuses = vocabulary().kinds[activity.kind].statuses
    if data.status not in statuses:
        raise Conflict(
            "An activity of this kind has no status {status!r}.",
            status=data.status,
            allowed=allowed_next(statuses, activity.status),
        )
    check_move(statuses, activity.status, data.status, "activity")
    audit.record(
        session,
        actor.username,
        "status",
        "capacity_activity",
        activity.id,
        before={"status": activity.status},
        after={"status": data.status, "outcome": data.outcome},
        protected=activity,
    )
    activity.status = data.status
    if data.outcome:
        activity.outcome = data.outcome
    activity.updated_at = utcnow()
    session.flush()
    return activity


def _activities(
    actor: Actor,
    partner_agency_ids: list[int] | None,
    kind: str = "",
    year: int | None = None,
    engagement_id: int | None = None,
) -> Select[Any]:
    """The activities this actor may read, filtered; lists and counts share it, so a total never
    counts what a get would refuse."""
    statement = select(CapacityActivity).where(gate.readable(actor, CapacityActivity))
    if engagement_id is not None:
        statement = statement.where(CapacityActivity.engagement_id == engagement_id)
    if partner_agency_ids is not None:
        statement = statement.where(CapacityActivity.partner_agency_id.in_(partner_agency_ids))
    if kind:
        statement = statement.where(CapacityActivity.kind == kind)
    if year is not None:
        statement = statement.where(
            CapacityActivity.start_date >= date(year, 1, 1), CapacityActivity.start_date <= date(year, 12, 31)
        )
    return statement


def list_activities(
    session: Session,
    actor: Actor,
    *,
    partner_agency_ids: list[int] | None = None,
    kind: str = "",
    year: int | None = None,
    engagement_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CapacityActivity], int]:
    ensure(actor, READ)
    statement = _activities(actor, partner_agency_ids, kind, year, engagement_id).order_by(
        CapacityActivity.start_date.desc(), CapacityActivity.id
    )
    return paginate(session, statement, limit, offset)


def counts(session: Session, actor: Actor, partner_agency_ids: list[int] | None = None) -> Counts:
    """Activities and home-ministry participants per year and kind; officers trained (distinct
    staff records in trainings not cancelled)."""
    ensure(actor, READ)
    activities = _activities(actor, partner_agency_ids).subquery()
    year = func.extract("year", activities.c.start_date)
    rows = session.execute(
        select(
            year,
            activities.c.kind,
            func.count(func.distinct(activities.c.id)),
            func.count(CapacityParticipant.staff_member_id),
        )
        .select_from(activities)
        .outerjoin(CapacityParticipant, CapacityParticipant.activity_id == activities.c.id)
        .group_by(year, activities.c.kind)
        .order_by(year, activities.c.kind)
    ).all()
    trained = session.scalar(
        select(func.count(func.distinct(CapacityParticipant.staff_member_id))).where(
            CapacityParticipant.activity_id.in_(
                select(activities.c.id).where(
                    activities.c.kind == "training", activities.c.status != "cancelled"
                )
            ),
            CapacityParticipant.role == "trainee",
        )
    )
    kinds = vocabulary().kinds
    return Counts(
        rows=[
            CountRow(
                year=int(y),
                kind=k,
                kind_label=kinds[k].label() if k in kinds else k,
                activities=n,
                home_participants=int(p or 0),
            )
            for y, k, n, p in rows
        ],
        officers_trained=trained or 0,
    )


def activity_out(activity: CapacityActivity) -> ActivityOut:
    return ActivityOut.model_validate(activity)


def partner_choices(session: Session) -> list[Agency]:
    """Agencies an activity may be with, for forms: countries' agencies first, then organisations."""
    return list(session.scalars(select(Agency).order_by(Agency.country_code.is_(None), Agency.name)))


def staff_choices(session: Session, actor: Actor) -> list[StaffMember]:
    """Staff records a form may offer: those this actor may read."""
    statement = select(StaffMember).where(gate.readable(actor, StaffMember))
    return list(session.scalars(statement.order_by(StaffMember.full_name, StaffMember.id)))
