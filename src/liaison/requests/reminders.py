"""`liaison remind`: e-mail each responsible officer their due-soon and overdue requests.

One message per officer listing each open deadline that is overdue or falls due within the
vocabulary's `due_soon_days`. What was sent is recorded (`reminder_sent`, one row per request,
clock, standing, officer and local day), so a second run the same day sends nothing new; the
next day an overdue deadline is reminded again, and a due-soon one that became overdue is new.
Officers without an e-mail address are reported, not skipped silently.
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.models import User
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.core.settings import Settings
from liaison.requests import deadlines
from liaison.requests.kinds import request_kinds
from liaison.requests.models import CooperationRequest, ReminderSent, RequestDeadline
from liaison.requests.schemas import ReminderReport


@dataclass(frozen=True)
class ReminderItem:
    request_id: int
    title: str
    kind: str
    partner: str
    clock: str
    clock_label: str
    standing: str
    due_date: str
    owning_unit: str  # the request's, so the gate can tell whether its recipient may read it
    handling_code: str


def pending_reminders(session: Session, now: datetime) -> dict[str, list[ReminderItem]]:
    """Per responsible officer, the deadlines to remind that were not reminded today."""
    vocabulary = request_kinds()
    today = now.astimezone(deadlines.time_zone(vocabulary.calendar)).date()
    horizon = now + timedelta(days=vocabulary.due_soon_days)
    rows = session.execute(
        select(RequestDeadline, CooperationRequest)
        .join(CooperationRequest, RequestDeadline.request_id == CooperationRequest.id)
        .where(
            RequestDeadline.met_at.is_(None),
            RequestDeadline.cancelled_at.is_(None),
            RequestDeadline.due_at <= horizon,
            CooperationRequest.responsible_username != "",
        )
        .order_by(RequestDeadline.due_at)
    )
    sent = {
        (row.request_id, row.clock, row.standing, row.recipient)
        for row in session.scalars(select(ReminderSent).where(ReminderSent.sent_on == today))
    }
    found: dict[str, list[ReminderItem]] = defaultdict(list)
    for deadline, request in rows:
        standing = "overdue" if deadline.due_at <= now else "due_soon"
        recipient = request.responsible_username
        if (request.id, deadline.clock, standing, recipient) in sent:
            continue
        kind = vocabulary.kinds.get(request.kind)
        found[recipient].append(
            ReminderItem(
                request.id,
                request.title or f"Request {request.id}",
                kind.en if kind else request.kind,
                request.partner_agency.name,
                deadline.clock,
                kind.clocks[deadline.clock].en if kind and deadline.clock in kind.clocks else deadline.clock,
                standing,
                deadline.due_date.isoformat(),
                request.owning_unit,
                request.handling_code,
            )
        )
    return found


def compose(sender: str, user: User, items: list[ReminderItem]) -> EmailMessage:
    overdue = [i for i in items if i.standing == "overdue"]
    soon = [i for i in items if i.standing == "due_soon"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = user.email
    message["Subject"] = f"Liaison: {len(overdue)} overdue, {len(soon)} due soon"
    lines = [f"Dear {user.full_name or user.username},", ""]
    for heading, group in (("Overdue", overdue), ("Due soon", soon)):
        if group:
            lines.append(f"{heading}:")
            lines += [
                f"  - #{i.request_id} {i.title} ({i.kind}, {i.partner}): {i.clock_label} due {i.due_date}"
                for i in group
            ]
            lines.append("")
    lines.append("Open Liaison to act on them: /requests?overdue=1")
    message.set_content("\n".join(lines))
    return message


def send_reminders(
    session: Session, actor: Actor, settings: Settings, now: datetime | None = None
) -> ReminderReport:
    """Send what is pending through the configured SMTP server and record it."""
    ensure(actor, "requests.configure")
    now = now or utcnow()
    today = now.astimezone(deadlines.time_zone(request_kinds().calendar)).date()
    pending = pending_reminders(session, now)
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(list(pending))))}
    report = ReminderReport(recipients=0, messages=0, items=0, skipped_without_email=[])
    deliverable = {}
    for username, items in sorted(pending.items()):
        user = users.get(username)
        if user is None or not user.email or not user.is_active:
            report.skipped_without_email.append(username)
            continue
        readable = [item for item in items if gate.may_read(user, item)]  # a mail is an output too
        if readable:
            deliverable[username] = (user, readable)
    if not deliverable:
        return report
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        for username, (user, items) in deliverable.items():
            smtp.send_message(compose(settings.smtp_sender, user, items))
            for item in items:
                session.add(
                    ReminderSent(
                        request_id=item.request_id,
                        clock=item.clock,
                        standing=item.standing,
                        recipient=username,
                        sent_on=today,
                        sent_at=now,
                    )
                )
            report.recipients += 1
            report.messages += 1
            report.items += len(items)
            audit.record(
                session, actor.username, "remind", "user", username, detail=f"{len(items)} deadlines"
            )
    session.flush()
    return report
