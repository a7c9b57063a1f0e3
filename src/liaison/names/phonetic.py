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

# Arabic writes three short vowels that romanisations spell two ways each (fatha a or e, kasra
# i or e, damma u or o: Mohammed and Muhammad, Khaled and Khalid, Osama and Usama), a doubled
# consonant once or twice (Bashar, Bashshar), ذ as dh or d and ق as q, g or k (Qadhafi, Gaddafi),
# and `Abd al-` and `ad-Din` compounds in one word or three (Abdelaziz, Abd al-Aziz).
_ARABIC_COMPOUNDS = rewrites(
    (r"^abd[aeiou]l(?=.)", "abdal"),
    (r"^abd[aeiou]([^aeioul])\1", r"abdal\1"),  # the article assimilated: Abdurrahman, Abd ar-Rahman
    (r"^abd(?=[^aeiou])", "abdal"),  # Abd Rahman
    (r"^(.{3,}?)(?:[aeiou][ld])?d(?:i|ee)ne?$", r"\1addin"),
    (r"^(.{3,}?)[aeiou]?llah$", r"\1allah"),
)
_ARABIC_LETTERS = rewrites(
    (r"dj", "j"),
    (r"dh", "d"),
    (r"th", "t"),
    (r"g", "k"),
    (r"(sh|ch)\1", r"\1"),
    (r"ou|oo|o", "u"),
    (r"(?<=[^aeiou])e$", ""),  # the French final e: Abderrahmane, Amine
)
_DOUBLED = re.compile(r"(.)\1+")
ARABIC_LATIN_MIN = 5  # shorter words (Ali, Zhu) are too many people's names to merge by vowels


@lru_cache(maxsize=200_000)
def arabic_latin_keys(text: str) -> frozenset[str]:
    """A folded Latin word as an Arabic name romanised either way would give it: e read as a and
    as i, o as u, the letters of one Arabic sound as one (`mohammed`, `muhammad` -> `muhamad`);
    empty for a word too short to say much."""
    base = rewrite(token_key(rewrite(text, _ARABIC_COMPOUNDS)), _ARABIC_LETTERS)
    keys = {_DOUBLED.sub(r"\1", base.replace("e", vowel)) for vowel in "ai"}
    return frozenset(key for key in keys if len(key) >= ARABIC_LATIN_MIN)


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """The canonical spelling of one folded Latin token (`kolokol'tsev` -> `kolokolcev`)."""
    return rewrite(token, _REWRITES) or token


@lru_cache(maxsize=200_000)
def skeleton(key: str) -> str:
    """The consonants of a key (`mohamed` -> `mhmd`, `ali` -> `l`); the key itself when all vowels."""
    return _VOWELS.sub("", key) or key


# the letters Arabic and Persian script write vowels with (و w, v, u or o; ی y or i) besides the vowels
_VOWEL_LETTERS = re.compile(r"[aeiouywv]")
# Arabic has no p, v or c: ب b (Putin بوتين), ف f (Vladimir فلاديمير), ك k or س s (Cameron كاميرون)
_AS_ARABIC_WRITES = rewrites((r"c(?=[eiy])", "s"), (r"c(?!h)", "k"), (r"p", "b"), (r"v", "f"))


def written_consonants(text: str) -> str:
    """The consonants of a word romanised from a script that writes few vowels, as written
    (`bwtyn`, بوتين -> `btn`): every vowel gone, and every letter that may write one."""
    return _VOWEL_LETTERS.sub("", text)


@lru_cache(maxsize=200_000)
def arabic_consonants(key: str) -> str:
    """A Latin word's consonants as Arabic script would write them, which has no p, v or c:
    `putin` -> `btn`, `vladimir` -> `fldmr` (فلاديمير), `cameron` -> `kmrn`."""
    return skeleton(rewrite(key, _AS_ARABIC_WRITES))
