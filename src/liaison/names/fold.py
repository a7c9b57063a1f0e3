"""Fold text for comparison: case, diacritics, Vietnamese đ, punctuation and spacing.

`fold("Lương Tam Quang") == fold("LUONG  tam-quang") == "luong tam quang"`. Scripts are kept
as they are (Cyrillic stays Cyrillic); romanisation is a separate step.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPECIAL = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"})
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)
_NOT_ASCII_LETTERS = re.compile(r"[^a-z]")


def strip_marks(text: str) -> str:
    """Remove combining marks (Vietnamese tones, accents), keeping base letters of every script."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


CACHED_LENGTH = 64  # words and short names: the same ones recur across a list, folded many times


def fold(text: str) -> str:
    """Lower-case, mark-free, single-spaced words; punctuation and hyphens become spaces."""
    return _folded_word(text) if len(text) <= CACHED_LENGTH else _folded(text)


@lru_cache(maxsize=200_000)
def _folded_word(text: str) -> str:
    return _folded(text)


def _folded(text: str) -> str:
    return " ".join(_SEPARATORS.sub(" ", strip_marks(text).casefold()).split())


def ascii_letters(text: str) -> str:
    """Only the ASCII letters of the folded text, run together: a romanisation as one key
    (`Chŏng-ŭn` -> `chongun`)."""
    return _NOT_ASCII_LETTERS.sub("", fold(text))
