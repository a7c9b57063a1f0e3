"""Notifications: in the app (the bell, the notifications page) and by e-mail through SMTP.

Where they come from:

- the reminder sweep (`sweep`, run by `liaison notify run` and every `LIAISON_NOTIFY_INTERVAL_SECONDS`
  by `liaison worker`): for every active user, what the home page would list for them
  (`core.home.items_for`, each capability's `home` contribution through the gate) in the kinds the
  vocabulary marks `notify`: deadlines approaching and passed, incoming requests, hits to review,
  approvals waiting, commitments and action items due;
- domain events, where one exists (a new incoming request: `notify_unit`, called by the
  capability's subscriber in the publishing transaction).

A notification is made once per user and `key` (the record and its state, such as
`request:12:response:overdue`; a unique constraint holds it), so running the sweep again sends
nothing new, and a deadline that moves from approaching to passed is told once more. Each user
chooses per kind whether it reaches them in the app, by e-mail, both or neither; absent a choice the
kind's defaults apply. A notification keeps the owning unit and handling code of its record: it is
made only for a recipient the gate lets read the record, and shown or mailed only while it still
does, so it never reveals a record its recipient cannot read.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, func, or_, select, update
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.capability import HomeItem
from liaison.core.db import unit_of_work, utcnow
from liaison.core.errors import Invalid, NotFound, Phrase
from liaison.core.home import items_for, notification_kinds
from liaison.core.listing import paginate
from liaison.core.models import Notification, NotificationPreference, User
from liaison.core.records import today as local_today
from liaison.core.security import gate
from liaison.core.security.policy import Actor, may
from liaison.core.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Choice:
    in_app: bool
    email: bool


@dataclass
class RunReport:
    """What one run did: notifications made, e-mails sent (messages, and notifications in them),
    users with e-mail notifications but no address, and the mail server's refusal, if any."""

    created: int = 0
    messages: int = 0
    emailed: int = 0
    without_address: list[str] = field(default_factory=list)
    mail_error: str = ""


def choosable() -> list[str]:
    """The kinds a user may choose to receive (those the sweep or an event makes)."""
    return [kind for kind, spec in notification_kinds().kinds.items() if spec.notify]


def preferences(session: Session, username: str) -> dict[str, Choice]:
    """Per kind, what reaches this user: their choice, else the kind's defaults."""
    kinds = notification_kinds().kinds
    chosen = {
        row.kind: Choice(row.in_app, row.email)
        for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.username == username)
        )
    }
    return {kind: chosen.get(kind, Choice(kinds[kind].in_app, kinds[kind].email)) for kind in choosable()}


def set_preferences(session: Session, actor: Actor, choices: dict[str, Choice]) -> dict[str, Choice]:
    """Record the actor's own choices (kinds not named keep theirs); an unknown kind changes nothing."""
    unknown = sorted(set(choices) - set(choosable()))
    if unknown:
        raise Invalid(
            "Unknown kind of notification {kind!r}.",
            kind=unknown[0],
            fields={"kind": Phrase("one of {choices}", {"choices": choosable()})},
        )
    before = preferences(session, actor.username)
    rows = {
        row.kind: row
        for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.username == actor.username)
        )
    }
    for kind, choice in choices.items():
        row = rows.get(kind)
        if row is None:
            row = NotificationPreference(username=actor.username, kind=kind)
            session.add(row)
        row.in_app, row.email = choice.in_app, choice.email
    session.flush()
    after = preferences(session, actor.username)
    audit.record(
        session,
        actor.username,
        "update",
        "notification_preferences",
        actor.username,
        before={k: [v.in_app, v.email] for k, v in before.items()},
        after={k: [v.in_app, v.email] for k, v in after.items()},
    )
    return after


