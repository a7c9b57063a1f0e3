"""Thai names as their bearers write them in Latin letters: by sound, and letter by letter.

A Thai name has two kinds of Latin spelling. The Royal Thai General System (RTGS) writes how it
sounds: ทักษิณ ชินวัตร is `Thaksin Chinnawat`. Many families write their name letter by letter
from its Thai spelling instead, keeping the letters Thai no longer says and the vowel a
consonant carries unwritten: `Shinawatra` (ชิ-น-วัต-ร: chi, na, wat, and the silent ร with its
vowel). ICU's Thai-Latin (ISO 11940) gives the letters without the unwritten vowels
(`chinwatr`); `thaiphon` gives the RTGS spelling and the syllables, each with the letters it is
written with and whether its vowel is unwritten, from which `letter_spelling` rebuilds the
letter-by-letter spelling (`chinawatr`, `chinawatra`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from liaison.names.fold import ascii_letters

_THAI_CONSONANT = re.compile(r"[\u0e01-\u0e2e]$")


@lru_cache(maxsize=1)
def _iso() -> Any:
    from liaison.names.romanise import _icu

    return _icu("Thai-Latin")


def _letters(thai: str) -> str:
    """ISO 11940 letters of Thai text, ASCII, without the spaces ICU's word breaker puts in and
    without the `x` it writes อ with (a vowel's silent carrier)."""
    return ascii_letters(str(_iso().transliterate(thai))).replace("x", "")


@lru_cache(maxsize=50_000)
def rtgs(word: str) -> str:
    """A Thai word as RTGS writes it (`ชินวัตร` → `chinawat`); empty where thaiphon cannot read it."""
    try:
        import thaiphon

        return ascii_letters(thaiphon.transcribe_word(word, scheme="rtgs"))
    except Exception:  # a word thaiphon's rules do not cover is read by ICU alone
        return ""


@lru_cache(maxsize=50_000)
def letter_spellings(word: str) -> tuple[str, ...]:
    """A Thai word spelled letter by letter with the vowels its consonants carry unwritten, as
    families romanise names of Pali and Sanskrit origin (`ชินวัตร` → `chinawatr`, `chinawatra`):
    thaiphon's syllables give where a vowel is unwritten, the letters no syllable says are kept."""
    try:
        import thaiphon

        syllables = thaiphon.analyze_word(word).best.syllables
    except Exception:
        return ()
    out, position = [], 0
    for syllable in syllables:
        found = word.find(syllable.raw, position)
        if not syllable.raw or found < 0:
            return ()
        out.append(_letters(word[position:found]))  # letters no syllable says (silent ones)
        letters = _letters(syllable.raw)
        if syllable.inserted_vowel:  # the unwritten vowel follows the first consonant (สม: s-o-m)
            vowel = re.sub(r"[^a-z]", "", syllable.vowel.symbol) or "a"  # its Latin letters, as given
            head = _letters(syllable.raw[:1])
            letters = head + vowel + letters[len(head) :]
        out.append(letters)
        position = found + len(syllable.raw)
    rest = word[position:]
    spelled = "".join(out) + _letters(rest)
    spellings = [spelled]
    if rest and _THAI_CONSONANT.search(rest):  # a silent last consonant, said with its vowel
        spellings.append(spelled + "a")
    return tuple(s for s in dict.fromkeys(spellings) if s)
