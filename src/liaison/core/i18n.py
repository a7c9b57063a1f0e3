"""Translations (gettext through Babel) and the current user's language.

Catalogues are plain `.po` files, one per package folder `translations/<locale>.po`, merged and
compiled in memory at start-up, so a capability brings its own strings and no binary `.mo`
file is kept in the repository. English is the source language.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = {"en": "English", "vi": "Tiếng Việt"}
DEFAULT_LANGUAGE = "en"
PACKAGE_DIR = Path(__file__).resolve().parent.parent

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


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


def gettext(message: str) -> str:
    return translations(current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_language.get()).ngettext(singular, plural, count)


def negotiate(accept_language: str) -> str:
    """The best of our languages for an Accept-Language header."""
    wanted = [part.split(";")[0].strip().replace("-", "_") for part in accept_language.split(",")]
    found = Locale.negotiate([w for w in wanted if w], list(LANGUAGES), sep="_")
    return str(found) if found else DEFAULT_LANGUAGE


def show_date(value: date | datetime | None) -> str:
    """Unambiguous dates: the month spelled out ("26 Feb 2025", "26 thg 2, 2025")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        day = format_date(value.date(), format="medium", locale=current_language.get())
        return f"{day} {value:%H:%M} UTC"
    return format_date(value, format="medium", locale=current_language.get())
