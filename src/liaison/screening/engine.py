"""The in-memory screening index: candidate generation built for recall, then explainable scoring.

Pure library (no database): the capability's start-up fills it from the subjects' tables, the
batch engines ship it to worker processes or Spark executors, and the benchmark uses it alone.

Layout, sized for 100,000 subjects with about 400,000 names in well under 1 GB:

- each name gets an integer id; `_name_subject[name_id]` is its subject (-1 once removed);
- `_postings[key]` is an `array('i')` of name ids for each search key of each token: the
  phonetic key (`kolokolcev`), its first and last four letters (one typo leaves one of them),
  and its consonant skeleton (`~mhmd`, for Arabic and Thai);
- tokens are interned, so the 30,000 `nguyen`s of a list share one object.

A query scatters an inverse-document-frequency weight for each of its keys into a scratch array
(NumPy, over the posting lists as zero-copy views), keeps the best-supported names, and scores
only those; common keys (`nguyen`, `van`) weigh little, so namesakes born in other years (left out
before the best are chosen) and names that share only a family name do not crowd the candidates.

Changes are incremental: `upsert` removes the subject's old names (tombstones, no rebuild) and
indexes the new ones; `compact` drops tombstones from the posting lists when they pile up.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from liaison.names.phonetic import skeleton
from liaison.names.variants import Reading, Token, display_reading, readings
from liaison.names.vietnamese_cyrillic import vietnamese_readings
from liaison.screening.dates import PartialDate, parse_partial_date
from liaison.screening.scoring import (
    NAME_FLOOR,
    WEIGHTS,
    Feature,
    Weights,
    date_feature,
    joined_forms,
    name_similarity,
    name_weight,
    namesakes_feature,
    normalise_document,
    normalise_gender,
    probability,
    rivals_feature,
    set_feature,
)

DEFAULT_THRESHOLD = WEIGHTS.threshold
MAX_CANDIDATES = 40
RIVAL_SIMILARITY = 0.95
RELATIVE_SUPPORT = 0.5  # ... and, when there are many, at least this share of the best one's
MIN_SUPPORT = 0.2  # a candidate name must have this share of the support a perfect match would have


@dataclass(frozen=True)
class SubjectEntry:
    """What screening needs of one person sought."""

    id: int
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    gender: str | None = None

    def fingerprint(self) -> str:
        """Changes whenever anything screening looks at changes (a dismissed hit then alerts again)."""
        body = json.dumps(
            [
                sorted(self.names),
                sorted(self.birth_dates),
                sorted(self.nationalities),
                sorted(self.documents),
                self.gender or "",
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(body.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ScreenRecord:
    """One traveller or partner-list record; only `name` is required."""

    record_id: str
    name: str
    birth_date: str | None = None
    nationality: str | None = None
    document_number: str | None = None
    gender: str | None = None

    def fingerprint(self) -> str:
        body = json.dumps(
            [
                self.name,
                self.birth_date or "",
                (self.nationality or "").upper(),
                normalise_document(self.document_number),
                normalise_gender(self.gender),
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(body.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Hit:
    """A record that may be a subject, with a calibrated score and the reasons."""

    record_id: str
    subject_id: int
    score: float
    matched_name: str
    features: tuple[Feature, ...]
    subject_fingerprint: str = ""

    @property
    def explanation(self) -> str:
        """One line a reviewer can read: `name 0.97 (+2.1); birth_date exact (+3.5); ...`."""
        return "; ".join(f"{f.feature} {f.verdict} ({f.weight:+.1f}): {f.detail}" for f in self.features)


@dataclass(frozen=True, slots=True)
class NameMatch:
    subject_id: int
    similarity: float
    name_id: int
    reading: int


_NO_MATCH = NameMatch(0, 0.0, 0, 0)


@dataclass(slots=True)
class _Subject:
    entry: SubjectEntry
    name_ids: list[int]
    name_keys: frozenset[str]
    birth_dates: tuple[PartialDate, ...]
    nationalities: frozenset[str]
    documents: frozenset[str]
    gender: str
    fingerprint: str


@dataclass
class Query:
    """A record prepared for screening (readings and keys are computed once)."""

    record: ScreenRecord
    readings: tuple[Reading, ...]
    joined: tuple[str, ...]
    birth_date: PartialDate | None
    problems: list[str] = field(default_factory=list)


def prepare(record: ScreenRecord) -> Query:
    """Read the record's name and date; problems (no letters, impossible date) are listed, not raised."""
    problems: list[str] = []
    name_readings = readings(record.name or "")
    if not name_readings:
        problems.append("name has no letters")
    try:
        birth_date = parse_partial_date(record.birth_date)
    except ValueError as error:
        birth_date = None
        problems.append(f"birth date ignored: {error}")
    joined = tuple(dict.fromkeys(j for r in name_readings for j in joined_forms(r, rotations=True)))
    return Query(record, name_readings, joined, birth_date, problems)


