"""Deadline arithmetic: when a clock started at an instant falls due, and where a deadline stands.

Days are counted in the calendar's time zone (`calendar.time_zone`, by default the node's
`LIAISON_TIMEZONE`): a request received at 23:30 in Ha Noi counts from that Ha Noi day even
though it is still the previous day in UTC... and one received at 00:30 Ha Noi time counts from
the new day. Day one is the day after the start. A deadline falls due at the end of its last
day, local time; `due_at` is that instant in UTC (the first moment of the next local day).

Working days skip the calendar's weekend and listed public holidays; calendar days do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from liaison.core.settings import get_settings
from liaison.requests.kinds import Calendar, DayKind

MAX_DAYS = 3650


class Standing(StrEnum):
    """Where a deadline stands at a given moment."""

    met = "met"
    cancelled = "cancelled"
    overdue = "overdue"
    due_soon = "due_soon"
    running = "running"


@dataclass(frozen=True)
class Due:
    due_date: date  # the last local day on which the clock is still on time
    due_at: datetime  # aware UTC: the first instant at which it is overdue


def time_zone(calendar: Calendar) -> ZoneInfo:
    name = get_settings().timezone if calendar.time_zone == "settings" else calendar.time_zone
    return ZoneInfo(name)


def is_working_day(day: date, calendar: Calendar) -> bool:
    return day.weekday() not in calendar.weekend_numbers and day not in calendar.holidays


def add_days(start: date, days: int, day_kind: DayKind, calendar: Calendar) -> date:
    """The date `days` calendar or working days after `start` (`start` itself is day zero)."""
    if not 0 <= days <= MAX_DAYS:
        raise ValueError(f"a period of {days} days is out of range")
    if day_kind == "calendar":
        return start + timedelta(days=days)
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            counted += 1
    return day


def compute_due(started_at: datetime, days: int, day_kind: DayKind, calendar: Calendar) -> Due:
    """When a clock that started at `started_at` (aware) and runs `days` falls due."""
    if started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    zone = time_zone(calendar)
    local_start = started_at.astimezone(zone).date()
    last_day = add_days(local_start, days, day_kind, calendar)
    due_at = datetime.combine(last_day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return Due(last_day, due_at)


def standing(
    due_at: datetime, now: datetime, due_soon_days: int, *, met: bool = False, cancelled: bool = False
) -> Standing:
    if met:
        return Standing.met
    if cancelled:
        return Standing.cancelled
    if now >= due_at:
        return Standing.overdue
    if due_at - now <= timedelta(days=due_soon_days):
        return Standing.due_soon
    return Standing.running
