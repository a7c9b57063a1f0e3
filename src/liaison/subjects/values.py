"""Checking and normalising the values a subject is made of, wherever they come from (a form,
the API, an imported file): partial birth dates, ISO 3166-1 country codes, document numbers and
crime-area codes. Each function raises `ValueError` with a sentence a user can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from followthemoney import registry as ftm_registry

from liaison.core.db import utcnow
from liaison.core.vocab import LOADER

EARLIEST_BIRTH_YEAR = 1850
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
CRIME_AREAS_FILE = Path(__file__).resolve().parent.parent / "registry" / "vocab" / "crime_areas.yaml"
# Codes INTERPOL and the lists use that ISO 3166-1 has not assigned (Kosovo).
EXTRA_COUNTRIES = frozenset({"XK"})


@dataclass(frozen=True)
class BirthDate:
    """A birth date as precise as known; `value` is its canonical text."""

    value: str
    precision: str  # day, month, year or range
    year_from: int
    year_to: int


def _partial(text: str) -> tuple[str, str, int]:
    """One partial date: canonical text, precision, year."""
    match = _PARTIAL_DATE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date: write 1970-05-12, 1970-05 or 1970")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if not EARLIEST_BIRTH_YEAR <= year <= utcnow().year:
        raise ValueError(f"{text!r}: the year must be between {EARLIEST_BIRTH_YEAR} and this year")
    if month is None:
        return f"{year:04d}", "year", year
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a date: there is no month {month}")
    if day is None:
        return f"{year:04d}-{month:02d}", "month", year
    try:
        exact = date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: that month has no day {day}") from None
    if exact > utcnow().date():
        raise ValueError(f"{text!r} is in the future")
    return exact.isoformat(), "day", year


def parse_birth_date(text: str) -> BirthDate:
    """ "1970-05-12", "1970-05", "1970" or a range "1968..1971" (either end may be partial)."""
    if ".." in text:
        start_text, _, end_text = text.partition("..")
        start, _, year_from = _partial(start_text)
        end, _, year_to = _partial(end_text)
        if year_to < year_from or (len(start) == len(end) and end < start):
            raise ValueError(f"{text!r}: the range ends before it starts")
        return BirthDate(f"{start}..{end}", "range", year_from, year_to)
    value, precision, year = _partial(text)
    return BirthDate(value, precision, year, year)


def parse_day(text: str | None) -> date | None:
    """An exact date from "2024-05-01" (or "2024/05/01"); empty gives None."""
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


@lru_cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (from FollowTheMoney's country list) and the few extra in use."""
    codes = {code.upper() for code in ftm_registry.country.names if len(code) == 2 and code != "zz"}
    return frozenset(codes | EXTRA_COUNTRIES)


def clean_country(code: str, *, allow_empty: bool = True) -> str:
    """An upper-case ISO 3166-1 alpha-2 code; an unknown code is an error naming it."""
    cleaned = code.strip().upper()
    if not cleaned and allow_empty:
        return ""
    if cleaned not in country_codes():
        raise ValueError(f"{code!r} is not an ISO 3166-1 country code (two letters, e.g. VN, KZ, RU, CN)")
    return cleaned


def country_from_any(value: str) -> str:
    """A country code from a code or a country name ("Kazakhstan" → KZ), as lists write them."""
    cleaned = ftm_registry.country.clean(value)
    return clean_country(cleaned or value)


def document_key(number: str) -> str:
    """A document number for comparison: "b 123-456" and "B123456" are one number."""
    return _NOT_ALNUM.sub("", number).upper()


@lru_cache
def crime_area_labels() -> dict[str, dict[str, str]] | None:
    """Crime areas from the registry's vocabulary ({code: {en, vi}}), or None without the registry."""
    if not CRIME_AREAS_FILE.exists():
        return None
    data = yaml.load(CRIME_AREAS_FILE.read_text(encoding="utf-8"), Loader=LOADER) or {}
    return {str(code): {"en": str(v.get("en", code)), "vi": str(v.get("vi", code))}
            for code, v in (data.get("crime_areas") or {}).items()}  # fmt: skip


def crime_areas() -> frozenset[str] | None:
    """Crime-area codes, or None when the registry is not installed (then any code is kept)."""
    labels = crime_area_labels()
    return None if labels is None else frozenset(labels)


def clean_crime_area(code: str) -> str:
    cleaned = code.strip()
    known = crime_areas()
    if cleaned and known is not None and cleaned not in known:
        raise ValueError(f"{code!r} is not a crime area (one of {', '.join(sorted(known))})")
    return cleaned
