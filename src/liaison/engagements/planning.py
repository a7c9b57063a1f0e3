"""Planning engagements: moving one through its stages (planned → held or cancelled, cancelled →
planned again), its preparation tasks, and the week and month calendar.

The stages are the machine `engagement_stages` of `vocab/engagements.yaml` (`core.vocab.check_move`:
an illegal move is a `Conflict` naming the allowed ones). Marking an engagement held keeps its
agenda, delegations and tasks; from then on its minutes and commitments are recorded as for any
engagement held. Days are the node's calendar days (`settings.timezone`, `core.records.today`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.errors import Invalid, NotFound
from liaison.core.events import EngagementRecorded, publish
from liaison.core.i18n import Phrase
from liaison.core.models import User
from liaison.core.records import snapshot, today
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.core.settings import get_settings
from liaison.core.vocab import check_move, require
from liaison.engagements import schemas
from liaison.engagements.models import Engagement, PreparationTask
from liaison.engagements.service import ENGAGEMENT, READ, WRITE, check_stage_date, check_user, tasks
from liaison.engagements.vocabulary import vocabulary

TASK_FIELDS = ("engagement_id", "text", "owner", "due_on", "is_done")
VIEWS = ("week", "month")


def move_stage(session: Session, actor: Actor, engagement_id: int, data: schemas.StageIn) -> Engagement:
    """Mark an engagement held (on its date or the day given, not in the future), cancel it, or plan
    a cancelled one again (today or later)."""
    ensure(actor, WRITE)
    engagement = gate.get_readable(session, actor, Engagement, engagement_id, ENGAGEMENT)
    check_move(vocabulary().engagement_stages, engagement.stage, data.stage, "engagement")
    before = snapshot(engagement, ("stage", "held_on"))
    held_on = data.held_on or engagement.held_on
    check_stage_date(data.stage, held_on)
    if engagement.end_on is not None and held_on != engagement.held_on:
        try:
            engagement.end_on = held_on + (engagement.end_on - engagement.held_on)
        except OverflowError:
            raise Invalid("The end is before the start.", fields={"held_on": "an earlier day"}) from None
    engagement.stage, engagement.held_on = data.stage, held_on
    session.flush()
    audit.record(
        session,
        actor.username,
        "status",
        "engagement",
        engagement.id,
        before=before,
        after=snapshot(engagement, ("stage", "held_on")),
        protected=engagement,
    )
    publish(session, EngagementRecorded(actor=actor.username, engagement_id=engagement.id, change="update"))
    return engagement


def add_task(session: Session, actor: Actor, engagement_id: int, data: schemas.TaskIn) -> PreparationTask:
    ensure(actor, WRITE)
    engagement = gate.get_readable(session, actor, Engagement, engagement_id, ENGAGEMENT)
    (task,) = tasks(session, [data], "task")
    engagement.tasks.append(task)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "engagement_task",
        task.id,
        after=snapshot(task, TASK_FIELDS),
        protected=engagement,
    )
    return task


def update_task(
    session: Session, actor: Actor, engagement_id: int, task_id: int, data: schemas.TaskPatch
) -> PreparationTask:
    """Change a preparation task or mark it done (or not done)."""
    ensure(actor, WRITE)
    engagement = gate.get_readable(session, actor, Engagement, engagement_id, ENGAGEMENT)
    task = next((t for t in engagement.tasks if t.id == task_id), None)
    if task is None:
        raise NotFound("There is no {what} {record_id}.", what=Phrase("preparation task"), record_id=task_id)
    before = snapshot(task, TASK_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("owner") is not None:
        check_user(session, changes["owner"], "owner")
    for name, value in changes.items():
        if value is not None or name == "due_on":
            setattr(task, name, value)
    session.flush()
    audit.record(
        session,
        actor.username,
        "update",
        "engagement_task",
        task.id,
        before=before,
        after=snapshot(task, TASK_FIELDS),
        protected=engagement,
    )
    return task


def user_choices(session: Session) -> list[User]:
    """The node's active users, for the owner of a task and our delegation."""
    return list(session.scalars(select(User).where(User.is_active).order_by(User.username)))