def notify(
    session: Session,
    user: User,
    item: HomeItem,
    now: datetime | None = None,
    choices: dict[str, Choice] | None = None,
) -> Notification | None:
    """Tell `user` of `item` once (per key), as they chose; nothing when the gate hides its record
    from them, when it was told already, or when they chose neither the app nor e-mail."""
    if not user.is_active or not gate.may_read(user, item):
        return None
    choice = (choices or preferences(session, user.username)).get(item.kind)
    if choice is None or not (choice.in_app or choice.email):
        return None
    exists = session.scalar(
        select(Notification.id).where(Notification.recipient == user.username, Notification.key == item.key)
    )
    if exists is not None:
        return None
    notification = Notification(
        recipient=user.username,
        kind=item.kind,
        key=item.key[:200],
        title=item.title[:300],
        detail=item.detail[:300],
        link=item.link[:300],
        due=item.due,
        created_at=now or utcnow(),
        shown=choice.in_app,
        email="pending" if choice.email else "",
        owning_unit=item.owning_unit,
        handling_code=item.handling_code,
    )
    with session.begin_nested():  # another process told the same user of the same key meanwhile
        session.add(notification)
    return notification


def notify_unit(
    session: Session, item: HomeItem, action: str, also: tuple[str, ...] = (), now: datetime | None = None
) -> int:
    """A domain event's notification: every active user of the record's owning unit (and the users
    named in `also`, the record's responsible officer say) whose role may `action` and whom the gate
    lets read it. How many were told."""
    wanted: list[ColumnElement[bool]] = [User.username.in_(also)]
    if item.owning_unit:
        wanted.append(User.unit == item.owning_unit)
    users = session.scalars(
        select(User).where(User.is_active.is_(True), or_(*wanted)).order_by(User.username)
    )
    return sum(1 for user in users if may(user, action) and notify(session, user, item, now) is not None)


def sweep(session: Session, now: datetime | None = None) -> RunReport:
    """Notify every active user of what needs them now and was not told yet."""
    now = now or utcnow()
    today = local_today(now)
    notifying = set(choosable())
    report = RunReport()
    for user in session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username)):
        choices = preferences(session, user.username)
        for item in items_for(session, user, today):
            if item.kind in notifying and notify(session, user, item, now, choices) is not None:
                report.created += 1
    session.flush()
    return report


def compose(settings: Settings, user: User, notifications: list[Notification]) -> EmailMessage:
    """One message to one user with every notification waiting to be mailed to them."""
    language = user.locale if user.locale in ("en", "vi") else "en"
    kinds = notification_kinds().kinds
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = user.email
    count = len(notifications)
    message["Subject"] = (
        f"Liaison: {count} thông báo mới"
        if language == "vi"
        else f"Liaison: {count} new notification{'s' * (count != 1)}"
    )
    greeting = "Kính gửi" if language == "vi" else "Dear"
    lines = [f"{greeting} {user.full_name or user.username},", ""]
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for notification in notifications:
        by_kind[notification.kind].append(notification)
    base = settings.public_url.rstrip("/")
    for kind, group in by_kind.items():
        lines.append(f"{kinds[kind].label(language) if kind in kinds else kind}:")
        for n in group:
            due = f" ({n.due.isoformat()})" if n.due else ""
            detail = f" · {n.detail}" if n.detail else ""
            lines.append(f"  - {n.title}{detail}{due}")
            if n.link:
                lines.append(f"    {base}{n.link}")
        lines.append("")
    lines.append(f"{base}/notifications")
    message.set_content("\n".join(lines))
    return message


