"""Labelled screening sets that are not (only) the generator, and F1 per source and per kind.

    PYTHONPATH=src .venv/bin/python bench/screening_eval.py --subjects 5000 --cases 150

Each set is built from data a package ships, independently of the readings screening makes:

- `generator`: the project's own generator (`screening_data.py`), records against its subjects.
- `pypinyin`: Chinese names in characters against pypinyin's own Wade–Giles and Palladius
  (Russian Cyrillic) styles and its joined pinyin (not `liaison.names.variants.wade_giles`).
- `nicknames`: English given names against their nicknames, from the `nicknames` package's
  curated pairs, with other names' nicknames as negatives.
- `icu_scripts`: Latin names written in Arabic, Armenian, Georgian, Greek, Hebrew, katakana and
  hangul by ICU's Latin-to-script transforms (screening reads the other way, script to Latin).
- `korean_thai`: Korean names (the generator's family names and given-name syllables) stored in
  hangul or one Latin system and screened in another, each rendered by the packages alone
  (ko-pron's RR and McCune–Reischauer with and without marks, hangul-names' DramaWiki spellings);
  Thai names (the generator's, in Thai and its RTGS-like spelling) in Thai against Latin, and in
  Thai against ICU's letter-by-letter Thai-Latin (ISO 11940).
- `kinds`: one set where every example is one of the ten kinds of issue 11 (date slips,
  namesakes, titles from rigour's list, initials, noisy input, nicknames, partial names, other
  scripts, Han romanisations, Kazakh and Russian forms), each with negatives made the same way
  from persons who are not subjects.

Negatives are people who are not subjects (another seed of the generator), written the same way,
so precision counts. Every set is split by a hash of the record id into a half to fit and a half held out
(`split`). Only the public API of `liaison.screening.engine` is used, so the same sets can be
run against an older checkout (`PYTHONPATH=/path/to/old/src`) for a before/after in one run.

`--freeze src/liaison/screening/evaluation.json` writes the held-out halves and the subjects they
screen against into the package: the evaluation `liaison screening calibrate` checks a fit's
recall on, where neither the generator nor ICU's transforms are at hand (the shipped file is
`--subjects 1000 --cases 60`).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from liaison.names.fold import fold
from liaison.screening.calibration import Evaluation, EvaluationCase, evaluate, save_evaluation
from liaison.screening.engine import ScreeningIndex, ScreenRecord, SubjectEntry
from screening_data import (
    KO_GIVEN,
    KO_SURNAMES,
    TH_GIVEN,
    TH_SURNAMES,
    WEST_SURNAMES,
    ZH_GIVEN,
    ZH_SURNAMES,
    Subject,
    latin_name,
    make_records,
    make_subjects,
    native_name,
    true_pairs,
)

KINDS = (
    "date_slip",
    "namesakes",
    "titles",
    "initials",
    "noisy_input",
    "nicknames",
    "partial_names",
    "other_scripts",
    "han_romanisations",
    "kazakh_russian",
)
EXTRA_IDS = 5_000_000  # subjects the sets add to the generator's get ids from here


@dataclass
class Case:
    record: ScreenRecord
    truth: frozenset[int]  # the subjects this record must alert on (empty for a negative)
    kind: str = ""
    name: str = ""  # the name the person bears, before the set wrote it its way (the record's if empty)


@dataclass
class Sets:
    extra: list[SubjectEntry] = field(default_factory=list)  # subjects the sets need indexed
    cases: dict[str, list[Case]] = field(default_factory=lambda: defaultdict(list))


def entry_of(subject: Subject) -> SubjectEntry:
    return SubjectEntry(
        subject.id,
        tuple(subject.names),
        (subject.birth_date,) if subject.birth_date else (),
        (subject.nationality,),
        (subject.document,) if subject.document else (),
        subject.gender,
    )


def split(cases: list[Case]) -> tuple[list[Case], list[Case]]:
    """(fit, held out), by a hash of the record id: the same split in every run and checkout."""
    halves: tuple[list[Case], list[Case]] = ([], [])
    for case in cases:
        halves[zlib.crc32(case.record.record_id.encode()) % 2].append(case)
    return halves


# -- the sets -------------------------------------------------------------------------------------


def _generator(sets: Sets, subjects: list[Subject], count: int) -> None:
    records = make_records(subjects, count, seed=31)
    truth: dict[str, set[int]] = defaultdict(set)
    for record_id, subject_id in true_pairs(records, subjects):
        truth[record_id].add(subject_id)
    for r in records:
        record = ScreenRecord(r.record_id, r.name, r.birth_date, r.nationality, r.document_number, r.gender)
        sets.cases["generator"].append(Case(record, frozenset(truth[r.record_id]), "generator"))


def _han_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        given = "".join(rng.choice(ZH_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        names.add(rng.choice(ZH_SURNAMES) + given)
    return sorted(names)


def _pypinyin_forms(name: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    family, given = name[:1], name[1:]
    forms = []
    for style, joiner in ((Style.WADEGILES, "-"), (Style.CYRILLIC, ""), (Style.NORMAL, "")):
        f = "".join(lazy_pinyin(family, style=style)).capitalize()
        g = joiner.join(lazy_pinyin(given, style=style)).capitalize()
        # pypinyin's Cyrillic carries tone digits and its Wade-Giles writes ü as v: a clerk
        # writes neither (Чжан Сяохун, Chün or Chun)
        forms.append(re.sub(r"\d", "", f"{f} {g}").replace("v", "u"))
    return forms


def _sound(name: str) -> str:
    """A Han name's toneless pinyin: names that sound alike are one name once romanised."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(name))


