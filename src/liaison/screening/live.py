"""The live index: built from the subjects' tables at start-up, kept current as subjects change.

`build_index(engine)` reads every subject that is still sought (status `sought` or `located`)
into a `ScreeningIndex`. `watch(engine, index)` then keeps it current without a rebuild: SQLAlchemy
session events note which subjects a transaction touched — ORM objects of the subjects' tables in
`after_flush`, and the bulk statements the subjects import uses in `do_orm_execute` — and after
the commit `on_subject_changed` reloads just those subjects into the index (or removes them).
Nothing in the subjects capability had to change for this; it can also call
`on_subject_changed(engine, ids)` itself.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, selectinload

from liaison.screening.engine import ScreeningIndex, SubjectEntry
from liaison.subjects.models import (
    Subject,
    SubjectBirthDate,
    SubjectDocument,
    SubjectName,
    SubjectNationality,
)

SCREENED_STATUSES = ("sought", "located")
WATCHED = (Subject, SubjectName, SubjectBirthDate, SubjectNationality, SubjectDocument)
WATCHED_TABLES = frozenset(model.__tablename__ for model in WATCHED)
_CHANGED = "screening_changed_subjects"
_EVERYTHING = -1
_NEW = -2

_indexes: weakref.WeakKeyDictionary[Engine, ScreeningIndex] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
_listening = False


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
    """A fresh index of every subject still sought."""
    with Session(engine) as session:
        return index_of_session(session)


def index_of_session(session: Session) -> ScreeningIndex:
    """An index of every subject still sought as this session sees them (its own changes included)."""
    index = ScreeningIndex()
    for subject in _load(session):
        if subject.status in SCREENED_STATUSES:
            index.upsert(entry_of(subject))
    return index


def refresh(engine: Engine, index: ScreeningIndex, ids: Iterable[int] | None) -> None:
    """Bring the given subjects (None: all) in the index up to date with the database."""
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


def on_subject_changed(engine: Engine, subject_ids: Iterable[int] | None) -> None:
    """Reload these subjects (None: every subject) into the index kept for this engine, if any."""
    index = _indexes.get(engine)
    if index is not None:
        refresh(engine, index, subject_ids)


def index_for(engine: Engine) -> ScreeningIndex | None:
    return _indexes.get(engine)


def watch(engine: Engine, index: ScreeningIndex) -> None:
    """Keep `index` current with every transaction committed on `engine`."""
    global _listening
    _indexes[engine] = index
    if not _listening:
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _listening = True


def _note(session: Session, subject_id: Any) -> None:
    changed = session.info.setdefault(_CHANGED, set())
    changed.add(subject_id if isinstance(subject_id, int) else _EVERYTHING)


def _new_subject_ids(engine: Engine, index: ScreeningIndex) -> set[int]:
    """Subjects created since the index last saw one (ids only grow)."""
    newest = max(index.subject_ids(), default=0)
    with Session(engine) as session:
        return set(session.scalars(select(Subject.id).where(Subject.id > newest)))


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Subject):
            _note(session, instance.id)
        elif isinstance(instance, WATCHED):
            _note(session, getattr(instance, "subject_id", None))


def _do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is None or getattr(table, "name", "") not in WATCHED_TABLES:
        return
    key = "id" if table.name == Subject.__tablename__ else "subject_id"
    parameters = state.parameters
    rows = parameters if isinstance(parameters, list) else [parameters] if parameters else []
    found = [row.get(key) for row in rows if isinstance(row, dict)]
    if found and all(isinstance(value, int) for value in found) and not state.is_delete:
        for value in found:
            _note(state.session, value)
    elif found and state.is_insert and key == "id" and all(value is None for value in found):
        _note(state.session, _NEW)  # new subjects: their ids are not known yet
    else:  # a statement we cannot attribute to subjects (a delete by condition ...): refresh all
        _note(state.session, _EVERYTHING)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the changes count once the whole transaction commits
    changed: set[int] = session.info.pop(_CHANGED, set())
    if not changed:
        return
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
    if engine is None or engine not in _indexes:
        return
    if _EVERYTHING in changed:
        on_subject_changed(engine, None)
        return
    if _NEW in changed:
        changed = (changed - {_NEW}) | _new_subject_ids(engine, _indexes[engine])
    on_subject_changed(engine, changed)


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
