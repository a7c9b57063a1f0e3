"""Translations (gettext through Babel) and the current user's language.

Catalogues are plain `.po` files, one per package folder `translations/<locale>.po`, merged and
compiled in memory at start-up, so a capability brings its own strings and no binary `.mo`
file is kept in the repository. English is the source language.
"""

from __future__ import annotations

import io
import re
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_timedelta
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from liaison.core.settings import get_settings

LANGUAGES = {"en": "English", "vi": "Tiếng Việt"}
DEFAULT_LANGUAGE = "en"
PACKAGE_DIR = Path(__file__).resolve().parent.parent

# The locale dates are written in: English as the partners' ministries write it, day before month
# ("26 Feb 2025"), not the United States' order Babel's plain "en" gives ("Feb 26, 2025").
DATE_LOCALES = {"en": "en_GB", "vi": "vi"}

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


def date_locale() -> str:
    """The Babel locale for dates in the reader's language."""
    language = current_language.get()
    return DATE_LOCALES.get(language, language)


def catalogue_files(language: str) -> list[Path]:
    return sorted(PACKAGE_DIR.glob(f"**/translations/{language}.po"))


@lru_cache
def translations(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    merged = Catalog(locale=language)
    for path in catalogue_files(language):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and message.string:
                    merged.add(message.id, message.string, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(buffer)


@contextmanager
def speaking(language: str) -> Iterator[str]:
    """Render in `language` for the duration (a Vietnamese PDF asked for from an English page, or
    from the command line); an unknown language is the default one."""
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
    token = current_language.set(chosen)
    try:
        yield chosen
    finally:
        current_language.reset(token)


def gettext(message: str) -> str:
    return translations(current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_language.get()).ngettext(singular, plural, count)


def negotiate(accept_language: str) -> str:
    """The best of our languages for an Accept-Language header."""
    wanted = [part.split(";")[0].strip().replace("-", "_") for part in accept_language.split(",")]
    found = Locale.negotiate([w for w in wanted if w], list(LANGUAGES), sep="_")
    return str(found) if found else DEFAULT_LANGUAGE


def megabytes(size: int) -> str:
    """A byte count as people read a limit: 20, 1, 0.5 (megabytes of 1,048,576 bytes)."""
    return f"{size / 1_048_576:.1f}".removesuffix(".0")


def count(value: float) -> str:
    """A whole number as the reader's language groups its digits (12,345; 12.345)."""
    return format_decimal(round(value), locale=date_locale())


def duration(seconds: float) -> str:
    """A span as people say it, in the reader's language ("3 minutes", "3 phút"), rounded to its
    largest unit: a time left is an estimate."""
    return format_timedelta(timedelta(seconds=seconds), locale=date_locale())


def show_date(value: date | datetime | None) -> str:
    """Unambiguous dates in one format per language, the month spelled out ("26 Feb 2025",
    "26 thg 2, 2025"); an instant in the node's time zone, the one deadlines count in
    ("26 Feb 2025 09:30 UTC+07:00"), so a time on a page and a deadline never disagree by a day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        local = aware.astimezone(ZoneInfo(get_settings().timezone))
        day = format_date(local.date(), format="medium", locale=date_locale())
        offset = local.strftime("%z")
        return f"{day} {local:%H:%M} UTC{offset[:3]}:{offset[3:]}"
    return format_date(value, format="medium", locale=date_locale())


# --- messages for people: templates rendered in the reader's language ------------------------


class Labelled(Protocol):
    """A vocabulary term that names itself in a language (a transition, a request field …)."""

    def label(self, language: str) -> str: ...


class FieldName(str):
    """A field code (`warrant_reference`) that a message shows as its label ("Warrant reference")."""


FIELD_LABELS: dict[str, str] = {
    "dob": "Birth date",
    "csv": "File",
    "file": "File",
    "body": "Form",
    "form": "Form",
    "row": "Row",
    "email": "E-mail",
    "url": "Web address",
    "ref": "Reference",
    "username": "User name",
    "is_active": "Active",
    "expires_days": "Days until it expires",
    "amends_id": "Amended agreement",
    "supersedes_id": "Superseded agreement",
    "iban": "IBAN",
    "imo_number": "IMO number",
    "owner_subject_id": "Owner (person sought)",
    "owner_asset_id": "Owning company",
    "parent_id": "Parent agency",
    "day_kind": "Kind of days",
}


def field_label(code: str, language: str | None = None) -> str:
    """The human label of a field code: its last named part, spelled out, in `language`.

    `details.warrant_reference` reads "Warrant reference", `requesting_agency_id` "Requesting
    agency"; the English label is the msgid, so a capability's `vi.po` translates it like any
    other text, and `FIELD_LABELS` names the fields whose code does not read well.
    """
    parts = [part for part in str(code).split(".") if part and not part.isdigit() and part != "body"]
    name = parts[-1] if parts else "form"
    english = FIELD_LABELS.get(name) or re.sub(r"_ids?$", "", name).replace("_", " ").strip().capitalize()
    return translations(language or current_language.get()).gettext(english)


def placeholders(template: str) -> set[str]:
    """The named parameters a `str.format` template uses (`{name!r}` → `name`)."""
    names = set()
    for _literal, name, _spec, _conversion in string.Formatter().parse(template):
        if name:
            names.add(re.split(r"[.\[]", name, maxsplit=1)[0])
    return names


def _shown(value: object, language: str) -> object:
    if isinstance(value, FieldName):
        return field_label(value, language)
    if isinstance(value, Phrase):
        return value.render(language)
    if hasattr(value, "label") and callable(value.label):
        return value.label(language)
    english, vietnamese = getattr(value, "en", None), getattr(value, "vi", None)
    if isinstance(english, str) and isinstance(vietnamese, str):  # a vocabulary term with its labels
        return vietnamese if language == "vi" else english
    if isinstance(value, list | tuple | set | frozenset):
        shown = [str(_shown(item, language)) for item in value]
        return ", ".join(shown) if shown else translations(language).gettext("none")
    return value


@dataclass(frozen=True)
class Phrase:
    """A message for people: an English template (the msgid) and its named parameters.

    Rendered only when shown, in the reader's language: field names become labels, vocabulary
    terms their label, lists are joined. A translation that breaks its template falls back to
    the English text rather than failing the page.
    """

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, language: str | None = None) -> str:
        language = language or current_language.get()
        values = {name: _shown(value, language) for name, value in self.params.items()}
        translated = translations(language).gettext(self.template) if self.template else ""
        for candidate in (translated, self.template):
            try:
                return candidate.format(**values)
            except (KeyError, IndexError, ValueError, AttributeError):
                continue
        return self.template

    def __str__(self) -> str:
        return self.render()


# Pydantic's error types, in plain words: (template, the context values it uses).
PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": "This field is required.",
    "string_too_short": "Must be at least {min_length} characters long.",
    "string_too_long": "Must be at most {max_length} characters long.",
    "too_short": "Must have at least {min_length} entries.",
    "too_long": "Must have at most {max_length} entries.",
    "string_type": "Must be text.",
    "string_pattern_mismatch": "Is not in the expected format.",
    "int_parsing": "Must be a whole number.",
    "int_type": "Must be a whole number.",
    "int_from_float": "Must be a whole number.",
    "float_parsing": "Must be a number.",
    "float_type": "Must be a number.",
    "decimal_parsing": "Must be a number.",
    "finite_number": "Must be a number.",
    "bool_parsing": "Must be yes or no.",
    "bool_type": "Must be yes or no.",
    "date_parsing": "Must be a date (YYYY-MM-DD).",
    "date_from_datetime_parsing": "Must be a date (YYYY-MM-DD).",
    "date_from_datetime_inexact": "Must be a date (YYYY-MM-DD).",
    "date_type": "Must be a date (YYYY-MM-DD).",
    "datetime_parsing": "Must be a date and time (YYYY-MM-DD HH:MM).",
    "datetime_from_date_parsing": "Must be a date and time (YYYY-MM-DD HH:MM).",
    "datetime_type": "Must be a date and time (YYYY-MM-DD HH:MM).",
    "greater_than": "Must be greater than {gt}.",
    "greater_than_equal": "Must be {ge} or more.",
    "less_than": "Must be less than {lt}.",
    "less_than_equal": "Must be {le} or less.",
    "literal_error": "Must be one of: {expected}.",
    "enum": "Must be one of: {expected}.",
    "extra_forbidden": "This field is not expected.",
    "json_invalid": "The body is not valid JSON.",
    "list_type": "Must be a list.",
    "dict_type": "Must be a set of named values.",
    "model_type": "Must be a set of named values.",
    "model_attributes_type": "Must be a set of named values.",
}


def pydantic_text(item: Mapping[str, Any]) -> Phrase:
    """One Pydantic error (an item of `ValidationError.errors()`) as a message for people."""
    kind = str(item.get("type", ""))
    context = dict(item.get("ctx") or {})
    if kind == "string_too_short" and context.get("min_length") == 1:
        return Phrase("Must not be empty.")
    template = PYDANTIC_MESSAGES.get(kind)
    if template is not None:
        return Phrase(template, {k: v for k, v in context.items() if k in placeholders(template)})
    message = str(item.get("msg", ""))
    return Phrase(message.removeprefix("Value error, ").removeprefix("Assertion failed, "))
