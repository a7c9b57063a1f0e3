"""Explainable scoring of a (record, subject) pair: one log-odds contribution per feature.

Each feature (name, birth date, nationality, document number, gender) gives a verdict a
reviewer can read ("exact", "conflict", "one year off" ...) and a weight in log-odds; their sum
with a prior goes through the logistic function into a score between 0 and 1. The weights are
calibrated on the labelled benchmark (`bench/screening.py` fits them and prints the reliability
of each score band), so a score of 0.9 means about nine in ten such hits were true matches
there. An installation may refit them from its reviewers' decisions (`calibration`,
`liaison screening calibrate`); the index then loads its file (`installed_weights`).

Evidence is graded and bounded. A *hard conflict* (birth years more than three apart, another
sex, another document number) counts in full: `Nguyen Van An` born 1970 does not alert on a
subject of that name born 1995. The *soft* disagreements (a date slip of one field, another
nationality, a dated record against an undated subject) together take away at most
`soft_cap(weights)`, which a perfect name survives: one typo in a date lowers a score, it never
cancels an identical name. Ambiguity (`namesakes`, `rivals`: how many subjects the name fits)
lowers priority, never presence: `bounded_score` lets it pull a hit towards the threshold but
not under it, so three wanted persons of one name all alert, ranked, each marked ambiguous.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import OSA

from liaison.names.nicknames import NICKNAME_SIMILARITY, same_given_name
from liaison.names.phonetic import arabic_consonants, arabic_latin_keys, skeleton, written_consonants
from liaison.names.pinyin import chinese_syllables
from liaison.names.variants import Reading, Token
from liaison.names.vietnamese_cyrillic import vietnamese_syllables
from liaison.screening.dates import PartialDate, compare_dates

MATCH_FLOOR = 0.6  # token pairs less alike than this are not aligned
NAME_FLOOR = 0.62  # candidates whose best name is less alike are not scored further


@dataclass(frozen=True)
class Weights:
    """Log-odds contributions; fitted by the benchmark, kept here as the shipped defaults."""

    prior: float = -1.0
    # by band of name similarity: the lower bound of each band and its weight
    name: dict[str, float] = field(
        default_factory=lambda: {
            "0.99": 2.6,
            "0.95": 1.9,
            "0.90": 1.0,
            "0.85": 0.2,
            "0.80": -0.6,
            "0.00": -2.0,
        }
    )
    date: dict[str, float] = field(
        default_factory=lambda: {
            "exact": 3.5,
            "same_month": 2.2,
            "same_year": 1.5,
            "in_range": 1.0,
            "day_month_swapped": 1.2,
            "day_off": 0.5,
            "month_off": 0.5,
            "one_year_off": 0.3,
            "years_off": 0.0,
            "near_year": 0.0,
            "same_year_other_day": -2.0,
            "near_year_other_day": -2.5,
            "conflict": -7.0,
            "subject_undated": 0.0,
        }
    )
    # how many subjects share the matched family and given names: a rare name says more
    namesakes: dict[str, float] = field(
        default_factory=lambda: {"unique": 0.6, "rare": 0.2, "common": -0.4, "very_common": -1.0}
    )
    # how many other subjects, as alike in name and not ruled out by birth date, the record could be
    rivals: dict[str, float] = field(
        default_factory=lambda: {"none": 0.5, "one": -0.3, "few": -0.8, "many": -1.5}
    )
    nationality_same: float = 0.6
    nationality_other: float = -0.8
    document_same: float = 5.0
    document_other: float = -0.4
    gender_same: float = 0.2
    gender_other: float = -3.0
    threshold: float = 0.5  # the score at which a pair alerts, chosen with the weights
    # the most the soft disagreements may take away together (see `soft_cap`)
    soft_limit: float = 3.0
    # how far ambiguity pulls a hit from its own log-odds towards the threshold (see `bounded_score`)
    ambiguity_scale: float = 4.0


# Verdicts that count in full: those that say "another person", and dates wrong in two fields
# (not one slip); every other disagreement is soft.
HARD_CONFLICTS = frozenset(
    {
        ("birth_date", "conflict"),
        ("birth_date", "same_year_other_day"),
        ("birth_date", "near_year_other_day"),
        ("gender", "different"),
        ("document_number", "different"),
    }
)
AMBIGUITY = frozenset({"namesakes", "rivals"})
SURVIVAL_MARGIN = 0.5  # log-odds a perfect name keeps above the threshold after soft disagreements


def cut_of(threshold: float) -> float:
    """The threshold in log-odds."""
    return math.log(threshold / (1 - threshold)) if 0 < threshold < 1 else -math.inf


def soft_cap(weights: Weights) -> float:
    """The most soft disagreements may take away: `soft_limit`, and never so much that a perfect
    name (prior plus the top name band) falls within `SURVIVAL_MARGIN` of the threshold."""
    perfect = weights.prior + max(weights.name.values())
    room = perfect - cut_of(weights.threshold) - SURVIVAL_MARGIN
    return max(0.0, min(weights.soft_limit, room))


def is_soft(feature: Feature) -> bool:
    return (
        feature.weight < 0
        and feature.feature not in AMBIGUITY
        and ((feature.feature, feature.verdict) not in HARD_CONFLICTS)
    )


def bounded(feature: Feature, weights: Weights) -> float:
    """A feature's weight with a soft disagreement held to the cap (for upper bounds of a score)."""
    return max(feature.weight, -soft_cap(weights)) if is_soft(feature) else feature.weight


