"""Graded, bounded evidence (issue 11): a date slip, another nationality or a dated record against
an undated subject lowers a score, it does not cancel an identical name; birth years far apart,
another sex or another document number of the subject still count in full; a subject born in a
range of years is compared on that range; namesakes all alert, ranked and marked ambiguous."""

from __future__ import annotations

import dataclasses

import pytest

from liaison.screening.dates import PartialDate, compare_dates, parse_partial_date
from liaison.screening.engine import DEFAULT_THRESHOLD, ScreeningIndex
from liaison.screening.scoring import WEIGHTS, is_soft, soft_cap
from tests.screening.factories import index_of, record, subject

BORN = "1975-06-14"


def _hit(index: ScreeningIndex, name: str, born: str | None = None, **fields: str):  # type: ignore[no-untyped-def]
    hits = index.screen(record(name, born, **fields), threshold=0.0)
    return next((h for h in hits if h.subject_id == 1), None)


@pytest.mark.parametrize(
    ("born", "slip"),
    [
        ("1975-07-14", "month_off"),  # the birth month off by one
        ("1975-06-17", "day_off"),
        ("1975-14-06", None),  # written day first: not a date, ignored
        ("1975-06-04", "day_off"),  # one digit of the day dropped
        ("1976-06-14", "one_year_off"),
        ("1973-06-14", "years_off"),
        ("1978-06-14", "years_off"),
    ],
)
def test_an_identical_name_with_one_date_slip_alerts(born: str, slip: str | None) -> None:
    index = index_of(subject(1, "Trần Văn Hùng", born=BORN), subject(2, "Lê Thị Mai", born=BORN))
    hits = index.screen(record("Tran Van Hung", born))
    assert hits and hits[0].subject_id == 1 and hits[0].score >= DEFAULT_THRESHOLD
    if slip:
        assert hits[0].features[3].verdict == slip


def test_day_and_month_swapped_is_a_slip_not_another_person() -> None:
    assert compare_dates(PartialDate(1975, 6, 4), PartialDate(1975, 4, 6)) == "day_month_swapped"
    assert index_of(subject(1, "Ivan Petrov", born="1975-04-06")).screen(record("Ivan Petrov", "1975-06-04"))


def test_birth_years_far_apart_still_rule_an_identical_name_out() -> None:
    index = index_of(subject(1, "Trần Văn Hùng", born=BORN))
    assert index.screen(record("Tran Van Hung", "1985-06-14")) == []
    assert index.screen(record("Tran Van Hung", "1960")) == []


def test_a_date_wrong_in_two_fields_counts_in_full() -> None:
    assert compare_dates(PartialDate(1976, 7, 14), PartialDate(1975, 6, 14)) == "near_year_other_day"
    assert compare_dates(PartialDate(1978, 7, 20), PartialDate(1975, 6, 14)) == "conflict"
    index = index_of(subject(1, "Trần Văn Hùng", born=BORN))
    two_fields = _hit(index, "Tran Van Hung", "1975-08-21")
    assert two_fields is not None and two_fields.features[3].verdict == "same_year_other_day"
    assert two_fields.features[3].weight == WEIGHTS.date["same_year_other_day"]


def test_soft_disagreements_together_take_away_at_most_the_cap() -> None:
    harsh = dataclasses.replace(
        WEIGHTS, date={**WEIGHTS.date, "month_off": -2.5}, nationality_other=-2.0
    )  # together more than the cap
    index = ScreeningIndex(harsh)
    index.upsert(subject(1, "Trần Văn Hùng", born=BORN, nationalities=("VN",)))
    hit = _hit(index, "Tran Van Hung", "1975-07-14", nationality="LA")
    assert hit is not None and hit.score >= harsh.threshold
    soft = [f for f in hit.features if is_soft(f)]
    assert {f.feature for f in soft} == {"birth_date", "nationality"}
    assert sum(f.weight for f in soft) == pytest.approx(-soft_cap(harsh))


def test_another_sex_counts_in_full() -> None:
    index = index_of(subject(1, "Trần Văn Hùng", born=BORN, gender="m"))
    other = _hit(index, "Tran Van Hung", BORN, gender="f")
    same = _hit(index, "Tran Van Hung", BORN, gender="m")
    assert other is not None and same is not None
    gender = other.features[6]
    assert gender.verdict == "different" and gender.weight == WEIGHTS.gender_other
    assert other.score < same.score


@pytest.mark.parametrize("value", ["1975..1977", "1974-03..1977"])
def test_a_subject_born_in_a_range_is_compared_on_its_range(value: str) -> None:
    assert parse_partial_date(value) == PartialDate(1974 if "03" in value else 1975, year_to=1977)
    index = index_of(subject(1, "Trần Văn Hùng", born=value))
    inside = _hit(index, "Tran Van Hung", "1976-02-03")
    assert inside is not None and inside.features[3].verdict == "in_range"
    assert inside.features[3].detail != "no birth date on the list"
    assert inside.score >= DEFAULT_THRESHOLD
    assert _hit(index, "Tran Van Hung", "1990-02-03") is None or (
        _hit(index, "Tran Van Hung", "1990-02-03").features[3].verdict == "conflict"  # type: ignore[union-attr]
    )
    assert index.screen(record("Tran Van Hung", "1990-02-03")) == []


def test_the_register_hands_screening_a_range_date() -> None:
    from liaison.screening.live import entry_of
    from liaison.subjects.models import Subject, SubjectBirthDate

    person = Subject(id=7, names=[], nationalities=[], documents=[], gender=None)
    person.birth_dates = [
        SubjectBirthDate(value="1975..1977", precision="range", year_from=1975, year_to=1977)
    ]
    assert entry_of(person).birth_dates == ("1975..1977",)


def test_three_namesakes_all_alert_ranked_and_marked_ambiguous() -> None:
    index = index_of(
        subject(1, "Nguyễn Văn Hùng", born="1970-01-01", nationalities=("VN",)),
        subject(2, "Nguyễn Văn Hùng", born="1982-05-05"),
        subject(3, "Nguyễn Văn Hùng"),
        subject(4, "Phạm Thị Lan", born="1970-01-01"),
    )
    hits = index.screen(record("Nguyen Van Hung", nationality="VN"))
    assert {h.subject_id for h in hits} == {1, 2, 3}
    assert all(h.score >= DEFAULT_THRESHOLD and h.ambiguous == 3 for h in hits)
    assert all("ambiguous: 3 subjects" in h.explanation for h in hits)
    assert hits[0].subject_id == 1  # the one whose nationality agrees comes first
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_namesake_ruled_out_by_the_date_does_not_make_the_others_ambiguous() -> None:
    index = index_of(
        subject(1, "Nguyễn Văn Hùng", born="1970-01-01"), subject(2, "Nguyễn Văn Hùng", born="1990")
    )
    (hit,) = index.screen(record("Nguyen Van Hung", "1970-01-01"))
    assert hit.subject_id == 1 and hit.ambiguous == 1


def test_scores_keep_ranking_instead_of_saturating() -> None:
    index = index_of(
        subject(1, "Trần Văn Hùng", born=BORN, nationalities=("VN",), documents=("C1234567",), gender="m")
    )
    bare = _hit(index, "Tran Van Hung")
    dated = _hit(index, "Tran Van Hung", BORN)
    rich = _hit(index, "Tran Van Hung", BORN, nationality="VN", document_number="C1234567", gender="m")
    assert bare is not None and dated is not None and rich is not None
    assert bare.score < 0.99
    assert bare.score < dated.score < rich.score