def namesake_key(reading: Reading) -> str:
    """Family and given names, in any order (middle names and patronymics left out)."""
    return " ".join(sorted(t.keys[0] for t in reading if t.weight >= 1.0))


def _token_search_keys(token: Token) -> Iterator[str]:
    for key in token.keys:
        yield key
        if len(key) > 5:
            yield "^" + key[:4]
            yield "$" + key[-4:]
        skel = skeleton(key)
        if len(skel) >= 2 or token.vowelless:
            yield "~" + skel


class ScreeningIndex:
    """Subjects' names, indexed for screening; safe to read from many threads while nobody writes."""

    def __init__(self, weights: Weights = WEIGHTS) -> None:
        vietnamese_readings("")  # build the Cyrillic-Vietnamese table now, not in the first query
        self.weights = weights
        self._name_subject = array("i")
        self._name_year_low = array("h")  # the subject's earliest and latest birth year, 0 when unknown
        self._name_year_high = array("h")
        self._name_readings: list[tuple[Reading, ...]] = []
        self._name_joined: list[tuple[str, ...]] = []
        self._name_text: list[str] = []
        self._postings: dict[str, array[int]] = {}
        self._subjects: dict[int, _Subject] = {}
        self._tokens: dict[Token, Token] = {}
        self._namesakes: Counter[str] = Counter()  # subjects per family-and-given-name key
        self._dead_names = 0
        self._local = threading.local()  # each thread screens with its own scratch array

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_local"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    def _scratch(self, size: int) -> np.ndarray:
        scratch: np.ndarray | None = getattr(self._local, "scratch", None)
        if scratch is None or len(scratch) < size:
            scratch = self._local.scratch = np.zeros(max(size, 1024), dtype=np.float32)
        return scratch

    def _append(self, name: str, value: int) -> None:
        """Append to an array attribute; if a reader holds a view of it, append to a copy instead."""
        target: array[int] = getattr(self, name)
        try:
            target.append(value)
        except BufferError:
            copy = array(target.typecode, target)
            copy.append(value)
            setattr(self, name, copy)

    # -- changes -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._subjects)

    def __contains__(self, subject_id: object) -> bool:
        return subject_id in self._subjects

    @property
    def name_count(self) -> int:
        return len(self._name_text) - self._dead_names

    def subject_ids(self) -> Iterable[int]:
        return self._subjects.keys()

    def fingerprint(self, subject_id: int) -> str | None:
        subject = self._subjects.get(subject_id)
        return subject.fingerprint if subject else None

    def add_many(self, entries: Iterable[SubjectEntry]) -> None:
        for entry in entries:
            self.upsert(entry)

    def upsert(self, entry: SubjectEntry) -> None:
        """Index a subject, replacing what was indexed for it before."""
        self.remove(entry.id)
        dates = []
        for text in entry.birth_dates:
            try:
                parsed = parse_partial_date(text)
            except ValueError:
                continue  # the subjects service validates dates; a bad one is not a reason to drop the person
            if parsed:
                dates.append(parsed)
        years = [d.year for d in dates]
        span = (min(years), max(years)) if years else (0, 0)
        name_ids = [
            self._add_name(entry.id, name, span) for name in dict.fromkeys(entry.names) if name.strip()
        ]
        name_ids = [n for n in name_ids if n >= 0]
        name_keys = frozenset(namesake_key(r) for n in name_ids for r in self._name_readings[n])
        self._namesakes.update(name_keys)
        self._subjects[entry.id] = _Subject(
            entry=entry,
            name_ids=name_ids,
            name_keys=name_keys,
            birth_dates=tuple(dates),
            nationalities=frozenset(n.strip().upper() for n in entry.nationalities if n.strip()),
            documents=frozenset(d for d in (normalise_document(x) for x in entry.documents) if d),
            gender=normalise_gender(entry.gender),
            fingerprint=entry.fingerprint(),
        )

    def remove(self, subject_id: int) -> bool:
        """Forget a subject (tombstones its names); True when it was indexed."""
        subject = self._subjects.pop(subject_id, None)
        if subject is None:
            return False
        self._namesakes.subtract(subject.name_keys)
        for name_id in subject.name_ids:
            self._name_subject[name_id] = -1
            self._name_readings[name_id] = ()
            self._name_joined[name_id] = ()
            self._dead_names += 1
        if self._dead_names > 1000 and self._dead_names > len(self._name_text) // 5:
            self.compact()
        return True

    def compact(self) -> None:
        """Drop removed names from the posting lists (names keep their ids)."""
        alive = np.frombuffer(self._name_subject, dtype=np.int32) >= 0
        for key in list(self._postings):
            ids = np.frombuffer(self._postings[key], dtype=np.int32)
            kept = ids[alive[ids]]
            if len(kept):
                self._postings[key] = array("i", kept.tobytes())
            else:
                del self._postings[key]

    def _intern(self, reading: Reading) -> Reading:
        return tuple(self._tokens.setdefault(t, t) for t in reading)

    def _add_name(self, subject_id: int, name: str, years: tuple[int, int]) -> int:
        name_readings = tuple(self._intern(r) for r in readings(name))
        if not name_readings:
            return -1
        name_id = len(self._name_text)
        self._append("_name_subject", subject_id)
        self._append("_name_year_low", years[0])
        self._append("_name_year_high", years[1])
        self._name_readings.append(name_readings)
        self._name_joined.append(
            tuple(dict.fromkeys(j for r in name_readings for j in joined_forms(r, False)))
        )
        self._name_text.append(name[:200])
        keys = {k for r in name_readings for t in r for k in _token_search_keys(t)}
        postings = self._postings
        for key in keys:
            posting = postings.get(key)
            if posting is None:
                postings[key] = array("i", (name_id,))
            else:
                try:
                    posting.append(name_id)
                except BufferError:  # a screen in another thread is reading it
                    postings[key] = array("i", posting)
                    postings[key].append(name_id)
        return name_id

    # -- screening ---------------------------------------------------------------------------

    def _query_keys(self, query: Query) -> tuple[dict[str, float], float]:
        """The query's search keys with their weights; adjacent words also run together
        (`Xiao Hong` finds `Xiaohong`, `Song-ha` finds `Songha`)."""
        total = max(len(self._name_text), 1)
        keys: dict[str, float] = {}

        def consider(key: str, factor: float) -> None:
            posting = self._postings.get(key)
            if posting is not None:
                weight = math.log(1 + total / len(posting)) * factor
                if weight > keys.get(key, 0.0):
                    keys[key] = weight

        perfect = 0.0
        for reading in query.readings:
            reading_support = 0.0
            for position, token in enumerate(reading):
                for key in _token_search_keys(token):
                    consider(key, 0.5 if key[0] in "^$~" else 1.0)
                found = [keys[k] for k in token.keys if k in keys]
                reading_support += min(found, default=0.0)
                if position + 1 < len(reading):
                    consider(token.keys[0] + reading[position + 1].keys[0], 1.0)
            if reading_support > 0:
                perfect = reading_support if perfect == 0 else min(perfect, reading_support)
        return keys, perfect

    def candidates(self, query: Query, limit: int = MAX_CANDIDATES, use_dates: bool = True) -> list[int]:
        """Name ids most supported by the query's keys (inverse-document-frequency weighted).

        Every key adds its weight to the names it lists (one vectorised scatter per key); names
        with at least `MIN_SUPPORT` of the support a perfect match would have are candidates.
        With `use_dates`, names of
        subjects born more than a year away from the record are left out before the best are
        chosen (not when the record has a document number, which may outweigh the date), so
        that a common name's namesakes born in other years do not crowd out the one sought.
        """
        keys, perfect = self._query_keys(query)
        if not keys:
            return []
        total = len(self._name_text)
        scratch = self._scratch(total)
        for key, weight in keys.items():
            scratch[np.frombuffer(self._postings[key], dtype=np.int32)] += weight
        view = scratch[:total]
        ids = np.flatnonzero(view >= MIN_SUPPORT * perfect)
        support = view[ids]
        view.fill(0.0)
        keep = np.ones(len(ids), dtype=bool)
        if use_dates and query.birth_date is not None and not query.record.document_number:
            year = query.birth_date.year
            low = np.frombuffer(self._name_year_low, dtype=np.int16)[ids]
            high = np.frombuffer(self._name_year_high, dtype=np.int16)[ids]
            keep &= (low == 0) | ((low - 1 <= year) & (year <= high + 1))
        ids, support = ids[keep], support[keep]
        if len(ids) > limit // 2:  # names far less supported than the best are not worth comparing
            near = support >= RELATIVE_SUPPORT * support.max()
            ids, support = ids[near], support[near]
        if len(ids) > limit:
            best = np.argpartition(-support, limit)[:limit]
            ties = np.flatnonzero(support >= support[best].min())
            chosen = ties if len(ties) <= 2 * limit else best
            ids, support = ids[chosen], support[chosen]
        ids = ids[np.argsort(-support, kind="stable")]  # best supported first
        alive = np.frombuffer(self._name_subject, dtype=np.int32)[ids] >= 0
        return [int(i) for i in ids[alive]]

    def screen(
        self, record: ScreenRecord, threshold: float = DEFAULT_THRESHOLD, limit: int = 10
    ) -> list[Hit]:
        """Hits for one record, best first."""
        return self.screen_query(prepare(record), threshold, limit)

    def screen_query(self, query: Query, threshold: float = DEFAULT_THRESHOLD, limit: int = 10) -> list[Hit]:
        return self.score(query, self.name_matches(query), threshold, limit)

    def name_matches(self, query: Query, use_dates: bool = True) -> list[NameMatch]:
        """Subjects whose best name is alike enough, with that name's similarity.

        `use_dates=False` leaves in the namesakes born in other years (to study the scoring).
        """
        if not query.readings:
            return []
        best: dict[int, NameMatch] = {}
        cache: dict[tuple[int, int], float] = {}
        for name_id in self.candidates(query, use_dates=use_dates):
            subject_id = self._name_subject[name_id]
            if best.get(subject_id, _NO_MATCH).similarity >= 0.999:
                continue  # this subject's best name is already as alike as can be
            similarity, reading = name_similarity(
                query.readings, query.joined, self._name_readings[name_id], self._name_joined[name_id], cache
            )
            if similarity >= NAME_FLOOR and similarity > best.get(subject_id, _NO_MATCH).similarity:
                best[subject_id] = NameMatch(subject_id, similarity, name_id, reading)
        return list(best.values())

    def score(
        self,
        query: Query,
        matches: Iterable[NameMatch],
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
    ) -> list[Hit]:
        """Score name matches with the record's other features; hits at or above the threshold.

        A subject's `rivals` are the other subjects as alike in name (0.95 or more) whose birth
        date does not rule them out: a record that fits one subject alone points at that one.
        """
        found = [(m, s) for m in matches if (s := self._subjects.get(m.subject_id)) is not None]
        dates = [date_feature(query.birth_date, s.birth_dates, self.weights) for _, s in found]
        plausible = [
            m.similarity >= RIVAL_SIMILARITY and d.verdict not in ("conflict", "same_year_other_day")
            for (m, _), d in zip(found, dates, strict=True)
        ]
        alike = sum(plausible)
        hits = []
        for (match, subject), date, is_alike in zip(found, dates, plausible, strict=True):
            rivals = alike - 1 if is_alike else alike
            hit = self._score(query, subject, match, date, rivals)
            if hit.score >= threshold:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, h.subject_id))
        return hits[:limit]

    def _score(self, query: Query, subject: _Subject, match: NameMatch, date: Feature, rivals: int) -> Hit:
        weights = self.weights
        similarity, name_id, reading = match.similarity, match.name_id, match.reading
        record = query.record
        matched = self._name_text[name_id]
        matched_reading = self._name_readings[name_id][reading]
        shown = display_reading(matched_reading)
        namesakes = self._namesakes[namesake_key(matched_reading)]
        features = (
            Feature(
                "name",
                f"{similarity:.2f}",
                name_weight(similarity, weights),
                f"{record.name[:80]} vs {matched} (read as {shown})",
            ),
            namesakes_feature(namesakes, weights),
            rivals_feature(rivals, weights),
            date,
            set_feature(
                "nationality",
                (record.nationality or "").strip().upper() or None,
                subject.nationalities,
                weights.nationality_same,
                weights.nationality_other,
            ),
            set_feature(
                "document_number",
                normalise_document(record.document_number) or None,
                subject.documents,
                weights.document_same,
                weights.document_other,
            ),
            set_feature(
                "gender",
                normalise_gender(record.gender) or None,
                frozenset({subject.gender}) if subject.gender else frozenset(),
                weights.gender_same,
                weights.gender_other,
            ),
        )
        score = probability(weights.prior + sum(f.weight for f in features))
        return Hit(
            record.record_id, subject.entry.id, round(score, 4), matched, features, subject.fingerprint
        )

    # -- size --------------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        return {
            "subjects": len(self._subjects),
            "names": self.name_count,
            "keys": len(self._postings),
            "postings": sum(len(p) for p in self._postings.values()),
            "distinct_tokens": len(self._tokens),
        }