def bounded_score(features: Sequence[Feature], weights: Weights) -> tuple[float, tuple[Feature, ...]]:
    """The score of a pair and its features as they counted (soft disagreements capped together,
    ambiguity shrinking the margin above the threshold instead of subtracting from it)."""
    cap = soft_cap(weights)
    soft = [f for f in features if is_soft(f)]
    soft_sum = sum(f.weight for f in soft)
    scale = 1.0 if soft_sum >= -cap else cap / -soft_sum
    counted = [
        dataclasses.replace(f, weight=f.weight * scale) if f in soft and scale < 1.0 else f for f in features
    ]
    own = weights.prior + sum(f.weight for f in counted if f.feature not in AMBIGUITY)
    ambiguity = sum(f.weight for f in counted if f.feature in AMBIGUITY)
    cut = cut_of(weights.threshold)
    total = own + ambiguity
    if own >= cut and ambiguity < 0:  # ambiguity shrinks the margin above the threshold at most
        total = max(total, cut + (own - cut) * math.exp(ambiguity / weights.ambiguity_scale))
        share = (total - own) / ambiguity
        counted = [
            dataclasses.replace(f, weight=f.weight * share) if f.feature in AMBIGUITY else f for f in counted
        ]
    return probability(total), tuple(counted)


WEIGHTS_FILE = Path(__file__).resolve().parent / "weights.json"


def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    """The weights fitted by the benchmark (`weights.json`), or the hand-set defaults without it."""
    if not path.exists():
        return Weights()
    values = json.loads(path.read_text())
    if not isinstance(values, dict):
        raise ValueError("the weights are not an object")
    fields = {k: v for k, v in values.items() if k in Weights.__dataclass_fields__}
    defaults = Weights()
    for name, value in fields.items():
        if not _same_shape(value, getattr(defaults, name)):
            raise ValueError(f"the weight {name!r} is not a number or a table of numbers")
    for table in ("name", "date", "namesakes", "rivals"):  # a verdict added since the fit keeps its default
        if table in fields:
            fields[table] = {**getattr(defaults, table), **fields[table]}
    return Weights(**fields)


def _same_shape(value: object, default: object) -> bool:
    """A weight read from a file is what its default is: a number, or a table of numbers."""

    def number(x: object) -> bool:
        return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)

    if isinstance(default, dict):
        return isinstance(value, dict) and all(isinstance(k, str) and number(v) for k, v in value.items())
    return number(value)


def save_weights(weights: Weights, path: Path = WEIGHTS_FILE, **extra: object) -> None:
    body = {**dataclasses.asdict(weights), **extra}
    path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")


WEIGHTS = load_weights()


