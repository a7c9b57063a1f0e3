"""The in-memory screening index: candidate generation built for recall, then explainable scoring.

Pure library (no database): the capability's start-up fills it from the subjects' tables, the
batch engines ship it to worker processes or Spark executors, and the benchmark uses it alone.

Layout, sized for 100,000 subjects with about 400,000 names in well under 1 GB:

- each name gets an integer id; `_name_subject[name_id]` is its subject (-1 once removed);
- `_postings[key]` is an `array('i')` of name ids for each search key of each token: the
  phonetic key (`kolokolcev`), its first and last four letters (one typo leaves one of them),
  and its consonant skeleton (`~mhmd`, for Arabic and Thai); `_year_postings[key][year]` holds
  the same ids split by the subject's birth year (0: unknown, or several years);
- tokens are interned with integer ids, so the 30,000 `nguyen`s of a list are one object, and
  each name's readings are also kept as rows of token ids and weights for the alignment.

A query gives each name it touches a support: for each word of the record, the best
inverse-document-frequency weight among that word's keys the name holds, summed over the words
(NumPy, over the posting lists of the record's birth year ±1 as zero-copy views). A word counts
once however many of its keys a name holds, so a name holding every word outranks one holding one
word by its phonetic key, first letters and consonants at once (Kim Jong-un against `남정은` for
a record `김정은`). Only the best-supported names are compared; common keys (`nguyen`, `van`)
weigh little, so namesakes born in other years (never looked at) and names that share only a
family name do not crowd the candidates. The names of many records are compared in one stack
(`alignment.py`), with token similarities looked up from a cache; only pairs that can reach the
threshold get an explanation written.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from liaison.names.search import INITIAL, search_keys, word_keys
from liaison.names.variants import MAX_TOKENS, Reading, Token, display_reading, readings
from liaison.names.vietnamese_cyrillic import vietnamese_readings
from liaison.screening.alignment import (
    JOINED_FACTOR,
    PairSimilarities,
    greedy_alignment,
    joined_similarity,
    reading_row,
)
from liaison.screening.dates import NEAR_YEARS, PartialDate, parse_partial_date
from liaison.screening.scoring import (
    NAME_FLOOR,
    WEIGHTS,
    Feature,
    Weights,
    bounded,
    bounded_score,
    cut_of,
    date_feature,
    joined_forms,
    name_weight,
    namesakes_feature,
    normalise_document,
    normalise_gender,
    rivals_feature,
    set_feature,
)

DEFAULT_THRESHOLD = WEIGHTS.threshold  # the packaged weights'; an index scores at its own weights'
MAX_CANDIDATES = 40
STACK_ROWS = 500  # records whose candidate names are compared in one NumPy stack
RIVAL_SIMILARITY = 0.95
# ... and, when there are many, at least this share of the best one's (0.5 when every key counted:
# with each word counted once supports lie closer together, and 0.5 let in names holding only some
# words, which cost the Han and Korean sets precision)
RELATIVE_SUPPORT = 0.65
SHORTER_FIRST = 0.01  # support a name loses per word, so that of equals the shorter come first
INITIALS_WIDER = 4  # how many more candidate names a record written with initials is compared with
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
    ambiguous: int = 1  # subjects this record fits as well as this one (itself included)

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


@dataclass(frozen=True)
class _QueryWords:
    """A query's readings, as `candidates` sums a name's support over their words.

    `terms` are each a set of search keys with their weights: a word's own keys, or the key of two
    adjacent words run together. `words[r, p]` is the term of reading `r`'s word `p`, and
    `joined[r, p]` that of its words `p` and `p + 1` run together; `len(terms)` (no term) pads
    them where a reading is shorter or two words run together are no name's."""

    terms: tuple[tuple[tuple[str, float], ...], ...]
    words: np.ndarray
    joined: np.ndarray


@dataclass(frozen=True)
class Screened:
    """One record with its hits and what was wrong with it (before storage)."""

    record: ScreenRecord
    hits: list[Hit]
    problems: list[str]


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


def _post(postings: dict[Any, array[int]], key: Any, name_id: int) -> None:
    posting = postings.get(key)
    if posting is None:
        postings[key] = array("i", (name_id,))
        return
    try:
        posting.append(name_id)
    except BufferError:  # a screen in another thread is reading it
        postings[key] = array("i", posting)
        postings[key].append(name_id)