def _pypinyin(sets: Sets, rng: random.Random, subjects: list[Subject], count: int) -> None:
    """Half the names are subjects (each born on its own day), half are not. A romanised record
    cannot tell homophones apart (余宇 and 于雨 are both Yu Yu), so a record's truth is every
    subject whose name sounds the same, and a negative's name sounds like no subject's."""
    names = _han_names(rng, 2 * count)
    sounding: dict[str, set[int]] = defaultdict(set)
    for s in subjects:
        if s.culture == "chinese":
            sounding[_sound(native_name(s.culture, s.parts))].add(s.id)
    born: dict[str, str] = {}
    for number, name in enumerate(names):
        if number % 2 == 0:
            subject_id = EXTRA_IDS + 100_000 + number
            born[name] = f"{rng.randrange(1950, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            sets.extra.append(SubjectEntry(subject_id, (name,), (born[name],)))
            sounding[_sound(name)].add(subject_id)
    for number, name in enumerate(names):
        positive = name in born
        if not positive and _sound(name) in sounding:
            continue  # a namesake of a subject once romanised: not a negative
        form = rng.choice(_pypinyin_forms(name))
        record = ScreenRecord(f"py{number}", form, rng.choice((None, born[name])) if positive else None)
        truth = frozenset(sounding[_sound(name)]) if positive else frozenset()
        sets.cases["pypinyin"].append(Case(record, truth, "han"))


def _nickname_pairs() -> list[tuple[str, str]]:
    from nicknames import NickNamer

    namer = NickNamer()
    pairs = []
    for canonical in sorted(namer.nickname_lookup):
        for nickname in sorted(namer.nicknames_of(canonical)):
            if len(nickname) >= 3 and not canonical.startswith(nickname):
                pairs.append((canonical, nickname))
    return pairs


