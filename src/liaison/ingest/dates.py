"""The engagement's date from the words of the report, resolved against its publication date.

Reports date a meeting relative to the day they appear ("on Tuesday", "on August 20", "last
week", "hôm nay"). A weekday is the latest such day on or before publication (a Wednesday report
of "Wednesday afternoon" means that day); a day and month without a year is the latest one on or
before publication; other phrases go to `dateparser` with `RELATIVE_BASE` set to the publication
date. A month alone ("in May 2024") answers `YYYY-MM`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_VI_WEEKDAYS = {
    "thứ hai": 0,
    "thứ ba": 1,
    "thứ tư": 2,
    "thứ năm": 3,
    "thứ sáu": 4,
    "thứ bảy": 5,
    "chủ nhật": 6,
}

_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dmy", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", re.IGNORECASE)),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR})?", re.IGNORECASE)),
    (
        "vi",
        re.compile(
            (
                r"\b(?:ngày|sáng|chiều|tối|trưa|hôm)\s+(?:ngày\s+)?(?P<day>[0-3]?\d)(?:/|"
                r"\s+tháng\s+)(?P<month>1[0-2]|0?[1-9])(?:(?:/|\s+năm\s+)(?P<year>(?:19|20)\d\d))?"
            ),
            re.IGNORECASE,
        ),
    ),
    (
        "weekday",
        re.compile(
            (
                r"\b(?:on|last|this|past)\s+(?P<weekday>monday|tuesday|wednesday|thursday|friday|"
                r"saturday|sunday)\b"
            ),
            re.IGNORECASE,
        ),
    ),
    (
        "vi_weekday",
        re.compile(r"(?P<weekday>thứ hai|thứ ba|thứ tư|thứ năm|thứ sáu|thứ bảy|chủ nhật)", re.IGNORECASE),
    ),
    (
        "relative",
        re.compile(
            (
                r"\b(?P<phrase>yesterday|today|this (?:morning|afternoon|evening)|last week|earlier "
                r"this week|last month|hôm qua|hôm nay|sáng nay|chiều nay|tối nay)\b"
            ),
            re.IGNORECASE,
        ),
    ),
    (
        "month",
        re.compile(
            rf"\b(?:in|during|since)\s+(?:early\s+|late\s+|mid-)?{_MONTH}(?:\s+{_YEAR})?\b", re.IGNORECASE
        ),
    ),
)


@dataclass(frozen=True)
class FoundDate:
    value: str
    start: int
    end: int
    phrase: str


def find_date(text: str, offset: int, published: date | None) -> FoundDate | None:
    """The first date phrase in `text` (a sentence starting at `offset`), resolved."""
    best: FoundDate | None = None
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            value = resolve(kind, match, published)
            if value is None:
                continue
            found = FoundDate(value, offset + match.start(), offset + match.end(), match.group())
            if best is None or found.start < best.start:
                best = found
            break
    return best


def resolve(kind: str, match: re.Match[str], published: date | None) -> str | None:
    base = published or date.today()
    groups = match.groupdict()
    if kind in ("dmy", "mdy", "vi"):
        month = month_number(groups["month"])
        day = int(groups["day"])
        year = int(groups["year"]) if groups.get("year") else None
        return day_month(day, month, year, base)
    if kind in ("weekday", "vi_weekday"):
        name = groups["weekday"].casefold()
        weekday = WEEKDAYS.index(name) if name in WEEKDAYS else _VI_WEEKDAYS[name]
        back = (base.weekday() - weekday) % 7
        if match.group().casefold().startswith("last") and back == 0:
            back = 7
        return (base - timedelta(days=back)).isoformat()
    if kind == "relative":
        return relative(groups["phrase"], base)
    if kind == "month":
        month = month_number(groups["month"])
        if groups["month"].casefold() == "may" and not groups.get("year"):
            return None  # "in may" is too often the verb
        year = (
            int(groups["year"])
            if groups.get("year")
            else (base.year if month <= base.month else base.year - 1)
        )
        return f"{year:04d}-{month:02d}"
    return None


def month_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    return _MONTH_ABBR[
        text.casefold().rstrip(".")[:4] if text.casefold().startswith("sept") else text.casefold()[:3]
    ]


def day_month(day: int, month: int, year: int | None, base: date) -> str | None:
    """The date, with the year of publication or the one before when the day would be ahead."""
    try:
        if year is not None:
            return date(year, month, day).isoformat()
        candidate = date(base.year, month, day)
        if candidate > base + timedelta(days=7):
            candidate = date(base.year - 1, month, day)
        return candidate.isoformat()
    except ValueError:
        return None


def relative(phrase: str, base: date) -> str | None:
    """Relative phrases through dateparser, with the publication date as the reference."""
    folded = phrase.casefold()
    if folded in ("today", "hôm nay", "sáng nay", "chiều nay", "tối nay") or folded.startswith("this "):
        return base.isoformat()
    if folded in ("yesterday", "hôm qua"):
        return (base - timedelta(days=1)).isoformat()
    import dateparser

    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={"RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past"},
    )
    if parsed is None:
        return None
    if folded == "last month":
        return f"{parsed.year:04d}-{parsed.month:02d}"
    return parsed.date().isoformat()
