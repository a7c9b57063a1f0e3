"""Birth dates as screening sees them: full, year-month, year only or a range of years, and how
two compare.

A disagreement is read as the typo of one field a clerk makes (a day or a month written wrong,
day and month swapped, the year off by one to three), not as a different
person: `compare_dates` names the kind of slip so that the scorer can weigh it. Only birth years
more than `NEAR_YEARS` apart (or two fields wrong at once, far apart) are a `conflict`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")
_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[./](\d{4})\s*$")
# a range of years; either end may carry a month and day (`1968-05..1971`), compared by year
_RANGE = re.compile(
    r"^\s*(\d{4})(?:-\d{1,2}(?:-\d{1,2})?)?\s*(?:\.\.|–|—)\s*(\d{4})(?:-\d{1,2}(?:-\d{1,2})?)?\s*$"
    r"|^\s*(\d{4})\s*[-/]\s*(\d{4})\s*$"
)
NEAR_YEARS = 3  # years apart that still read as a slip of the year field


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of which the month and day may be unknown; `year_to` ends a range (`1975..1977`)."""

    year: int
    month: int | None = None
    day: int | None = None
    year_to: int | None = None

    def __str__(self) -> str:
        if self.year_to is not None:
            return f"{self.year:04d}..{self.year_to:04d}"
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def parse_partial_date(text: str | date | None) -> PartialDate | None:
    """`1970-03-15`, `1970-03`, `1970`, `15.03.1970`, `15/03/1970` or a range of years
    (`1975..1977`, as the subjects' register writes one); None when blank.

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
    if match := _RANGE.match(value):
        low, high = sorted(int(y) for y in match.groups() if y)
        if not (low >= 1800 and high <= 2200):
            raise ValueError(f"{value[:40]!r} has an impossible year")
        return PartialDate(low) if low == high else PartialDate(low, year_to=high)
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
    """How a record's birth date relates to a subject's, as the slip that would explain it.

    exact · same_month (year and month agree, a day unknown) · same_year (a month unknown) ·
    in_range (the year lies in the subject's range of years) · day_off (the day written wrong) ·
    month_off (the month written wrong) · day_month_swapped · one_year_off (day and month agree,
    the year ±1) · years_off (day and month agree, the year ±2–3) · near_year (the year ±1–3, a
    month unknown, or the year near a range) · same_year_other_day (day and month both differ)
    · near_year_other_day (the year ±1 and the day or the month differ too) · conflict (years
    more than `NEAR_YEARS` apart, or the year and both day and month wrong: another person).
    """
    if record.year_to is not None and subject.year_to is None:
        return compare_dates(subject, record)  # the range is on the record's side: the same test
    if subject.year_to is not None:
        low, high = subject.year, subject.year_to
        high_of_record = record.year_to if record.year_to is not None else record.year
        if record.year <= high and high_of_record >= low:
            return "in_range"
        gap = low - high_of_record if high_of_record < low else record.year - high
        return "near_year" if gap <= NEAR_YEARS else "conflict"
    years = abs(record.year - subject.year)
    if years > NEAR_YEARS:
        return "conflict"
    if record.month is None or subject.month is None:
        return "same_year" if years == 0 else "near_year"
    days_known = record.day is not None and subject.day is not None
    same_day = not days_known or record.day == subject.day
    if years:
        if record.month == subject.month and same_day:
            return "one_year_off" if years == 1 else "years_off"
        # the year a year off and the day or the month (not both) wrong: two slips
        return (
            "near_year_other_day"
            if years == 1 and (same_day or record.month == subject.month)
            else "conflict"
        )
    if record.month == subject.month:
        if not days_known:
            return "same_month"
        return "exact" if same_day else "day_off"
    if days_known and (record.day, record.month) == (subject.month, subject.day):
        return "day_month_swapped"
    return "month_off" if same_day else "same_year_other_day"