def _nicknames(sets: Sets, rng: random.Random, count: int) -> None:
    pairs = _nickname_pairs()
    rng.shuffle(pairs)
    surnames = [f"{s}{e}" for s in WEST_SURNAMES for e in ("", "son", "ley", "ford")]
    rng.shuffle(surnames)
    for number, (canonical, nickname) in enumerate(pairs[:count]):
        surname = surnames[number % len(surnames)]
        subject_id = EXTRA_IDS + 200_000 + number
        sets.extra.append(SubjectEntry(subject_id, (f"{canonical.title()} {surname}",)))
        record = ScreenRecord(f"nick{number}", f"{nickname.title()} {surname}")
        sets.cases["nicknames"].append(Case(record, frozenset({subject_id}), "nicknames"))
        other_canonical, other_nickname = pairs[(number + count) % len(pairs)]
        if other_canonical != canonical:
            negative = ScreenRecord(f"nickneg{number}", f"{other_nickname.title()} {surname}")
            sets.cases["nicknames"].append(Case(negative, frozenset(), "nicknames"))


ICU_SCRIPTS = ("Arabic", "Armenian", "Georgian", "Greek", "Hebrew", "Katakana", "Hangul")


def _icu(script: str):  # type: ignore[no-untyped-def]
    import icu

    return icu.Transliterator.createInstance(f"Latin-{script}")


def _latin(rng: random.Random, subject: Subject) -> str:
    return fold(latin_name(rng, subject.culture, subject.parts)[0]).title()


def _icu_scripts(
    sets: Sets, rng: random.Random, subjects: list[Subject], others: list[Subject], count: int
) -> None:
    people = [s for s in subjects if s.culture in ("western", "russian", "vietnamese")]
    strangers = [s for s in others if s.culture in ("western", "russian")]
    for number in range(count):
        script = ICU_SCRIPTS[number % len(ICU_SCRIPTS)]
        person = rng.choice(people)
        latin = _latin(rng, person)
        record = ScreenRecord(f"icu{number}", _icu(script).transliterate(latin), person.birth_date)
        sets.cases["icu_scripts"].append(Case(record, frozenset({person.id}), script.lower(), latin))
        stranger = rng.choice(strangers)
        latin = _latin(rng, stranger)
        negative = ScreenRecord(f"icuneg{number}", _icu(script).transliterate(latin), stranger.birth_date)
        sets.cases["icu_scripts"].append(Case(negative, frozenset(), script.lower(), latin))


# -- Korean and Thai spellings --------------------------------------------------------------------

KOREAN_SYSTEMS = ("rr", "mr", "mr_ascii", "dramawiki")


def _korean_spelling(name: str, system: str) -> str:
    """A hangul name (family name first) as `system` writes it, by the packages alone: ko-pron's
    Revised Romanisation syllable by syllable (`Gim Jeong-eun`), its McCune–Reischauer with
    marks (`Kim Chŏngŭn`) or without (`Kim Chongun`), and hangul-names' DramaWiki spellings
    (`Kim Jung-eun`)."""
    from hangul_names.dramawiki import DramaWiki
    from ko_pron import romanise

    family, given = name[:1], name[1:]
    if system == "rr":
        latin = [romanise(family, "rr"), "-".join(romanise(c, "rr") for c in given)]
    elif system == "dramawiki":
        words = DramaWiki().romanize(name).split()
        latin = [words[0], "-".join(words[1:])]
    else:
        latin = [romanise(family, "mr"), romanise(given, "mr")]
        if system == "mr_ascii":
            latin = [fold(w).replace(" ", "") for w in latin]
    return " ".join(w.capitalize() for w in latin)


def _korean_sound(name: str) -> str:
    """What every spelling of a hangul name agrees on (McCune–Reischauer without marks, each
    syllable as at the start of a word): two names of one sound are namesakes once romanised."""
    from ko_pron import romanise

    return "".join(re.sub(r"[^a-z]", "", fold(romanise(c, "mr"))) for c in name)