# The calendar


@dataclass
class Day:
    day: date
    engagements: list[Engagement] = field(default_factory=list)
    tasks: list[PreparationTask] = field(default_factory=list)


@dataclass
class Calendar:
    view: str
    start: date
    end: date
    today: date
    time_zone: str
    days: list[Day]

    @property
    def weeks(self) -> list[list[Day]]:
        return [self.days[i : i + 7] for i in range(0, len(self.days), 7)]

    def previous(self) -> date:
        return self.start - timedelta(days=1) if self.view == "month" else self.start - timedelta(days=7)

    def next(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def month(self) -> date:
        """The month shown (a month view's grid starts and ends in the months around it)."""
        return (self.start + timedelta(days=7)).replace(day=1) if self.view == "month" else self.start


def calendar_range(view: str, day: date) -> tuple[date, date]:
    """A week: Monday to Sunday around `day`; a month: the whole weeks that cover `day`'s month."""
    require(dict.fromkeys(VIEWS), view, "view")
    if not date(1, 2, 1) <= day <= date(9999, 11, 30):  # the grid and its neighbours stay within dates
        raise Invalid(
            "There is no calendar for {day}.", day=day.isoformat(), fields={"date": "a day of years 1–9999"}
        )
    if view == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


def engagements_between(session: Session, actor: Actor, start: date, end: date) -> list[Engagement]:
    """Engagements this actor may read that take place on a day from `start` to `end` (confirmed
    records, not drafts of press reports), with their tasks loaded."""
    last_day = func.coalesce(Engagement.end_on, Engagement.held_on)
    return list(
        session.scalars(
            select(Engagement)
            .where(
                Engagement.status.not_in(("draft", "merged")),
                gate.readable(actor, Engagement),
                Engagement.held_on <= end,
                last_day >= start,
            )
            .options(selectinload(Engagement.tasks))
            .order_by(Engagement.held_on, Engagement.id)
        )
    )


def calendar(session: Session, actor: Actor, view: str = "week", day: date | None = None) -> Calendar:
    """The week or month around `day` (default today): each day's engagements (one of several days
    on each of them) and the preparation tasks due that day, of engagements this actor may read."""
    ensure(actor, READ)
    now = today()
    start, end = calendar_range(view, day or now)
    days = [Day(start + timedelta(days=n)) for n in range((end - start).days + 1)]
    tasks_of = select(PreparationTask).where(
        PreparationTask.due_on.between(start, end),
        PreparationTask.engagement_id.in_(
            select(Engagement.id).where(
                Engagement.status.not_in(("draft", "merged")), gate.readable(actor, Engagement)
            )
        ),
    )
    for engagement in engagements_between(session, actor, start, end):
        first = max(engagement.held_on, start)
        last = min(engagement.end_on or engagement.held_on, end)
        for n in range((first - start).days, (last - start).days + 1):
            days[n].engagements.append(engagement)
    for task in session.scalars(tasks_of.order_by(PreparationTask.due_on, PreparationTask.id)):
        assert task.due_on is not None
        days[(task.due_on - start).days].tasks.append(task)
    return Calendar(view, start, end, now, get_settings().timezone, days)


def calendar_out(cal: Calendar) -> schemas.CalendarOut:
    return schemas.CalendarOut(
        view=cal.view,
        start=cal.start,
        end=cal.end,
        today=cal.today,
        time_zone=cal.time_zone,
        days=[
            schemas.CalendarDay(
                day=d.day,
                engagements=[schemas.CalendarEvent.model_validate(e) for e in d.engagements],
                tasks=[schemas.TaskOut.model_validate(t) for t in d.tasks],
            )
            for d in cal.days
        ],
    )
