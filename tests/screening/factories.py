"""Small factories for screening tests: subjects and records for the pure engine, and a restricted
person sought in the database."""

from __future__ import annotations

from sqlalchemy import Engine

from liaison.core.db import unit_of_work
from liaison.core.security.policy import SystemActor
from liaison.screening.engine import ScreeningIndex, ScreenRecord, SubjectEntry
from liaison.subjects.schemas import DocumentIn, NameIn, SubjectIn
from liaison.subjects.service import create_subject


def subject(subject_id: int, *names: str, born: str | None = None, **fields: object) -> SubjectEntry:
    return SubjectEntry(subject_id, names, (born,) if born else (), **fields)  # type: ignore[arg-type]


def index_of(*entries: SubjectEntry) -> ScreeningIndex:
    index = ScreeningIndex()
    index.add_many(entries)
    return index


def record(name: str, born: str | None = None, record_id: str = "r1", **fields: str) -> ScreenRecord:
    return ScreenRecord(record_id, name, born, **fields)


RESTRICTED_NAME = "Phạm Văn Đồng"
RESTRICTED_BORN = "1950-02-02"
RESTRICTED_PASSPORT = "C7654321"


def restricted_subject(engine: Engine, code: str = "H3", unit: str = "fugitives") -> int:
    """A person sought of `unit` under `code`, from a partner's list (source and source id), with
    every kind of particular screening compares: names, birth date, nationality, passport, gender."""
    owner = SystemActor(username=f"{unit}-owner", role="officer", unit=unit)
    data = SubjectIn(
        names=[NameIn(full_name=RESTRICTED_NAME)],
        birth_dates=[RESTRICTED_BORN],
        nationalities=["LA"],
        documents=[DocumentIn(number=RESTRICTED_PASSPORT, country="VN")],
        gender="male",
        description="scar above the left eye",
        handling_code=code,
        owning_unit=unit,
    )
    with unit_of_work(engine) as session:
        subject = create_subject(session, owner, data)
        subject.source, subject.source_id = "fugitives-list", "FUG-2024-0042"
        return int(subject.id)


def agency_pair(engine: Engine, partner: str, country: str, kind: str) -> tuple[int, int]:
    """Our ministry and a partner agency: the two ends of a request opened from a hit."""
    from tests.requests.factories import agency

    with unit_of_work(engine) as session:
        ours = agency(session, "Ministry of Public Security", "VN", "interior").id
        return ours, agency(session, partner, country, kind).id