def installed_weights() -> Weights:
    """The weights this installation screens with: its own calibrated file
    (`LIAISON_SCREENING_WEIGHTS`, written by `liaison screening calibrate --apply`) when it exists,
    else the packaged `weights.json`.

    A file that cannot be read as weights (edited by hand, cut short by a full disk) is named in
    the log and left alone, and the packaged weights screen meanwhile: travellers are still
    screened, with the weights the project ships, rather than not at all."""
    from liaison.core.settings import get_settings

    path = get_settings().screening_weights_file
    if not path.is_file():
        return WEIGHTS
    try:
        return load_weights(path)
    except (OSError, ValueError, TypeError, AttributeError) as error:
        logging.getLogger(__name__).error(
            "%s is not a screening weights file (%s): screening with the packaged weights; run "
            "`liaison screening calibrate --apply` again, or delete the file",
            path,
            type(error).__name__,
        )
        return WEIGHTS


@dataclass(frozen=True, slots=True)
class Feature:
    """One line of a hit's explanation."""

    feature: str  # name · birth_date · nationality · document_number · gender
    verdict: str  # e.g. "0.93", "exact", "conflict", "same", "different"
    weight: float  # contribution in log-odds
    detail: str  # what was compared, for a reviewer

    def as_dict(self) -> dict[str, object]:
        return {
            "feature": self.feature,
            "verdict": self.verdict,
            "weight": round(self.weight, 2),
            "detail": self.detail,
        }


INITIAL_SIMILARITY = 0.85  # what an initial counts as against a word it begins


def _first_letter(token: Token) -> str:
    """The letter a word is written with (`Quang`: q, though its key is `kuang`)."""
    return (token.text or token.keys[0])[:1]


def _consonants(token: Token) -> set[str]:
    """A word's consonants, for scripts that write few vowels: its keys' skeletons, also as Arabic
    writes them (no p, no v: Putin is بوتين), and its letters as written less every letter that
    may write a vowel, before a key rewrote them (`phlwy` is pahlavi, though its key reads ph as f)."""
    found = {skeleton(key) for key in token.keys} | {arabic_consonants(key) for key in token.keys}
    if len(bare := written_consonants(token.text)) >= 2:
        found.add(bare)
    return found


def _two_syllables(a: Token, b: Token) -> bool:
    """Two different Vietnamese syllables, each as written in Latin letters (a word read from
    hangul or Cyrillic may write another syllable: 반 is `ban` for Văn)."""
    syllables = vietnamese_syllables()
    return (
        a.text != b.text
        and not (a.transcribed or b.transcribed)
        and a.text in syllables
        and b.text in syllables
    )


ARABIC_LATIN_SIMILARITY = 0.9  # two romanisations of one Arabic name (`phonetic.arabic_latin_keys`)


def _arabic_spellings(a: Token, b: Token) -> bool:
    """Two Latin words that romanise one Arabic name (Mohammed, Muhammad; Gaddafi, Qadhafi); never
    two Chinese or Vietnamese syllables, which are other names when their vowels differ (Zhou, Zhu)."""
    if not (a.text and b.text):
        return False
    syllables = (chinese_syllables(), vietnamese_syllables())
    if any(word in group for word in (a.text, b.text) for group in syllables):
        return False
    return not arabic_latin_keys(a.text).isdisjoint(arabic_latin_keys(b.text))


def token_similarity(a: Token, b: Token) -> float:
    if a.is_initial or b.is_initial:  # an initial is the letter a word is written with (`I.`, Iurievna)
        if _first_letter(a) != _first_letter(b):
            return 0.0
        return 1.0 if a.is_initial and b.is_initial else INITIAL_SIMILARITY
    best = 0.0
    for x in a.keys:
        for y in b.keys:
            if x == y:
                return 1.0
    if _two_syllables(a, b):
        return 0.0  # two Vietnamese syllables are two names (Minh, Đình; Phong, Phương), no typo of one
    for x in a.keys:
        for y in b.keys:
            # edit distance counting a swap of two neighbours (`Olag`, `Olga`) as one edit
            score = OSA.normalized_similarity(x, y)
            if score > best:
                best = score
    if best < 0.9 and a.text and b.text and a.text[0] == b.text[0]:
        # two letters swapped before the key rewrote them (`Nugyen`): compare the words as written
        best = max(best, OSA.normalized_similarity(a.text, b.text))
    if best < 0.9 and (a.vowelless or b.vowelless) and not _consonants(a).isdisjoint(_consonants(b)):
        best = 0.9
    if best < ARABIC_LATIN_SIMILARITY and _arabic_spellings(a, b):
        best = ARABIC_LATIN_SIMILARITY
    if best < NICKNAME_SIMILARITY and same_given_name(a.text, b.text):  # Sasha, Aleksandr
        best = NICKNAME_SIMILARITY
    return best


