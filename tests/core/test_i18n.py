"""Every string the pages show has a Vietnamese translation; dates read one way per language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir

from liaison.core import i18n

PACKAGE = Path(i18n.__file__).resolve().parent.parent
JINJA = [("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}


def _template_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=JINJA, options_map=OPTIONS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_template_string_has_a_vietnamese_translation() -> None:
    vietnamese = i18n.translations("vi")
    missing = sorted(m for m in _template_messages() if vietnamese.gettext(m) == m and m != "Liaison")
    assert missing == []


def test_roles_are_translated() -> None:
    vietnamese = i18n.translations("vi")
    assert vietnamese.gettext("officer") == "cán bộ"


def test_dates_read_day_month_year_in_english_and_in_vietnamese() -> None:
    moment = datetime(2025, 2, 26, 2, 30, tzinfo=UTC)
    with i18n.speaking("en"):
        assert i18n.show_date(date(2025, 2, 26)) == "26 Feb 2025"
        assert i18n.show_date(moment) == "26 Feb 2025 09:30 UTC+07:00"
    with i18n.speaking("vi"):
        assert i18n.show_date(date(2025, 2, 26)) == "26 thg 2, 2025"
