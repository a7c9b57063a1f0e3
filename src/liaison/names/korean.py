"""Korean names in every Latin spelling their bearers use, met through the hangul they write.

One Korean name has many Latin spellings: 김정은 is `Gim Jeong-eun` by Revised Romanisation
(RR), `Kim Chŏngŭn` by McCune–Reischauer (MR), `Kim Chongun` once MR loses its breves and
apostrophes, and `Kim Jong-un` or `Kim Jung-eun` as people write it (김 is Kim, not Gim; 박 is
Park; 이 is Lee or Yi). No rule maps one of these Latin spellings to another, but each is a
spelling of the same hangul syllables.

So a Latin word that is wholly made of Korean syllables, as any of these systems spells them,
is read back into the hangul syllables it may write, and each syllable into one *sound key*:
its MR spelling at the start of a word, folded to ASCII (정 `chong`, 은 `un`, 김 `kim`). MR
without its marks writes ㅓ as ㅗ and ㅡ as ㅜ, and its word-initial spelling writes ㄱ/ㅋ, ㄷ/ㅌ,
ㅂ/ㅍ and ㅈ/ㅊ alike: the key is what every spelling of a syllable agrees on. `Gim` and `Kim`
both key `kim`; `Jeongeun`, `Jongun`, `Jungeun` and `Chongun` all have the key `chongun`, as
does the hangul 정은 itself (`hangul_key`); `Jongil` does not.

The spellings come from packages, not from a table here: `ko-pron` (Wiktionary's ko-pron module:
RR and MR, at the start of a word and inside one) and `hangul-names` (DramaWiki's preferences
for personal names: 김 Kim, 박 Park, 정 Jung, 윤 Yoon, 신 Shin, 최 Choi). Only syllables a name
may hold are read (no double final consonants), about 3,200 of hangul's 11,172.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

from liaison.names.fold import ascii_letters, fold
from liaison.names.syllables import syllable_cuts

MAX_SYLLABLES = 4  # a Korean word read back: a given name of one to three, or a name run together
MAX_READINGS = 6  # sound keys kept per Latin word
FIRST, LAST = 0xAC00, 0xD7A3
_INITIALS, _VOWELS, _FINALS = 19, 21, 28
# the final consonants a name's syllable may end on: none, ㄱ ㄴ ㄹ ㅁ ㅂ ㅅ ㅇ (no double finals)
_NAME_FINALS = (0, 1, 4, 8, 16, 17, 19, 21)


@lru_cache(maxsize=1)
def _name_syllables() -> tuple[str, ...]:
    return tuple(
        chr(FIRST + (initial * _VOWELS + vowel) * _FINALS + final)
        for initial in range(_INITIALS)
        for vowel in range(_VOWELS)
        for final in _NAME_FINALS
    )


@lru_cache(maxsize=16384)
def syllable_key(syllable: str) -> str:
    """The sound key of one hangul syllable: its McCune–Reischauer spelling at the start of a
    word, without breves and apostrophes (정 `chong`, 최 `choe`, 은 `un`)."""
    from ko_pron import romanise

    return ascii_letters(romanise(syllable, "mr"))


def hangul_key(hangul: str) -> str:
    """The sound key of a hangul word, syllable by syllable (정은 `chongun`)."""
    return "".join(syllable_key(c) if FIRST <= ord(c) <= LAST else "" for c in hangul)


@lru_cache(maxsize=1)
def _dramawiki() -> Any:
    from hangul_names.dramawiki import DramaWiki

    return DramaWiki()


@lru_cache(maxsize=1)
def _spellings() -> dict[str, frozenset[str]]:
    """Each Latin spelling of one syllable (ASCII, lower case) → the hangul syllables it writes:
    RR, MR at the start of a word and inside one (`kim`, `gim`; `chong`, `jong`), and DramaWiki's
    spelling as a family name and as a given name's syllable (`park`, `jung`, `young`)."""
    from ko_pron import romanise

    dramawiki = _dramawiki()
    table: dict[str, set[str]] = {}
    for syllable in _name_syllables():
        spellings = {
            romanise(syllable, "rr"),
            romanise(syllable, "mr"),
            romanise("아" + syllable, "mr")[1:],  # inside a word: 정 is `jŏng` after a vowel
            dramawiki.romanize(syllable),  # as a family name (김 Kim, 이 Lee)
            dramawiki.romanize("가" + syllable).split()[-1],  # as a given name's syllable (이 Yi)
        }
        for spelling in spellings:
            if latin := ascii_letters(spelling):
                table.setdefault(latin, set()).add(syllable)
    return {latin: frozenset(found) for latin, found in table.items()}


@lru_cache(maxsize=50_000)
def korean_readings(latin_word: str) -> tuple[str, ...]:
    """The sound keys of the hangul a Latin word may write (`Jong` → `chong`, `Jeongeun` →
    `chongun`); empty unless the whole word is Korean syllables (`Smith`, `Nguyen`)."""
    word = fold(latin_word)
    if not word.isascii() or not word.isalpha():
        return ()
    table = _spellings()
    cuts = syllable_cuts(word, table, max(map(len, table)), MAX_SYLLABLES)
    if not cuts:
        return ()
    fewest = len(cuts[0])
    keys: dict[str, None] = {}
    for cut in (c for c in cuts if len(c) == fewest):
        for syllables in itertools.product(*(sorted({syllable_key(s) for s in table[p]}) for p in cut)):
            keys.setdefault("".join(syllables), None)
            if len(keys) >= MAX_READINGS:
                return tuple(keys)
    return tuple(keys)


@lru_cache(maxsize=50_000)
def one_syllable(latin_word: str) -> bool:
    """Whether a Latin word spells one Korean syllable (`Kim`, `Park`, `Lee`): a family name."""
    return fold(latin_word) in _spellings()


@lru_cache(maxsize=16384)
def hangul_spellings(hangul: str, family: bool) -> tuple[str, ...]:
    """The Latin spellings of a hangul family name (`family`) or given name: RR syllable by
    syllable (names are romanised so, without sound changes across syllables: 석열 `seokyeol`
    as well as ko-pron's `seogyeol`), MR without marks and DramaWiki's (the sound key,
    `hangul_key`, is kept apart from these)."""
    from ko_pron import romanise

    dramawiki = _dramawiki()
    spellings = [
        "".join(romanise(c, "rr") for c in hangul),
        romanise(hangul, "rr"),
        romanise(hangul, "mr"),
        dramawiki.romanize(hangul) if family else "".join(dramawiki.romanize("가" + hangul).split()[1:]),
    ]
    return tuple(dict.fromkeys(s for spelling in spellings if (s := ascii_letters(spelling))))
