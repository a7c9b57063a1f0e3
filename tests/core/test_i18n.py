"""Every string the pages show has a Vietnamese translation."""

from __future__ import annotations

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
