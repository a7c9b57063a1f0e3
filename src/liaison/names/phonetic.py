"""Phonetic comparison keys for romanised name tokens.

Romanisation schemes disagree on how to write the same sound: Колокольцев is `Kolokoltsev`
(ICAO 9303), `Kolokol'tsev` (BGN/PCGN), `Kolokolcev` (GOST 7.79 / ISO 9) or `Kolokoltzev`
(informal); Юрий is `Yuriy`, `Iurii`, `Jurij` or `Yuri`. `token_key` maps a folded Latin token
to one canonical spelling so that these meet, and `skeleton` keeps only its consonants, for
scripts written without vowels (Arabic) or whose romanisations disagree mostly on vowels
(Thai). Both sides of a comparison go through the same function, so a collapse that merges two
different names costs a little precision in candidate generation, never recall; the scorer
decides.
"""

from __future__ import annotations

import re
from functools import lru_cache

Rewrites = tuple[tuple[re.Pattern[str], str], ...]


def rewrites(*pairs: tuple[str, str]) -> Rewrites:
    """(pattern, replacement) pairs compiled, to be applied in their order (`rewrite`)."""
    return tuple((re.compile(pattern), replacement) for pattern, replacement in pairs)


def rewrite(text: str, rules: Rewrites) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


# Ordered: longer patterns first. Applied to folded (lower-case, mark-free) ASCII tokens.
_REWRITES = rewrites(
    (r"[^a-z]", ""),
    (r"shch|shh|sch", "sh"),
    (r"tsch|tch", "ch"),
    (r"(ij|iy|yj|yi|ii|y)$", "i"),
    (r"(?<=[aeiouy])j(?![aeiou])", "i"),  # GOST 7.79 й: Kajrat, Bejsenova, Kajy`rzhanov
    (r"(ey|ej)$", "ei"),
    (r"(oy|oj)$", "oi"),
    (r"(ay|aj)$", "ai"),
    (r"tz|ts|cz|tc", "c"),
    (r"dzh|zh", "Z"),
    (r"kh", "h"),
    (r"(?<!n)gh", "g"),
    (r"ph", "f"),
    (r"ck", "k"),
    (r"q", "k"),
    (r"x", "ks"),
    (r"w", "v"),
    (r"(?<=[aeiou])y(?=[aeiou])", ""),
    (r"[yi](?=[aeou])", ""),
    (r"y", "i"),
    (r"ae", "a"),
    (r"oe", "o"),
    (r"ue", "u"),
    (r"(.)\1+", r"\1"),
)
_VOWELS = re.compile(r"[aeiouy]")


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """The canonical spelling of one folded Latin token (`kolokol'tsev` -> `kolokolcev`)."""
    return rewrite(token, _REWRITES) or token


@lru_cache(maxsize=200_000)
def skeleton(key: str) -> str:
    """The consonants of a key (`mohamed` -> `mhmd`, `ali` -> `l`); the key itself when all vowels."""
    return _VOWELS.sub("", key) or key
