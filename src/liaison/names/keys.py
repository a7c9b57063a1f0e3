"""Search keys for names: what to store next to a name so that any spelling finds it.

A name's keys are its folded forms in every romanisation (and in its own script), the same forms
with their words sorted (so "Nguyen Van An" and "An Nguyen Van" share one), and the single words.
Storing `name_keys(name).all` in an indexed table makes search by any form an index lookup:
look up `name_keys(query).forms` for whole names, or require every word of one query form.

Chinese names written without spaces also get the given name as one word, as pinyin writes it
(习近平 → "xi jinping" as well as "xi jin ping").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from liaison.names.fold import fold
from liaison.names.romanise import pinyin, romanisations
from liaison.names.script import detect_script

# Two-character Chinese family names; every other Chinese name's family name is its first character.
_COMPOUND_SURNAMES_TEXT = """
欧阳 司马 诸葛 上官 司徒 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 夏侯 轩辕 令狐 钟离 澹台 公冶 端木 单于
歐陽 司馬 諸葛 東方 尉遲 長孫 軒轅 鍾離
"""
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES_TEXT.split())


@dataclass(frozen=True)
class NameKeys:
    """The keys of one name: whole forms, word-sorted forms and single words, all folded."""

    forms: frozenset[str]
    sorted_forms: frozenset[str]
    tokens: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.forms | self.sorted_forms | self.tokens

    @property
    def whole(self) -> frozenset[str]:
        """Whole-name keys: as written and word-sorted."""
        return self.forms | self.sorted_forms


def token_sorted(text: str) -> str:
    """The folded words of `text` in alphabetical order: "An Nguyen Van" → "an nguyen van"."""
    return " ".join(sorted(fold(text).split()))


def _han_given_joined(text: str) -> str | None:
    """Pinyin with the given name in one word ("xi jinping"), for a Chinese name without spaces."""
    compact = "".join(text.split())
    if not 2 <= len(compact) <= 4 or detect_script(compact) != "han":
        return None
    cut = 2 if compact[:2] in COMPOUND_SURNAMES else 1
    family, given = compact[:cut], compact[cut:]
    return f"{pinyin(family).replace(' ', '')} {pinyin(given).replace(' ', '')}"


def _fold_words(text: str) -> str:
    """`fold(text)`, word by word: the words of names repeat, so each is folded once."""
    return " ".join(folded for word in text.split() if (folded := _fold_word(word)))


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=131072)
def name_forms(name: str) -> tuple[str, ...]:
    """Folded whole forms of a name: as written, then each romanisation. Empty names give ()."""
    forms: dict[str, None] = {}
    candidates = dict.fromkeys((name, *romanisations(name)))
    if len(name) <= 8:  # a Chinese name written without spaces is short
        joined = _han_given_joined(name)
        if joined:
            candidates[joined] = None
    for candidate in candidates:
        folded = _fold_words(candidate)
        if folded:
            forms.setdefault(folded, None)
    return tuple(forms)


@lru_cache(maxsize=131072)
def name_keys(name: str) -> NameKeys:
    """All search keys of one name."""
    forms = name_forms(name)
    return NameKeys(
        forms=frozenset(forms),
        sorted_forms=frozenset(" ".join(sorted(form.split())) for form in forms),
        tokens=frozenset(token for form in forms for token in form.split()),
    )


def query_forms(query: str) -> tuple[tuple[str, ...], ...]:
    """The words of each form of a search query, for "every word must match" searches."""
    return tuple(tuple(dict.fromkeys(form.split())) for form in name_forms(query))
