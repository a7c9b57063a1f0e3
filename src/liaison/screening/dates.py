"""Birth dates as screening sees them: full, year-month or year only, and how two compare."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")
_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[./](\d{4})\s*$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of which the month and day may be unknown."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def parse_partial_date(text: str | date | None) -> PartialDate | None:
    """`1970-03-15`, `1970-03`, `1970`, `15.03.1970` or `15/03/1970`; None when blank.

    Raises `ValueError` naming the problem for an impossible date (`1970-02-30`, month 13) or a
    form it cannot read.
    """
    if text is None:
        return None
    if isinstance(text, date):
        return PartialDate(text.year, text.month, text.day)
    value = str(text).strip()
    if not value:
        return None
    year: int
    month: int | None
    day: int | None
    if match := _ISO.match(value):
        year = int(match[1])
        month = int(match[2]) if match[2] else None
        day = int(match[3]) if match[3] else None
    elif match := _DAY_FIRST.match(value):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif match := _MONTH_YEAR.match(value):
        day, month, year = None, int(match[1]), int(match[2])
    else:
        raise ValueError(f"{value[:40]!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
    if not 1800 <= year <= 2200:
        raise ValueError(f"{value[:40]!r} has an impossible year")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{value[:40]!r} has an impossible month")
    if day is not None and month is not None:
        try:
            date(year, month, day)
        except ValueError:
            raise ValueError(f"{value[:40]!r} is not a day of the calendar") from None
    return PartialDate(year, month, day)


def compare_dates(record: PartialDate, subject: PartialDate) -> str:
    """How a record's birth date relates to a subject's.

    exact · same_month (year and month agree, a day unknown) · same_year (a month unknown) ·
    day_month_swapped · one_year_off (day and month agree, the year ±1: a slip of one digit) ·
    near_year (year ±1, a month unknown) · same_year_other_day · conflict.
    """
    if record.year == subject.year:
        if record.month is None or subject.month is None:
            return "same_year"
        if record.month == subject.month:
            if record.day is None or subject.day is None:
                return "same_month"
            return "exact" if record.day == subject.day else "same_year_other_day"
        if record.day is not None and (record.day, record.month) == (subject.month, subject.day):
            return "day_month_swapped"
        return "same_year_other_day"
    if abs(record.year - subject.year) == 1:
        if record.month is None or subject.month is None:
            return "near_year"
        if record.month == subject.month and (
            record.day is None or subject.day is None or record.day == subject.day
        ):
            return "one_year_off"
        return "conflict"
    return "conflict"
