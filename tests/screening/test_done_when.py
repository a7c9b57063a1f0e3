"""The pairs issue 6 names, each way round: they match (and alert), and a namesake born 1970 does
not alert on a subject born 1995."""

from __future__ import annotations

import pytest

from liaison.screening.engine import DEFAULT_THRESHOLD
from tests.screening.factories import index_of, record, subject

PAIRS = [
    ("Nguyễn Văn An", "Nguyen Van An"),
    ("Nguyễn Văn An", "An Nguyen Van"),
    ("Nguyen Van An", "An Nguyen Van"),
    ("Колокольцев Владимир", "Kolokoltsev Vladimir"),
    ("王小洪", "Wang Xiaohong"),
    ("阮富仲", "Nguyễn Phú Trọng"),
    ("Нгуен Фу Чонг", "Nguyen Phu Trong"),
]
DISTRACTORS = (
    subject(11, "Nguyễn Văn Anh", born="1960-01-02"),
    subject(12, "Колобов Владислав", born="1960-01-02"),
    subject(13, "王小红", born="1960-01-02"),
    subject(14, "Nguyễn Phú Thanh", born="1960-01-02"),
)


@pytest.mark.parametrize(("stored", "screened"), PAIRS + [(b, a) for a, b in PAIRS])
def test_named_pair_matches_and_alerts(stored: str, screened: str) -> None:
    index = index_of(subject(1, stored, born="1960-01-02"), *DISTRACTORS)
    hits = index.screen(record(screened, "1960-01-02"))
    assert hits and hits[0].subject_id == 1 and hits[0].score >= DEFAULT_THRESHOLD
    assert float(hits[0].features[0].verdict) >= 0.95  # the names themselves are read as the same


@pytest.mark.parametrize(("stored", "screened"), PAIRS)
def test_named_pair_is_the_same_name_even_without_a_birth_date(stored: str, screened: str) -> None:
    (best, *_) = index_of(subject(1, stored), *DISTRACTORS).screen(record(screened), threshold=0.0)
    assert best.subject_id == 1 and float(best.features[0].verdict) >= 0.95


def test_nguyen_van_an_born_1970_does_not_alert_on_a_subject_born_1995() -> None:
    index = index_of(subject(1, "Nguyễn Văn An", born="1995"))
    assert index.screen(record("Nguyen Van An", "1970")) == []
    assert index.screen(record("Nguyen Van An", "1970-06-01", nationality="VN")) == []
