"""The live index: built from the subjects' tables at start-up, kept current as subjects change.

`build_index(engine)` reads every subject that is still sought (status `sought` or `located`)
into a `ScreeningIndex`. `watch(engine, index)` then keeps it current without a rebuild: the
subjects service publishes `SubjectChanged` from every write path (one edit, a bulk import), and
screening's `Capability` subscribes `on_subjects_changed` after commit, which reloads just those
subjects into the index of that engine (or removes them). Changes committed by other processes
reach it through the subject change log (`changelog.py`, followed by `follow.Follower`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from liaison.core.events import SubjectChanged
from liaison.screening.engine import ScreeningIndex, SubjectEntry
from liaison.screening.scoring import installed_weights
from liaison.subjects.models import Subject

SCREENED_STATUSES = ("sought", "located")

_indexes: weakref.WeakKeyDictionary[Engine, ScreeningIndex] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_refreshing = threading.Lock()
REFRESH_CHUNK = 5000  # subjects read per query (SQLite takes at most 32,766 parameters)


def entry_of(subject: Subject) -> SubjectEntry:
    return SubjectEntry(
        id=subject.id,
        names=tuple(n.full_name for n in subject.names),
        birth_dates=tuple(d.value for d in subject.birth_dates),  # a range is compared as a range
        nationalities=tuple(n.country for n in subject.nationalities),
        documents=tuple(d.number for d in subject.documents),
        gender=subject.gender if subject.gender in ("male", "female", "m", "f") else None,
    )


def _load(session: Session, ids: Iterable[int] | None = None) -> list[Subject]:
    query = select(Subject).options(
        selectinload(Subject.names),
        selectinload(Subject.birth_dates),
        selectinload(Subject.nationalities),
        selectinload(Subject.documents),
    )
    if ids is not None:
        query = query.where(Subject.id.in_(list(ids)))
    return list(session.scalars(query.execution_options(yield_per=2000)))


def build_index(engine: Engine) -> ScreeningIndex:
    """A fresh index of every subject still sought, scoring with this installation's weights."""
    with Session(engine) as session:
        return index_of_session(session)


def index_of_session(session: Session) -> ScreeningIndex:
    """An index of every subject still sought as this session sees them (its own changes included)."""
    index = ScreeningIndex(installed_weights())
    for subject in _load(session):
        if subject.status in SCREENED_STATUSES:
            index.upsert(entry_of(subject))
    return index


def refresh(engine: Engine, index: ScreeningIndex, ids: Iterable[int] | None) -> None:
    """Bring the given subjects (None: all) in the index up to date with the database.

    One refresh at a time, reading and applying under one lock: two refreshes of one subject (this
    process's own change after commit, another's from the change log) cannot apply an older read
    over a newer one."""
    with _refreshing:
        if ids is None:
            _refresh(engine, index, None)
            return
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), REFRESH_CHUNK):
            _refresh(engine, index, wanted[start : start + REFRESH_CHUNK])


def _refresh(engine: Engine, index: ScreeningIndex, ids: list[int] | None) -> None:
    with Session(engine) as session:
        subjects = _load(session, ids)
        entries = {s.id: entry_of(s) if s.status in SCREENED_STATUSES else None for s in subjects}
    with _lock:
        wanted = set(entries) if ids is not None else set(entries) | set(index.subject_ids())
        if ids is not None:
            wanted |= set(ids)
        for subject_id in wanted:
            entry = entries.get(subject_id)
            if entry is None:
                index.remove(subject_id)
            elif index.fingerprint(subject_id) != entry.fingerprint():
                index.upsert(entry)


@contextmanager
def writing() -> Iterator[None]:
    """Hold off every change to this process's indexes (while one is pickled to be saved)."""
    with _refreshing, _lock:
        yield


def on_subject_changed(engine: Engine, subject_ids: Iterable[int] | None) -> None:
    """Reload these subjects (None: every subject) into the index kept for this engine, if any."""
    index = _indexes.get(engine)
    if index is not None:
        refresh(engine, index, subject_ids)


def index_for(engine: Engine) -> ScreeningIndex | None:
    return _indexes.get(engine)


def watch(engine: Engine, index: ScreeningIndex) -> None:
    """Keep `index` current with every subject change committed on `engine`."""
    _indexes[engine] = index


def on_subjects_changed(engine: Engine, event: SubjectChanged) -> None:
    """After commit: bring the changed subjects into the index kept for this engine, if any."""
    on_subject_changed(engine, event.subject_ids)