def _compacted(postings: dict[Any, array[int]], alive: np.ndarray) -> None:
    for key in list(postings):
        ids = np.frombuffer(postings[key], dtype=np.int32)
        kept = ids[alive[ids]]
        if len(kept):
            postings[key] = array("i", kept.tobytes())
        else:
            del postings[key]


class ScreeningIndex:
    """Subjects' names, indexed for screening; safe to read from many threads while nobody writes."""

    def __init__(self, weights: Weights = WEIGHTS) -> None:
        vietnamese_readings("")  # build the Cyrillic-Vietnamese table now, not in the first query
        # and what a first name of each kind would otherwise load inside a traveller's screen:
        # Korean syllables' spellings (1 s), Thai's reader, the Hokkien table of Han characters
        # (0.8 s), rigour's organisation suffixes (0.3 s)
        readings("Kim Jong"), readings("ทักษิณ"), readings("陳水扁"), readings("Trần Văn Hùng")
        self.weights = weights
        self._name_subject = array("i")
        self._name_year_low = array("h")  # the subject's earliest and latest birth year, 0 when unknown
        self._name_year_high = array("h")
        self._name_readings: list[tuple[Reading, ...]] = []
        self._joined_forms: list[str] = []  # each name's words run together, one after another
        self._name_first_joined = array("i")
        self._name_joined_count = array("i")
        self._joined_length = array("h")
        self._name_text: list[str] = []
        self._postings: dict[str, array[int]] = {}
        # the same, split by the subject's birth year (0: unknown, or several years apart)
        self._year_postings: dict[str, dict[int, array[int]]] = {}
        self._subjects: dict[int, _Subject] = {}
        self._token_ids: dict[Token, int] = {}  # interned words: the 30,000 `nguyen`s are one
        self._tokens: list[Token] = []
        # each name's readings as rows of `MAX_TOKENS` token ids and weights (for the alignment)
        self._row_tokens = array("i")
        self._row_weights = array("f")
        self._name_first_row = array("i")
        self._name_row_count = array("i")
        self._similarities = PairSimilarities()
        self._key_weights: dict[Token, tuple[tuple[tuple[str, float], ...], float]] = {}
        self._key_weights_version = -1
        self._namesakes: Counter[str] = Counter()  # subjects per family-and-given-name key
        self._documents: dict[str, set[int]] = {}  # subjects by normalised document number
        self._dead_names = 0
        self._tombstones = 0  # names removed since the posting lists were last compacted
        self._changes = 0  # counts changes, so that what is derived from the postings is redone
        self._local = threading.local()  # each thread screens with its own scratch array

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_local"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    def _scratch(self, size: int) -> np.ndarray:
        """This thread's array, one slot per name: where a name was last seen among those a query
        touched."""
        scratch: np.ndarray | None = getattr(self._local, "scratch", None)
        if scratch is None or len(scratch) < size:
            size = max(size + size // 4, 1024)
            scratch = self._local.scratch = np.zeros(size, dtype=np.int32)
        return scratch

    def _append(self, name: str, *values: float) -> None:
        """Append to an array attribute; if a reader holds a view of it, append to a copy instead."""
        target: array[Any] = getattr(self, name)
        try:
            target.extend(values)
        except BufferError:
            copy = array(target.typecode, target)
            copy.extend(values)
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
        years = [y for d in dates for y in (d.year, d.year_to or d.year)]
        span = (min(years), max(years)) if years else (0, 0)
        name_ids = [
            self._add_name(entry.id, name, span) for name in dict.fromkeys(entry.names) if name.strip()
        ]
        name_ids = [n for n in name_ids if n >= 0]
        name_keys = frozenset(namesake_key(r) for n in name_ids for r in self._name_readings[n])
        self._namesakes.update(name_keys)
        subject = self._subjects[entry.id] = _Subject(
            entry=entry,
            name_ids=name_ids,
            name_keys=name_keys,
            birth_dates=tuple(dates),
            nationalities=frozenset(n.strip().upper() for n in entry.nationalities if n.strip()),
            documents=frozenset(d for d in (normalise_document(x) for x in entry.documents) if d),
            gender=normalise_gender(entry.gender),
            fingerprint=entry.fingerprint(),
        )
        for document in subject.documents:
            self._documents.setdefault(document, set()).add(entry.id)

    def remove(self, subject_id: int) -> bool:
        """Forget a subject (tombstones its names); True when it was indexed."""
        subject = self._subjects.pop(subject_id, None)
        if subject is None:
            return False
        self._namesakes.subtract(subject.name_keys)
        for document in subject.documents:
            holders = self._documents.get(document, set())
            holders.discard(subject_id)
            if not holders:
                self._documents.pop(document, None)
        for name_id in subject.name_ids:
            self._name_subject[name_id] = -1
            self._dead_names += 1
            self._tombstones += 1
        self._changes += 1
        if self._tombstones > 1000 and self._tombstones > len(self._name_text) // 5:
            self.compact()
        return True

    def compact(self) -> None:
        """Drop removed names from the posting lists (names keep their ids)."""
        alive = np.frombuffer(self._name_subject, dtype=np.int32) >= 0
        self._tombstones = 0
        self._changes += 1
        _compacted(self._postings, alive)
        for key in list(self._year_postings):
            _compacted(self._year_postings[key], alive)
            if not self._year_postings[key]:
                del self._year_postings[key]

    def _intern(self, reading: Reading) -> Reading:
        for token in reading:
            if token not in self._token_ids:
                self._token_ids[token] = len(self._tokens)
                self._tokens.append(token)
        return tuple(self._tokens[self._token_ids[t]] for t in reading)

    def _add_name(self, subject_id: int, name: str, years: tuple[int, int]) -> int:
        name_readings = tuple(self._intern(r) for r in readings(name))
        if not name_readings:
            return -1
        name_id = len(self._name_text)
        self._changes += 1
        self._append("_name_subject", subject_id)
        self._append("_name_year_low", years[0])
        self._append("_name_year_high", years[1])
        self._name_readings.append(name_readings)
        forms = list(dict.fromkeys(j for r in name_readings for j in joined_forms(r, False)))
        self._append("_name_first_joined", len(self._joined_forms))
        self._append("_name_joined_count", len(forms))
        self._joined_forms += forms
        self._append("_joined_length", *(min(len(form), 32767) for form in forms))
        self._name_text.append(name[:200])
        self._append("_name_first_row", len(self._row_tokens) // MAX_TOKENS)
        self._append("_name_row_count", len(name_readings))
        for reading in name_readings:
            token_ids, weights = reading_row(reading, self._token_ids)
            self._append("_row_tokens", *token_ids)
            self._append("_row_weights", *weights)
        keys = {key for reading in name_readings for token in reading for key in word_keys(token)}
        bucket = years[0] if years[0] == years[1] else 0
        for key in keys:
            _post(self._postings, key, name_id)
            _post(self._year_postings.setdefault(key, {}), bucket, name_id)
        return name_id

    # -- screening ---------------------------------------------------------------------------

    def _token_keys(self, token: Token) -> tuple[tuple[tuple[str, float], ...], float]:
        """A word's search keys that some name has, with their weights, and the support the word
        gives a name that has it (its rarest phonetic key); kept until the index changes."""
        if self._key_weights_version != self._changes:
            self._key_weights = {}
            self._key_weights_version = self._changes
        known = self._key_weights.get(token)
        if known is None:
            total = max(len(self._name_text), 1)
            weighted = tuple(
                (key, math.log(1 + total / len(posting)) * factor)
                for key, factor in search_keys(token)
                if (posting := self._postings.get(key)) is not None
            )
            # an initial (`V.`) supports a name as much as the commonest initial key it finds
            own = {INITIAL + k for k in token.keys} if token.is_initial else set(token.keys)
            support = min((w for key, w in weighted if key in own), default=0.0)
            known = self._key_weights[token] = (weighted, support)
        return known

    def _query_words(self, query: Query) -> tuple[_QueryWords, float]:
        """The query's readings as `_QueryWords`, and the support a perfect match would have (the
        least, over the readings, of the sum of each word's rarest own key)."""
        total = max(len(self._name_text), 1)
        terms: list[tuple[tuple[str, float], ...]] = []
        numbers: dict[object, int] = {}

        def term(identity: object, weighted: tuple[tuple[str, float], ...]) -> int:
            number = numbers.get(identity)
            if number is None:
                number = numbers[identity] = len(terms)
                terms.append(weighted)
            return number

        words: list[list[int]] = []
        joined: list[list[int | None]] = []  # None: the two words run together are no name's
        perfect = 0.0
        for reading in query.readings:
            reading_support = 0.0
            words.append([])
            joined.append([])
            for position, token in enumerate(reading):
                weighted, support = self._token_keys(token)
                words[-1].append(term(token, weighted))
                reading_support += support
                if position + 1 < len(reading):
                    key = token.keys[0] + reading[position + 1].keys[0]
                    posting = self._postings.get(key)
                    weight = math.log(1 + total / len(posting)) if posting else 0.0
                    joined[-1].append(term(key, ((key, weight),)) if posting else None)
            if reading_support > 0:
                perfect = reading_support if perfect == 0 else min(perfect, reading_support)
        width = max((len(row) for row in words), default=0)
        none = len(terms)

        def padded(rows: Sequence[Sequence[int | None]], size: int) -> np.ndarray:
            table = np.full((len(rows), size), none, dtype=np.int64)
            for number, row in enumerate(rows):
                table[number, : len(row)] = [none if t is None else t for t in row]
            return table

        return _QueryWords(tuple(terms), padded(words, width), padded(joined, max(width - 1, 0))), perfect

    def candidates(self, query: Query, limit: int = MAX_CANDIDATES, use_dates: bool = True) -> list[int]:
        """Name ids most supported by the query's keys (inverse-document-frequency weighted).

        A name's support is, for the best of the query's readings, the sum over its words of the
        best weight among the keys of that word the name holds (`_query_words`); names with at
        least `MIN_SUPPORT` of the support a perfect match would have are candidates. With
        `use_dates`, only the names of subjects born within `NEAR_YEARS` of the record are looked
        at — the postings are split by birth year — so that a common name's namesakes born in
        other years neither crowd out the one sought nor cost time. The names of subjects holding
        the record's document number are always candidates (a document may outweigh a date).
        """
        holders = self._documents.get(normalise_document(query.record.document_number), ())
        same_document = [n for s in list(holders) if (h := self._subjects.get(s)) for n in h.name_ids]
        words, perfect = self._query_words(query)
        if not any(words.terms):
            return same_document
        if any(token.is_initial for reading in query.readings for token in reading):
            # an initial's key is held by every word it begins (`!n`: Nguyen, Ngoc, Nhat ...),
            # so support ties widely: look further before cutting
            limit *= INITIALS_WIDER
        year = query.birth_date.year if use_dates and query.birth_date is not None else 0
        lists: list[array[int]] = []
        weights: list[float] = []
        terms: list[int] = []
        for number, term in enumerate(words.terms):
            for key, weight in term:
                # (a key may have gone since it was weighed, if another thread compacted the postings)
                if year:
                    by_year = self._year_postings.get(key, {})
                    for bucket in (*range(year - NEAR_YEARS, year + NEAR_YEARS + 1), 0):
                        posting = by_year.get(bucket)
                        if posting is not None:
                            lists.append(posting)
                            weights.append(weight)
                            terms.append(number)
                elif (posting := self._postings.get(key)) is not None:
                    lists.append(posting)
                    weights.append(weight)
                    terms.append(number)
        if not lists:
            return same_document
        while True:  # postings only grow: if none grew while copied, the lengths fit the copy
            lengths = [len(x) for x in lists]
            touched = np.frombuffer(b"".join(lists), dtype=np.int32)
            if len(touched) == sum(lengths):
                break
        # number the names touched 0, 1, ... (`last_seen` is left holding each one's number)
        last_seen = self._scratch(len(self._name_text))
        position = np.arange(len(touched), dtype=np.int32)
        last_seen[touched] = position
        ids = touched[last_seen[touched] == position]
        last_seen[ids] = np.arange(len(ids), dtype=np.int32)
        # each term's best key per name (a row of zeros last, for no term)
        best = np.zeros((len(words.terms) + 1, len(ids)), dtype=np.float32)
        flat = np.repeat(np.array(terms, dtype=np.int64) * len(ids), lengths) + last_seen[touched]
        np.maximum.at(best.reshape(-1), flat, np.repeat(np.array(weights, dtype=np.float32), lengths))
        support = self._reading_support(words, best).max(axis=0)  # the best reading
        enough = support >= MIN_SUPPORT * perfect
        ids, support = ids[enough], support[enough]
        if year:  # names in the unknown-or-several-years bucket: the subject's years must still fit
            low = np.frombuffer(self._name_year_low, dtype=np.int16)[ids]
            high = np.frombuffer(self._name_year_high, dtype=np.int16)[ids]
            keep = (low == 0) | ((low - NEAR_YEARS <= year) & (year <= high + NEAR_YEARS))
            ids, support = ids[keep], support[keep]
        alive = np.frombuffer(self._name_subject, dtype=np.int32)[ids] >= 0  # not removed since
        ids, support = ids[alive], support[alive]
        if len(ids) > limit // 2:  # names far less supported than the best are not worth comparing
            near = support >= RELATIVE_SUPPORT * support.max()
            ids, support = ids[near], support[near]
        # among names as well supported, the shorter first: `Nguyen Ngoc` finds the alias
        # `Ngọc Nguyễn` before forty `Nguyễn Ngọc X`
        first_rows = np.frombuffer(self._name_first_row, dtype=np.int32)[ids]
        rows = np.frombuffer(self._row_tokens, dtype=np.int32).reshape(-1, MAX_TOKENS)[first_rows]
        support = support - SHORTER_FIRST * (rows >= 0).sum(axis=1)  # words in the first reading
        order = np.lexsort((ids, -support))  # best supported first, then the older name
        ids, support = ids[order], support[order]
        if len(ids) > limit:  # all those tied with the last one kept, unless there are too many
            tied = int(np.count_nonzero(support >= support[limit - 1]))
            ids = ids[: tied if tied <= 2 * limit else limit]
        found = ids.tolist()
        return found + [n for n in same_document if n not in found]

    @staticmethod
    def _reading_support(words: _QueryWords, best: np.ndarray) -> np.ndarray:
        """Each name's support from each reading: the sum over the reading's words of the best key
        of each word the name holds, where two adjacent words run together (`Song-ha`, a name's
        `Songha`) count once, by that key, in place of the two if that is more.

        `best[t]` is each name's best weight among term `t`'s keys. A word counts once however many
        of its keys a name holds; two words run together count once because the key's weight
        already says how rare the pair is (`Seonhai Jeon` is also read `se on hai jeon`, and a
        `Ha Jun-seon` holding `seon`, counted for both `se` and `on`, outranked `Jeon Seonhui`).
        The sums are those of the best way to read the words as single and run-together ones,
        worked out word by word."""
        words_best = best[words.words]  # (reading, word, name)
        before = np.zeros((len(words.words), best.shape[1]), dtype=np.float32)  # up to the word before
        if words_best.shape[1] == 0:
            return before
        current = words_best[:, 0]
        for position in range(1, words_best.shape[1]):
            apart = current + words_best[:, position]
            together = before + best[words.joined[:, position - 1]]
            before, current = current, np.maximum(apart, together)
        return current

    def screen(self, record: ScreenRecord, threshold: float | None = None, limit: int = 10) -> list[Hit]:
        """Hits for one record, best first (at the weights' own threshold unless given one)."""
        return self.screen_query(prepare(record), threshold, limit)

    def screen_query(self, query: Query, threshold: float | None = None, limit: int = 10) -> list[Hit]:
        return self.screen_many([query], threshold, limit)[0]

    def screen_records(
        self, records: Sequence[ScreenRecord], threshold: float | None = None
    ) -> list[Screened]:
        """Read and screen records; one without letters in its name has no hits and says why."""
        queries = [prepare(record) for record in records]
        found = self.screen_many(queries, threshold)
        return [Screened(q.record, hits, q.problems) for q, hits in zip(queries, found, strict=True)]

    def screen_many(
        self, queries: Sequence[Query], threshold: float | None = None, limit: int = 10
    ) -> list[list[Hit]]:
        """Hits for each prepared record, best first; the names of `STACK_ROWS` records at a time
        are compared in one NumPy stack (more would only take memory)."""
        found: list[list[Hit]] = []
        for start in range(0, len(queries), STACK_ROWS):
            stack = queries[start : start + STACK_ROWS]
            for query, matches in zip(stack, self.name_matches_many(stack), strict=True):
                found.append(self.score(query, matches, threshold, limit))
        return found

    def name_matches(self, query: Query, use_dates: bool = True) -> list[NameMatch]:
        """Subjects whose best name is alike enough, with that name's similarity.

        `use_dates=False` leaves in the namesakes born in other years (to study the scoring).
        """
        return self.name_matches_many([query], use_dates)[0]

    def name_matches_many(self, queries: Sequence[Query], use_dates: bool = True) -> list[list[NameMatch]]:
        """`name_matches` for many records: every (record, candidate name) pair is compared in one
        stack — each reading of the record against each reading of the name (`greedy_alignment`),
        then the words run together where the tokens did not align well."""
        local_ids: dict[Token, int] = {}  # the records' words, numbered in this stack
        rows: list[tuple[list[int], list[float]]] = []
        pair_query: list[int] = []
        pair_name: list[int] = []
        for number, query in enumerate(queries):
            for reading in query.readings:
                for token in reading:
                    local_ids.setdefault(token, len(local_ids))
                rows.append(reading_row(reading, local_ids))
            if query.readings:
                names = self.candidates(query, use_dates=use_dates)
                pair_query += [number] * len(names)
                pair_name += names
        matches: list[dict[int, NameMatch]] = [{} for _ in queries]
        if pair_name:
            similarity, best_reading = self._similarity(
                queries, np.array(pair_query), np.array(pair_name), list(local_ids), rows
            )
            for k in np.flatnonzero(similarity >= NAME_FLOOR).tolist():
                subject_id = self._name_subject[pair_name[k]]
                best = matches[pair_query[k]]
                if subject_id >= 0 and similarity[k] > best.get(subject_id, _NO_MATCH).similarity:
                    best[subject_id] = NameMatch(
                        subject_id, float(similarity[k]), pair_name[k], int(best_reading[k])
                    )
        return [list(found.values()) for found in matches]

    def _similarity(
        self,
        queries: Sequence[Query],
        queried: np.ndarray,
        named: np.ndarray,
        query_tokens: list[Token],
        rows: list[tuple[list[int], list[float]]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Name similarity of each (query, name) pair, and the name's reading that gave it.

        `rows` are the queries' readings one after another as token ids into `query_tokens`.
        """
        query_tokens_rows = np.array([ids for ids, _ in rows], dtype=np.int32)
        query_weight_rows = np.array([weights for _, weights in rows])
        known = np.array([self._token_ids.get(t, -1) for t in query_tokens], dtype=np.int64)
        query_row_count = np.array([len(q.readings) for q in queries])
        query_first_row = np.concatenate(([0], np.cumsum(query_row_count)[:-1]))
        # one row per (pair, name reading, query reading), the name's readings outermost
        name_count = np.frombuffer(self._name_row_count, dtype=np.int32)[named]
        query_count = query_row_count[queried]
        per_pair = name_count * query_count
        starts = np.concatenate(([0], np.cumsum(per_pair)[:-1]))
        owner = np.repeat(np.arange(len(named)), per_pair)
        within = np.arange(len(owner)) - starts[owner]
        name_reading = within // query_count[owner]
        name_row = np.frombuffer(self._name_first_row, dtype=np.int32)[named][owner] + name_reading
        query_row = query_first_row[queried][owner] + within % query_count[owner]
        subject_tokens = np.frombuffer(self._row_tokens, dtype=np.int32).reshape(-1, MAX_TOKENS)[name_row]
        subject_weights = np.frombuffer(self._row_weights, dtype=np.float32).reshape(-1, MAX_TOKENS)[name_row]
        record_tokens = query_tokens_rows[query_row]
        record_weights = query_weight_rows[query_row]
        width_q = int((record_tokens >= 0).sum(axis=1).max())
        width_s = int((subject_tokens >= 0).sum(axis=1).max())
        record_tokens, record_weights = record_tokens[:, :width_q], record_weights[:, :width_q]
        subject_tokens, subject_weights = subject_tokens[:, :width_s], subject_weights[:, :width_s]
        left = np.broadcast_to(record_tokens[:, :, None], (len(owner), width_q, width_s))
        right = np.broadcast_to(subject_tokens[:, None, :], (len(owner), width_q, width_s))
        present = (left >= 0) & (right >= 0)
        similarities = np.zeros(present.shape, dtype=np.float32)
        similarities[present] = self._similarities.lookup(
            left[present], right[present], query_tokens, known, self._tokens
        )
        aligned = greedy_alignment(similarities, record_weights, subject_weights.astype(np.float64))
        best = np.maximum.reduceat(aligned, starts)
        first_best = np.flatnonzero(aligned == best[owner])
        rows_of_best, at = np.unique(owner[first_best], return_index=True)
        reading = np.zeros(len(named), dtype=np.int64)
        reading[rows_of_best] = name_reading[first_best[at]]
        return self._joined(queries, best, queried, named), reading

    def _joined(
        self, queries: Sequence[Query], best: np.ndarray, queried: np.ndarray, named: np.ndarray
    ) -> np.ndarray:
        """Raise each similarity to that of the words run together, where the tokens fell short."""
        need = np.flatnonzero(best < JOINED_FACTOR)
        query_forms = [form for query in queries for form in query.joined]
        query_count = np.array([len(query.joined) for query in queries])
        query_first = np.concatenate(([0], np.cumsum(query_count)[:-1]))
        name_count = np.frombuffer(self._name_joined_count, dtype=np.int32)[named[need]]
        per_pair = query_count[queried[need]] * name_count
        if not per_pair.sum():
            return best
        starts = np.concatenate(([0], np.cumsum(per_pair)[:-1]))
        owner = np.repeat(np.arange(len(need)), per_pair)
        within = np.arange(len(owner)) - starts[owner]
        left = query_first[queried[need]][owner] + within // name_count[owner]
        right = (
            np.frombuffer(self._name_first_joined, dtype=np.int32)[named[need]][owner]
            + within % name_count[owner]
        )
        # Levenshtein similarity is at most the ratio of the lengths: skip pairs that could not count
        query_length = np.array([len(form) for form in query_forms])[left]
        name_length = np.frombuffer(self._joined_length, dtype=np.int16)[right]
        ceiling = (
            JOINED_FACTOR * np.minimum(query_length, name_length) / np.maximum(query_length, name_length)
        )
        worth = ceiling >= np.maximum(best[need[owner]], NAME_FLOOR)
        left, right, owner = left[worth], right[worth], owner[worth]
        forms = self._joined_forms
        scores = joined_similarity(
            [query_forms[i] for i in left.tolist()],
            [forms[i] for i in right.tolist()],
            NAME_FLOOR / JOINED_FACTOR,
        )
        raised = best.copy()
        np.maximum.at(raised, need[owner], scores)
        return raised

    def score(
        self,
        query: Query,
        matches: Iterable[NameMatch],
        threshold: float | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        """Score name matches with the record's other features; hits at or above the threshold.

        A subject's `rivals` are the other subjects as alike in name (0.95 or more) whose birth
        date does not rule them out: a record that fits one subject alone points at that one.
        """
        threshold = self.weights.threshold if threshold is None else threshold
        found = [(m, s) for m in matches if (s := self._subjects.get(m.subject_id)) is not None]
        dates = [date_feature(query.birth_date, s.birth_dates, self.weights) for _, s in found]
        plausible = [
            m.similarity >= RIVAL_SIMILARITY
            and d.verdict not in ("conflict", "same_year_other_day", "near_year_other_day")
            for (m, _), d in zip(found, dates, strict=True)
        ]
        alike = sum(plausible)
        weights = self.weights
        # the most the features not yet known (namesakes, the record's other fields) could add
        # (ambiguity never drops a hit under the threshold, so it is left out of the bound)
        ceiling = weights.prior + max(0.0, *weights.namesakes.values(), *weights.rivals.values())
        ceiling += self._record_ceiling(query.record)
        cut = cut_of(threshold)
        hits = []
        for (match, subject), date, is_alike in zip(found, dates, plausible, strict=True):
            rivals = alike - 1 if is_alike else alike
            known = name_weight(match.similarity, weights) + bounded(date, weights)
            if ceiling + known < cut:
                continue  # cannot reach the threshold: not worth writing the explanation
            hit = self._score(query, subject, match, date, rivals)
            if hit.score >= threshold:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, h.subject_id))
        return hits[:limit]

    def _record_ceiling(self, record: ScreenRecord) -> float:
        """The most nationality, document number and gender can add for this record."""
        weights = self.weights
        given = (
            (record.nationality, (weights.nationality_same, weights.nationality_other)),
            (normalise_document(record.document_number), (weights.document_same, weights.document_other)),
            (normalise_gender(record.gender), (weights.gender_same, weights.gender_other)),
        )
        return sum(max(0.0, *pair) for value, pair in given if value and str(value).strip())

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
        score, counted = bounded_score(features, weights)
        return Hit(
            record.record_id,
            subject.entry.id,
            round(score, 6),
            matched,
            counted,
            subject.fingerprint,
            ambiguous=rivals + 1,
        )

    # -- size --------------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        return {
            "subjects": len(self._subjects),
            "names": self.name_count,
            "keys": len(self._postings),
            "postings": sum(len(p) for p in self._postings.values()),
            "distinct_tokens": len(self._tokens),
            "similarities_cached": len(self._similarities),
        }