def send_emails(session: Session, settings: Settings, now: datetime | None = None) -> RunReport:
    """Mail every pending notification, one message per user, through the SMTP server; a user
    without an address is reported and their notifications stay in the app only. A refusing or
    unreachable server leaves them pending for the next run."""
    now = now or utcnow()
    report = RunReport()
    pending = session.scalars(
        select(Notification).where(Notification.email == "pending").order_by(Notification.id)
    ).all()
    by_user: dict[str, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_user[notification.recipient].append(notification)
    if not by_user:
        return report
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(list(by_user))))}
    deliverable: list[tuple[User, list[Notification]]] = []
    for username, notifications in sorted(by_user.items()):
        user = users.get(username)
        readable = [n for n in notifications if user is not None and gate.may_read(user, n)]
        for n in notifications:
            if n not in readable:
                n.email = ""  # its record is no longer the recipient's to read: never mailed
        if user is None or not user.is_active or not readable:
            continue
        if not user.email:
            report.without_address.append(username)
            for n in readable:
                n.email = ""
            continue
        deliverable.append((user, readable))
    if not deliverable:
        session.flush()
        return report
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            for user, notifications in deliverable:
                smtp.send_message(compose(settings, user, notifications))
                for n in notifications:
                    n.email, n.emailed_at = "sent", now
                report.messages += 1
                report.emailed += len(notifications)
                audit.record(
                    session,
                    "notifications",
                    "notify",
                    "user",
                    user.username,
                    detail=f"{len(notifications)} by e-mail",
                )
                session.flush()  # what was sent is recorded even if the next message fails
    except (OSError, smtplib.SMTPException) as error:
        report.mail_error = f"{type(error).__name__}: {error}"
        log.warning(
            "notifications: the mail server %s:%s refused: %s", settings.smtp_host, settings.smtp_port, error
        )
    session.flush()
    return report


def run(session: Session, settings: Settings | None = None, now: datetime | None = None) -> RunReport:
    """The sweep, then the e-mails: `liaison notify run` and each pass of the worker."""
    settings = settings or get_settings()
    swept = sweep(session, now)
    mailed = send_emails(session, settings, now)
    mailed.created = swept.created
    return mailed


def worker(engine: Engine, stop: threading.Event, settings: Settings | None = None) -> None:
    """`liaison worker`'s notification loop: a run every `notify_interval_seconds` until `stop`."""
    settings = settings or get_settings()
    while not stop.is_set():
        try:
            with unit_of_work(engine) as session:
                report = run(session, settings)
            if report.created or report.messages:
                log.info("notifications: %s made, %s e-mails", report.created, report.messages)
        except Exception:  # a failing pass is logged; the next one tries again
            log.exception("notifications: the run failed")
        stop.wait(settings.notify_interval_seconds)


# ---------------------------------------------------------------- what a user reads


def _mine(actor: Actor) -> Any:
    return (
        Notification.recipient == actor.username,
        Notification.shown.is_(True),
        gate.readable(actor, Notification),
    )


def list_for(
    session: Session, actor: Actor, *, unread: bool = False, limit: int = 50, offset: int = 0
) -> tuple[list[Notification], int]:
    """The actor's own notifications in the app, newest first (only those the gate still shows)."""
    query: Select[Any] = select(Notification).where(*_mine(actor))
    if unread:
        query = query.where(Notification.read_at.is_(None))
    return paginate(
        session, query.order_by(Notification.created_at.desc(), Notification.id.desc()), limit, offset
    )


def unread_count(session: Session, actor: Actor) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(*_mine(actor), Notification.read_at.is_(None))
        )
        or 0
    )


def mark(
    session: Session, actor: Actor, notification_id: int, read: bool, now: datetime | None = None
) -> Notification:
    """Mark one of the actor's notifications read or unread; another's answers as a missing one."""
    notification = session.scalar(
        select(Notification).where(Notification.id == notification_id, *_mine(actor))
    )
    if notification is None:
        raise NotFound("There is no notification {notification_id}.", notification_id=notification_id)
    before = {"read": notification.read_at is not None}
    if read and notification.read_at is None:
        notification.read_at = now or utcnow()
    elif not read:
        notification.read_at = None
    audit.record(
        session,
        actor.username,
        "update",
        "notification",
        notification.id,
        before=before,
        after={"read": read},
    )
    session.flush()
    return notification


def mark_all_read(session: Session, actor: Actor, now: datetime | None = None) -> int:
    """Mark every unread notification of the actor read; how many."""
    ids = session.scalars(select(Notification.id).where(*_mine(actor), Notification.read_at.is_(None))).all()
    if ids:
        session.execute(update(Notification).where(Notification.id.in_(ids)).values(read_at=now or utcnow()))
        audit.record(session, actor.username, "update", "notification", "*", detail=f"{len(ids)} marked read")
    return len(ids)
