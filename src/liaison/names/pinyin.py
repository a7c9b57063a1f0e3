"""Pinyin syllables: Chinese names written in Russian Cyrillic (Palladius) read back as pinyin,
and the words that are one Chinese syllable.

Russian, Kazakh and Kyrgyz documents write a Chinese name by Palladius: 张晓红 is `Чжан Сяохун`,
whose plain romanisation (`chzhan siaokhun`) is far from `zhang xiaohong`. pypinyin ships the
Palladius spelling of every pinyin syllable (`Style.CYRILLIC`); this module inverts it and cuts
a Cyrillic word into those syllables, so `chinese_readings("Сяохун")` answers `("xiaohong",)`.
A word is cut as written first (`вань` is wan, `ван` wang); only a word that does not cut so is
compared as loosely as Vietnamese ones (`vietnamese_cyrillic.cyrillic_key`: ё/э as е, й as и,
no soft signs), where a dropped soft sign makes wan and wang one spelling: both are kept.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from liaison.names.syllables import syllable_cuts
from liaison.names.vietnamese_cyrillic import cyrillic_key

MAX_SYLLABLES = 3  # a Chinese family or given name has one to three syllables
MAX_READINGS = 4  # pinyin spellings kept per word (`ван` is wan or wang)


def _as_written(text: str) -> str:
    return text.lower().replace("ё", "е")


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin's dictionary holds (`ü` as `v`)."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    syllables = {to_normal(p).replace("ü", "v") for value in pinyin_dict.values() for p in value.split(",")}
    return frozenset(s for s in syllables if s.isalpha())


@lru_cache(maxsize=1)
def chinese_syllables() -> frozenset[str]:
    """One Chinese syllable as pinyin or Wade–Giles writes it, folded (`gang`, `hsiao`, `chung`)."""
    from liaison.names.variants import wade_giles

    return frozenset({*pinyin_syllables(), *(wade_giles(s) for s in pinyin_syllables())})


@lru_cache(maxsize=2)
def _palladius(loose: bool) -> dict[str, tuple[str, ...]]:
    """Each Palladius syllable (as written, or its loose key) → the pinyin syllables it writes."""
    from pypinyin import Style
    from pypinyin.style import convert

    table: dict[str, set[str]] = {}
    for syllable in pinyin_syllables():
        cyrillic = convert(syllable, Style.CYRILLIC, strict=True, default=None)
        if cyrillic:
            table.setdefault(cyrillic_key(cyrillic) if loose else _as_written(cyrillic), set()).add(syllable)
    return {key: tuple(sorted(values)) for key, values in table.items()}


@lru_cache(maxsize=50_000)
def chinese_readings(cyrillic_word: str) -> tuple[str, ...]:
    """The pinyin (run together, `ü` as `v`) a Palladius-written word may stand for; empty when the
    word is not made of Palladius syllables (`Иванов`)."""
    if not cyrillic_word.isalpha():
        return ()
    table = _palladius(loose=False)
    cuts = syllable_cuts(_as_written(cyrillic_word), table, max(map(len, table)), MAX_SYLLABLES)
    if not cuts:
        table = _palladius(loose=True)
        cuts = syllable_cuts(cyrillic_key(cyrillic_word), table, max(map(len, table)), MAX_SYLLABLES)
    if not cuts:
        return ()
    fewest = len(cuts[0])
    readings: dict[str, None] = {}
    for cut in (c for c in cuts if len(c) == fewest):
        for spelling in itertools.product(*(table[s] for s in cut)):
            readings.setdefault("".join(spelling), None)
    return tuple(readings)[:MAX_READINGS]


@lru_cache(maxsize=1)
def _name_syllables() -> frozenset[str]:
    """The Chinese syllables of two letters or more (a one-letter syllable, `e`, `o`, would make
    most words Chinese)."""
    return frozenset(syllable for syllable in chinese_syllables() if len(syllable) >= 2)


@lru_cache(maxsize=50_000)
def is_chinese_word(latin_word: str) -> bool:
    """Whether a folded Latin word is one to three Chinese syllables of two letters or more in
    pinyin or Wade–Giles (`wang`, `boyan`, `chunwen`), as a Chinese name is written."""
    word = latin_word.lower()
    return bool(word) and bool(syllable_cuts(word, _name_syllables(), 6, MAX_SYLLABLES))
