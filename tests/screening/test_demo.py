"""The demo arrivals list, screened at `liaison init --demo`: the review queue gets the hits a
border post would expect, the namesake born in another year does not alert, and loading the demo
again adds nothing."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from liaison.core.db import unit_of_work
from liaison.screening import demo as screening_demo
from liaison.screening.models import Hit as StoredHit
from liaison.screening.models import ScreenedRecord, ScreeningRun
from liaison.subjects import demo as subjects_demo
from liaison.subjects.models import Subject


def _load(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        subjects_demo.load(session, "demo")
        screening_demo.load(session, "demo")


def test_the_demo_arrivals_alert_on_the_demo_subjects_they_are(engine: Engine) -> None:
    _load(engine)
    _load(engine)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(ScreeningRun)) == 1
        rows = session.execute(
            select(ScreenedRecord.record_id, Subject.source_id, StoredHit.score)
            .join(StoredHit, StoredHit.screened_record_id == ScreenedRecord.id)
            .join(Subject, Subject.id == StoredHit.subject_id)
        ).all()
    best: dict[str, str | None] = {}
    for record_id, subject, _ in sorted(rows, key=lambda row: row[2]):  # the best hit last
        best[record_id] = subject
    assert best == {
        "DEMO-ARR-001": "demo-1",  # capitals, no diacritics, same passport
        "DEMO-ARR-002": "demo-2",  # Kazakh name in Russian Cyrillic, family name first
        "DEMO-ARR-003": "demo-4",  # pinyin for 王示例
        "DEMO-ARR-004": "demo-5",  # Vietnamese without diacritics, dotted date
    }  # DEMO-ARR-005, the namesake born in 1995, and DEMO-ARR-006 do not alert
