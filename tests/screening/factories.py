"""Small factories for screening tests: subjects and records for the pure engine."""

from __future__ import annotations

from liaison.screening.engine import ScreeningIndex, ScreenRecord, SubjectEntry


def subject(subject_id: int, *names: str, born: str | None = None, **fields: object) -> SubjectEntry:
    return SubjectEntry(subject_id, names, (born,) if born else (), **fields)  # type: ignore[arg-type]


def index_of(*entries: SubjectEntry) -> ScreeningIndex:
    index = ScreeningIndex()
    index.add_many(entries)
    return index


def record(name: str, born: str | None = None, record_id: str = "r1", **fields: str) -> ScreenRecord:
    return ScreenRecord(record_id, name, born, **fields)