def _korean(sets: Sets, rng: random.Random, subjects: list[Subject], count: int) -> None:
    """Korean names (the generator's family names and given-name syllables) stored in hangul or
    in one Latin system, screened in another (kind: the record's system). Negatives are names of
    no subject's sound."""
    sounding: dict[str, set[int]] = defaultdict(set)
    for s in subjects:
        if s.culture == "korean":
            sounding[_korean_sound(native_name(s.culture, s.parts))].add(s.id)
    names: set[str] = set()
    while len(names) < 2 * count:
        names.add(rng.choice(KO_SURNAMES) + rng.choice(KO_GIVEN) + rng.choice(KO_GIVEN))
    ordered = sorted(names)
    rng.shuffle(ordered)
    stored: dict[str, tuple[int, str]] = {}
    for number, name in enumerate(ordered[:count]):
        subject_id = EXTRA_IDS + 500_000 + number
        stored_as = rng.choice(("hangul", *KOREAN_SYSTEMS))
        born = f"{rng.randrange(1950, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        written = name if stored_as == "hangul" else _korean_spelling(name, stored_as)
        sets.extra.append(SubjectEntry(subject_id, (written,), (born,)))
        sounding[_korean_sound(name)].add(subject_id)
        stored[name] = (subject_id, stored_as)
    for number, name in enumerate(ordered):
        positive = name in stored
        if not positive and _korean_sound(name) in sounding:
            continue  # a namesake of a subject once romanised: not a negative
        stored_as = stored[name][1] if positive else "hangul"
        system = rng.choice([s for s in KOREAN_SYSTEMS if s != stored_as])
        record = ScreenRecord(f"ko{number}", _korean_spelling(name, system))
        truth = frozenset(sounding[_korean_sound(name)]) if positive else frozenset()
        sets.cases["korean_thai"].append(Case(record, truth, f"korean_{system}", name))


def _thai_letters(thai: str) -> str:
    """A Thai name letter by letter: ICU's Thai-Latin (ISO 11940) without its marks, a word a word."""
    import icu

    iso = icu.Transliterator.createInstance("Thai-Latin")
    return " ".join(re.sub(r"[^a-z]", "", fold(iso.transliterate(w))).capitalize() for w in thai.split())


