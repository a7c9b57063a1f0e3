"""Which writing system a name is written in.

`detect_script("Нұрсұлтан") == "cyrillic"`, `detect_script("阮富仲") == "han"`,
`detect_script("Nguyễn Văn An") == "latin"`. Only letters count: digits, spaces and punctuation are
neutral, so "Иванов 2" is still Cyrillic. Letters of two scripts make a name "mixed"; a string without
letters is "unknown"; letters of a script this module does not name are "other".
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Literal, get_args

Script = Literal[
    "latin",
    "cyrillic",
    "han",
    "hangul",
    "thai",
    "khmer",
    "lao",
    "arabic",
    "kana",
    "other",
    "mixed",
    "unknown",
]
SCRIPTS: tuple[Script, ...] = get_args(Script)

# Unicode name prefixes, checked in order; the first that matches a letter's name gives its script.
_NAME_PREFIXES: tuple[tuple[str, Script], ...] = (
    ("LATIN", "latin"),
    ("CYRILLIC", "cyrillic"),
    ("CJK", "han"),
    ("HANGUL", "hangul"),
    ("THAI", "thai"),
    ("KHMER", "khmer"),
    ("LAO", "lao"),
    ("ARABIC", "arabic"),
    ("HIRAGANA", "kana"),
    ("KATAKANA", "kana"),
)


@lru_cache(maxsize=8192)
def script_of_char(char: str) -> Script | None:
    """The script of one character, or None for what is not a letter (digits, spaces, marks)."""
    if char.isascii():
        return "latin" if char.isalpha() else None
    category = unicodedata.category(char)
    if not (category.startswith("L") or category == "Mc"):
        return None
    name = unicodedata.name(char, "")
    for prefix, script in _NAME_PREFIXES:
        if name.startswith(prefix):
            return script
    return "other"


def scripts_in(text: str) -> frozenset[Script]:
    """Every script whose letters occur in `text`."""
    found = set(map(script_of_char, text))
    found.discard(None)
    return frozenset(found)  # type: ignore[arg-type]


def detect_script(text: str) -> Script:
    """The one script of `text`'s letters; "mixed" when there are several, "unknown" when none."""
    found = scripts_in(text)
    if not found:
        return "unknown"
    if len(found) > 1:
        return "mixed"
    return next(iter(found))


def script_runs(text: str) -> list[tuple[Script | None, str]]:
    """`text` cut into runs of one script; neutral characters join the run before them."""
    runs: list[tuple[Script | None, str]] = []
    for char in text:
        script = script_of_char(char)
        if runs and (script is None or script == runs[-1][0] or runs[-1][0] is None):
            previous, chunk = runs[-1]
            runs[-1] = (previous if script is None else script, chunk + char)
        else:
            runs.append((script, char))
    return runs
