"""What a name field holds besides the name, and the name inside it.

Lists and travellers' records write more than a name in the name field: titles, ranks and
honorifics (`Mr`, `Dr`, `Präsident`, `Đại tá`, `Sen. Lt. Gen.`, `Shaikh`, `Haji`), a company's
legal form after a person's name (`Co., Ltd`, `GmbH`), an alias in parentheses
(`A Đe (Đinh Hồng Đe)`), digits typed for letters (`Ng0c`, `1van`), a word repeated, or the
words run together (`NguyenVanHung`). `name_parts` cuts the field into the names it holds,
`clean_words` drops the title, generational suffix (`Jr.`, `III`) and legal form of one, and
`segmentations` offers the words a run-together Vietnamese name is made of.

The titles come from rigour's maintained `PERSON_NAME_PREFIXES` list, with the Vietnamese,
rank and religious titles it lacks in `titles.yaml`; the legal forms from rigour's org-type
table. Both sides of a comparison go through the same steps, so a subject stored with a title
meets a record written without one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from liaison.core.vocab import LOADER
from liaison.names.fold import fold

TITLES_FILE = Path(__file__).resolve().parent / "titles.yaml"
SUFFIXES_FILE = Path(__file__).resolve().parent / "suffixes.yaml"
MAX_TITLE_WORDS = 4

# Digits typed for the letters they look like, inside a word (`Ng0c`, `1van`, `Ab3l`)
_DIGIT_LETTERS = str.maketrans("0123456789", "oizeasgtbg")
_DIGIT_IN_WORD = re.compile(r"(?<=[^\W\d_])\d+|\d+(?=[^\W\d_])")
_PARENTHESES = re.compile(r"[(\[{]([^)\]}]*)[)\]}]?")


@lru_cache(maxsize=1)
def titles() -> frozenset[tuple[str, ...]]:
    """Every title as a tuple of folded words (`("lieutenant", "general")`)."""
    from rigour._core import person_name_prefixes_list

    found = {tuple(fold(title).split()) for title in person_name_prefixes_list()}
    extra = yaml.load(TITLES_FILE.read_text(encoding="utf-8"), Loader=LOADER)
    found |= {tuple(fold(title).split()) for group in extra.values() for title in group}
    return frozenset(t for t in found if t)


@lru_cache(maxsize=1)
def generational_suffixes() -> frozenset[str]:
    """`jr`, `sr`, `iii` ...: folded words that follow a name without being one."""
    listed = yaml.load(SUFFIXES_FILE.read_text(encoding="utf-8"), Loader=LOADER)
    return frozenset(fold(suffix) for suffix in listed["generational"])


def digits_as_letters(text: str) -> str:
    """`Ng0c` → `Ngoc`, `1van` → `ivan`; numbers standing alone are left as they are."""
    return _DIGIT_IN_WORD.sub(lambda match: match[0].translate(_DIGIT_LETTERS), text)


def name_parts(text: str) -> list[str]:
    """The names a field holds: the name outside parentheses, then each one inside them."""
    inside = [part.strip() for part in _PARENTHESES.findall(text)]
    outside = _PARENTHESES.sub(" ", text).strip()
    return [part for part in (outside, *inside) if part and any(c.isalpha() for c in part)] or [text]


def _title_length(folded: list[str]) -> int:
    """How many words at the head of `folded` are one title (0 when they are none)."""
    known = titles()
    for length in range(min(MAX_TITLE_WORDS, len(folded) - 1), 0, -1):
        if tuple(folded[:length]) in known:
            return length
    return 0


@lru_cache(maxsize=4096)
def _is_org_type(text: str) -> bool:
    from rigour.names.org_types import remove_org_types

    return not remove_org_types(text).strip()


def clean_words(words: list[str]) -> list[int]:
    """Positions of the words that are the name: leading titles (however many), a generational
    suffix (`Jr.`) and a trailing legal form dropped, a word (not an initial) repeated next to
    itself kept once; a name is always left."""
    folded = [fold(word) for word in words]
    start = 0
    while (length := _title_length(folded[start:])) and len(folded) - start - length >= 1:
        start += length
    end = len(folded)
    if end - start >= 3 and folded[end - 1] in generational_suffixes():
        end -= 1
    for length in (3, 2, 1):  # `Co Ltd`, `S A`, `GmbH`: a two-letter word alone may be a name (`Sa`)
        tail = folded[max(start, end - length) : end]
        if end - length - start >= 2 and (length > 1 or len(tail[0]) >= 3) and _is_org_type(" ".join(tail)):
            end -= length
            break
    # (initials may repeat: `T. T. T. Duy` is three names beginning with T)
    kept = [k for k in range(start, end) if k == start or folded[k] != folded[k - 1] or len(folded[k]) == 1]
    return kept or list(range(len(words)))


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    from liaison.names.vietnamese_cyrillic import vietnamese_syllables

    return frozenset(vietnamese_syllables())


@lru_cache(maxsize=50_000)
def segmentations(word: str) -> tuple[str, ...]:
    """The Vietnamese syllables a run-together word is made of (`nguyenvanhung` → nguyen van
    hung), fewest first; empty unless the whole word splits into two to five known syllables."""
    folded = fold(word)
    if len(folded) < 7 or not folded.isalpha() or not folded.isascii():
        return ()
    known = _syllables()
    best: list[tuple[str, ...] | None] = [()] + [None] * len(folded)
    for end in range(1, len(folded) + 1):
        for start in range(max(0, end - 7), end):
            before = best[start]
            piece = folded[start:end]
            if before is not None and piece in known and len(piece) >= 2:
                candidate = (*before, piece)
                if best[end] is None or len(candidate) < len(best[end] or ()):
                    best[end] = candidate
    found = best[-1]
    return found if found and 2 <= len(found) <= 5 else ()