def joined_forms(reading: Reading, rotations: bool) -> tuple[str, ...]:
    """The reading's words run together (`wangxiaohong`), also rotated for family-name-last order."""
    orders = [reading]
    if rotations and len(reading) > 1:
        orders += [reading[-1:] + reading[:-1], reading[1:] + reading[:1]]
    forms: dict[str, None] = {}
    for order in orders:
        forms.setdefault("".join(t.keys[0] for t in order), None)
        if any(len(t.keys) > 1 for t in order):
            forms.setdefault("".join(t.keys[-1] for t in order), None)
    return tuple(forms)


NAME_BANDS = ("0.99", "0.95", "0.90", "0.85", "0.80", "0.00")


BAND_TOLERANCE = 1e-6  # similarities are float32 (0.9 is 0.8999999762): a band's bound is reached at it


def name_band(similarity: float) -> str:
    return next(band for band in NAME_BANDS if similarity >= float(band) - BAND_TOLERANCE)


def name_weight(similarity: float, weights: Weights = WEIGHTS) -> float:
    return weights.name[name_band(similarity)]


def namesakes_feature(count: int, weights: Weights = WEIGHTS) -> Feature:
    verdict = "unique" if count <= 1 else "rare" if count <= 3 else "common" if count <= 20 else "very_common"
    return Feature("namesakes", verdict, weights.namesakes[verdict], f"{count} subject(s) with this name")


def rivals_feature(count: int, weights: Weights = WEIGHTS) -> Feature:
    verdict = "none" if count == 0 else "one" if count == 1 else "few" if count <= 5 else "many"
    detail = f"ambiguous: {count + 1} subjects fit as well" if count else "no other subject fits as well"
    return Feature("rivals", verdict, weights.rivals[verdict], detail)


_AMBIGUOUS = re.compile(r"ambiguous: (\d+) subjects")


def ambiguity(features: Iterable[Mapping[str, Any]]) -> int:
    """How many subjects a stored hit's record fits as well, itself included (`rivals_feature`'s
    count, read back from the explanation the hit keeps): 1 when it is unambiguous."""
    for feature in features:
        if feature.get("feature") == "rivals":
            found = _AMBIGUOUS.search(str(feature.get("detail", "")))
            return int(found[1]) if found else 1
    return 1


def date_feature(
    record: PartialDate | None, subject: tuple[PartialDate, ...], weights: Weights = WEIGHTS
) -> Feature:
    if record is not None and not subject:
        # the record's date cannot rule this subject out, though it rules out namesakes born
        # in other years: not the same evidence as a record without a date
        return Feature(
            "birth_date", "subject_undated", weights.date["subject_undated"], "no birth date on the list"
        )
    if record is None or not subject:
        return Feature("birth_date", "unknown", 0.0, "no birth date on one side")
    # the subject's date that fits best (by weight: weights.json lists verdicts alphabetically,
    # so their order says nothing)
    best = max(((compare_dates(record, s), s) for s in subject), key=lambda pair: weights.date[pair[0]])
    verdict, matched = best
    return Feature("birth_date", verdict, weights.date[verdict], f"{record} vs {matched}")


def set_feature(
    feature: str,
    record: str | None,
    subject: frozenset[str],
    same: float,
    other: float,
) -> Feature:
    if not record or not subject:
        return Feature(feature, "unknown", 0.0, "not given on one side")
    if record in subject:
        return Feature(feature, "same", same, record)
    return Feature(feature, "different", other, f"{record} vs {', '.join(sorted(subject))}")


def probability(total_log_odds: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total_log_odds))))


def normalise_document(number: str | None) -> str:
    return "".join(c for c in (number or "").upper() if c.isalnum())


def normalise_gender(value: str | None) -> str:
    text = (value or "").strip().lower()
    if text in ("m", "male", "man", "nam", "м", "муж"):
        return "m"
    if text in ("f", "female", "woman", "nữ", "nu", "ж", "жен"):
        return "f"
    return ""