def _thai(sets: Sets, rng: random.Random, subjects: list[Subject], count: int) -> None:
    """Thai names (the generator's given and family names, in Thai and in its RTGS-like
    spelling) stored in one writing, screened in another: kinds `thai_script` (a Latin subject,
    the record in Thai), `thai_letters` (a Thai subject, the record letter by letter) and
    `thai_sound` (a Thai subject, the record by sound). Negatives are names no subject bears."""
    borne = {native_name(s.culture, s.parts) for s in subjects if s.culture == "thai"}
    pairs = [(g, f) for g in TH_GIVEN for f in TH_SURNAMES]
    rng.shuffle(pairs)
    unborne = [p for p in pairs if f"{p[0][0]} {p[1][0]}" not in borne]  # no namesake among subjects
    people = unborne[: min(count, len(unborne) // 2)]
    strangers = unborne[len(people) :]
    kinds = ("thai_script", "thai_letters", "thai_sound")
    for number, (given, family) in enumerate(people):
        thai, latin = f"{given[0]} {family[0]}", f"{given[1]} {family[1]}"
        kind = kinds[number % len(kinds)]
        subject_id = EXTRA_IDS + 600_000 + number
        sets.extra.append(SubjectEntry(subject_id, (latin if kind == "thai_script" else thai,)))
        record_name = {"thai_script": thai, "thai_letters": _thai_letters(thai), "thai_sound": latin}[kind]
        sets.cases["korean_thai"].append(
            Case(ScreenRecord(f"th{number}", record_name), frozenset({subject_id}), kind, thai)
        )
    for number, (given, family) in enumerate(strangers[: len(people)]):
        thai, latin = f"{given[0]} {family[0]}", f"{given[1]} {family[1]}"
        kind = kinds[number % len(kinds)]
        record_name = {"thai_script": thai, "thai_letters": _thai_letters(thai), "thai_sound": latin}[kind]
        sets.cases["korean_thai"].append(
            Case(ScreenRecord(f"thn{number}", record_name), frozenset(), kind, thai)
        )


# -- the ten kinds --------------------------------------------------------------------------------


def _date_slip(rng: random.Random, born: str) -> str:
    year, month, day = int(born[:4]), int(born[5:7]), int(born[8:10])
    slip = rng.choice(("day", "month", "swap", "year"))
    if slip == "day":
        day = day % 28 + 1
    elif slip == "month":
        month = month % 12 + 1
    elif slip == "swap" and day <= 12 and day != month:
        month, day = day, month
    else:
        year += rng.choice((-3, -2, -1, 1, 2, 3))
    return f"{year:04d}-{month:02d}-{min(day, 28):02d}"


def _title(rng: random.Random, name: str) -> str:
    from rigour._core import person_name_prefixes_list

    titles = [t for t in person_name_prefixes_list() if len(t) > 1]
    return f"{rng.choice(titles)} {name}"


def _initials(rng: random.Random, name: str, culture: str) -> str:
    """The given names as initials, as each culture writes them: `N. V. Hung` (Vietnamese, family
    name first), `J. P. Martin`, and a Russian or Kazakh name (family name first here) as
    `Rybov M. I.` or `M. I. Rybov`."""
    words = name.split()
    if len(words) < 2:
        return name
    if culture in ("russian", "kazakh"):
        initials = [w[0] + "." for w in words[1:]]
        return " ".join([words[0], *initials] if rng.random() < 0.5 else [*initials, words[0]])
    return " ".join([*(w[0] + "." for w in words[:-1]), words[-1]])


def _noise(rng: random.Random, name: str) -> str:
    choice = rng.choice(("joined", "digit", "repeat", "swap", "split"))
    words = name.split()
    if choice == "joined":
        return "".join(words)
    if choice == "digit":
        return name.replace("o", "0", 1).replace("i", "1", 1)
    if choice == "repeat" and len(words) > 1:
        return " ".join([*words[:1], *words])
    if choice == "split" and len(words[-1]) > 5:
        return " ".join([*words[:-1], words[-1][:-2], words[-1][-2:].lower()])
    word = max(words, key=len)
    if len(word) < 4:
        return "".join(words)
    k = rng.randrange(1, len(word) - 2)
    return name.replace(word, word[:k] + word[k + 1] + word[k] + word[k + 2 :], 1)


def _partial(rng: random.Random, subject: Subject) -> str:
    parts = subject.parts
    if subject.culture == "vietnamese":
        family, given = fold(parts["family"]).title(), fold(parts["given"]).title()
        middle = fold(parts["middle"]).title()
        return rng.choice((f"{family} {given}", f"{family.upper()}, {middle} {given}"))
    if subject.culture in ("russian", "kazakh"):
        latin = _latin(rng, subject).split()
        return " ".join(latin[:2])  # family and given, no patronymic
    return _latin(rng, subject)


KAZAKH_LATIN = {  # the official alphabets of 2017 (apostrophes), 2018 (acutes) and 2021
    2017: {"ә": "a'", "ғ": "g'", "қ": "q", "ң": "n'", "ө": "o'", "ұ": "u", "ү": "u'", "і": "i", "ш": "s'"},
    2018: {"ә": "á", "ғ": "ǵ", "қ": "q", "ң": "ń", "ө": "ó", "ұ": "u", "ү": "ú", "і": "i", "ш": "sh"},
    2021: {"ә": "ä", "ғ": "ğ", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü", "і": "ı", "ш": "ş"},
}


def _kazakh_latin(rng: random.Random, cyrillic: str) -> str:
    from liaison.names.romanise import cyrillic_to_latin

    table = KAZAKH_LATIN[rng.choice((2017, 2018, 2021))]
    out = "".join(table.get(c.lower(), c) if c.lower() in table else c for c in cyrillic)
    return cyrillic_to_latin(out, "bgn")


def _kazakh_russian(rng: random.Random, subject: Subject) -> str:
    native = native_name(subject.culture, subject.parts)
    if rng.random() < 0.5:
        return _kazakh_latin(rng, native)
    words = native.split()  # the patronymic in the Russian form, or none
    father = words[2][:-3] if len(words) > 2 and words[2].endswith(("ұлы", "улы")) else ""
    latin = _kazakh_latin(rng, " ".join(words[:2]))
    return f"{latin} {_kazakh_latin(rng, father)}ovich" if father and rng.random() < 0.5 else latin


def _kind_name(rng: random.Random, kind: str, subject: Subject) -> tuple[str, str | None]:
    """The person's name written the kind's way, and the birth date the record carries."""
    born = subject.birth_date if subject.birth_date and rng.random() < 0.5 else None
    latin = _latin(rng, subject)
    if kind == "date_slip":
        return latin, _date_slip(rng, subject.birth_date or "1970-06-15")
    if kind == "titles":
        return _title(rng, latin), born
    if kind == "initials":
        return _initials(rng, latin, subject.culture), born
    if kind == "noisy_input":
        return _noise(rng, latin), born
    if kind == "partial_names":
        return _partial(rng, subject), born
    if kind == "other_scripts":
        return _icu(rng.choice(ICU_SCRIPTS)).transliterate(latin), born
    if kind == "han_romanisations":
        return rng.choice(_pypinyin_forms(native_name(subject.culture, subject.parts))), born
    if kind == "kazakh_russian":
        return _kazakh_russian(rng, subject), born
    return latin, born


LOSSY = ("initials", "partial_names")  # kinds whose record no longer says which namesake it is


def _borne(person: Subject, kind: str) -> str:
    """The name a person bears, folded: what its namesakes are named (for the kinds that keep
    the whole name; an initial or a missing name makes the record's own name the measure)."""
    return "" if kind in LOSSY else fold(native_name(person.culture, person.parts))


def _kinds(
    sets: Sets, rng: random.Random, subjects: list[Subject], others: list[Subject], count: int
) -> None:
    by_culture: dict[str, list[Subject]] = defaultdict(list)
    for s in subjects:
        if s.birth_date and len(s.birth_date) == 10:
            by_culture[s.culture].append(s)
    strangers: dict[str, list[Subject]] = defaultdict(list)
    for s in others:
        if s.birth_date and len(s.birth_date) == 10:
            strangers[s.culture].append(s)
    cultures = {
        "han_romanisations": ("chinese",),
        "kazakh_russian": ("kazakh",),
        "nicknames": ("western",),
        "other_scripts": ("western", "russian", "vietnamese"),
        "initials": ("western", "russian", "vietnamese"),
    }
    pairs = _nickname_pairs()
    names = [f"{s}{e}" for s in WEST_SURNAMES for e in ("", "son", "ley", "ford")]
    for kind in KINDS:
        pool = cultures.get(kind, ("vietnamese", "russian", "western", "kazakh", "arabic"))
        for number in range(count):
            case_id = f"{kind}{number}"
            if kind == "namesakes":  # three subjects of one name, a traveller of it without a date
                person = rng.choice(strangers["vietnamese"])
                name = _latin(rng, person)
                ids = [EXTRA_IDS + 300_000 + 3 * number + k for k in range(3)]
                for k, subject_id in enumerate(ids):
                    sets.extra.append(
                        SubjectEntry(subject_id, (name,), (f"{1960 + 7 * k + number % 5}-03-0{k + 1}",))
                    )
                sets.cases["kinds"].append(Case(ScreenRecord(case_id, name), frozenset(ids), kind))
                stranger = rng.choice(strangers["russian"])
                negative = ScreenRecord(case_id + "n", _latin(rng, stranger))
                sets.cases["kinds"].append(Case(negative, frozenset(), kind))
                continue
            if kind == "nicknames":
                canonical, nickname = pairs[(number * 7) % len(pairs)]
                subject_id = EXTRA_IDS + 400_000 + number
                surname = names[number % len(names)] + "ski"
                sets.extra.append(SubjectEntry(subject_id, (f"{canonical.title()} {surname}",)))
                record = ScreenRecord(case_id, f"{nickname.title()} {surname}")
                sets.cases["kinds"].append(Case(record, frozenset({subject_id}), kind))
                other = pairs[(number * 7 + 101) % len(pairs)]
                if other[0] != canonical:
                    negative = ScreenRecord(case_id + "n", f"{other[1].title()} {surname}")
                    sets.cases["kinds"].append(Case(negative, frozenset(), kind))
                continue
            person = rng.choice(by_culture[rng.choice(pool)])
            name, born = _kind_name(rng, kind, person)
            record = ScreenRecord(case_id, name, born)
            sets.cases["kinds"].append(Case(record, frozenset({person.id}), kind, _borne(person, kind)))
            stranger = rng.choice(strangers[person.culture])
            name, born = _kind_name(rng, kind, stranger)
            negative = ScreenRecord(case_id + "n", name, born)
            sets.cases["kinds"].append(Case(negative, frozenset(), kind, _borne(stranger, kind)))


def build(subjects: list[Subject], cases: int, seed: int = 5) -> Sets:
    """Every labelled set, against `subjects` (the generator's) plus the subjects the sets add."""
    others = make_subjects(max(2000, cases * 4), seed=seed + 1000)  # people who are not subjects
    indexed = {fold(native_name(s.culture, s.parts)) for s in subjects}
    others = [s for s in others if fold(native_name(s.culture, s.parts)) not in indexed]
    sets = Sets()

    def rng(name: str) -> random.Random:  # one stream per set: changing one set leaves the others be
        return random.Random(f"{seed}:{name}")

    _generator(sets, subjects, 2 * cases)
    _pypinyin(sets, rng("pypinyin"), subjects, cases)
    _nicknames(sets, rng("nicknames"), cases)
    _icu_scripts(sets, rng("icu_scripts"), subjects, others, cases)
    _kinds(sets, rng("kinds"), subjects, others, max(10, cases // 5))
    _korean(sets, rng("korean"), subjects, cases // 2)
    _thai(sets, rng("thai"), subjects, cases // 2)
    _count_namesakes(sets, subjects)
    return sets


def _name_key(name: str) -> str:
    return " ".join(sorted(fold(name).split()))


def _conflicting(record: str | None, subject: str) -> bool:
    """Dates that say "another person" whatever the name: years more than three apart, or a
    full date wrong in two fields (a day and month swapped is one slip)."""
    if not record or not subject:
        return False
    if abs(int(record[:4]) - int(subject[:4])) > 3:
        return True
    if len(record) < 10 or len(subject) < 10:
        return False
    a, b = record.split("-"), subject.split("-")
    if a[1:] == b[:0:-1]:
        return a[0] != b[0]
    return sum(x != y for x, y in zip(a, b, strict=True)) >= 2


def _count_namesakes(sets: Sets, subjects: list[Subject]) -> None:
    """A record bearing a subject's very name (any order, folded) is that subject's namesake,
    and every namesake must alert unless the dates rule the person out (issue 11): such subjects
    join the record's truth, so a negative of that name counts as the positive it is."""
    by_name: dict[str, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for s in subjects:
        for name in dict.fromkeys(_name_key(n) for n in s.names):
            by_name[name].append((s.id, (s.birth_date,) if s.birth_date else ()))
    for e in sets.extra:
        for name in dict.fromkeys(_name_key(n) for n in e.names):
            by_name[name].append((e.id, e.birth_dates))
    for cases in sets.cases.values():
        for case in cases:
            born = case.record.birth_date
            if case.kind == "initials":
                found = [
                    (subject_id, dates)
                    for name, bearers in by_name.items()
                    if _initials_fit(case.record.name, name)
                    for subject_id, dates in bearers
                ]
            else:
                found = by_name.get(_name_key(case.name or case.record.name), [])
            namesakes = {
                subject_id
                for subject_id, dates in found
                if not dates or any(not _conflicting(born, d) for d in dates)
            }
            case.truth = case.truth | namesakes


def _initials_fit(record: str, name_key: str) -> bool:
    """Whether a record written with initials (`T. T. Duy`) is all a name says (`duy thanh tran`):
    its whole words are the name's, and its initials begin the name's other words. Such names'
    bearers are namesakes of the record, which cannot tell them apart."""
    words = fold(record).split()
    initials = sorted(w for w in words if len(w) == 1)
    if not initials:
        return False
    rest = name_key.split()
    if len(rest) != len(words):
        return False
    for word in (w for w in words if len(w) > 1):
        if word not in rest:
            return False
        rest.remove(word)
    return sorted(w[0] for w in rest) == initials


# -- scoring --------------------------------------------------------------------------------------


def index_for(subjects: list[Subject], sets: Sets, weights=None) -> ScreeningIndex:  # type: ignore[no-untyped-def]
    index = ScreeningIndex() if weights is None else ScreeningIndex(weights)
    index.add_many(entry_of(s) for s in subjects)
    index.add_many(sets.extra)
    return index


def report(index: ScreeningIndex, sets: Sets, part: int = 1) -> tuple[list[str], float]:
    """Markdown rows of F1 per source and per kind on one half (1: held out), and the mean."""
    rows = ["| set | precision | recall | F1 | true pairs |", "|---|---|---|---|---|"]
    pooled = evaluate(index, [c for cases in sets.cases.values() for c in split(cases)[part]])["all"]
    rows.append(
        f"| **all sets pooled** | {pooled['precision']:.3f} | {pooled['recall']:.3f} | {pooled['f1']:.3f} | "
        f"{pooled['positives']:.0f} |"
    )
    scores = []
    for source, cases in sorted(sets.cases.items()):
        half = split(cases)[part]
        results = evaluate(index, half)
        overall = results["all"]
        scores.append(overall["f1"])
        rows.append(
            f"| **{source}** | {overall['precision']:.3f} | {overall['recall']:.3f} | {overall['f1']:.3f} | "
            f"{overall['positives']:.0f} |"
        )
        if source in ("kinds", "icu_scripts", "korean_thai"):
            for kind, result in results.items():
                if kind != "all":
                    rows.append(
                        f"| {source} · {kind} | {result['precision']:.3f} | {result['recall']:.3f} | "
                        f"{result['f1']:.3f} | {result['positives']:.0f} |"
                    )
    return rows, sum(scores) / len(scores)


def freeze(subjects: list[Subject], sets: Sets, path: Path, built_by: str) -> None:
    """The held-out halves of every set, with the subjects they screen against, as a file the
    package ships: the installation has neither the generator nor ICU's transforms to rebuild them."""
    cases = [
        EvaluationCase(source, case.kind, case.record, case.truth)
        for source, source_cases in sorted(sets.cases.items())
        for case in split(source_cases)[1]
    ]
    entries = (*(entry_of(s) for s in subjects), *sets.extra)
    save_evaluation(Evaluation(entries, tuple(cases), built_by), path)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=5000)
    parser.add_argument("--cases", type=int, default=150, help="records per set (half held out)")
    parser.add_argument("--seed", type=int, default=5, help="another seed draws other records and negatives")
    parser.add_argument(
        "--freeze",
        type=Path,
        help="write the held-out halves and their subjects here (src/liaison/screening/evaluation.json: "
        "what `liaison screening calibrate` checks a fit's recall on)",
    )
    args = parser.parse_args()
    subjects = make_subjects(args.subjects)
    sets = build(subjects, args.cases, args.seed)
    if args.freeze:
        built_by = f"bench/screening_eval.py --subjects {args.subjects} --cases {args.cases}"
        freeze(subjects, sets, args.freeze, built_by)
    index = index_for(subjects, sets)
    rows, mean = report(index, sets)
    import liaison

    print(
        f"liaison from {Path(liaison.__file__).parent}; seed {args.seed}; held-out halves; "
        f"mean F1 over sets {mean:.3f}"
    )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
