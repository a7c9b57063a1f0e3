"""Deadline arithmetic: calendar and working days, holidays, and the time-zone boundary."""

from __future__ import annotations

from datetime import date

import pytest

from liaison.requests.deadlines import Standing, add_days, compute_due, standing
from liaison.requests.kinds import Calendar
from tests.requests.factories import at

HANOI = Calendar(time_zone="Asia/Ho_Chi_Minh", holidays=frozenset({date(2026, 9, 2), date(2026, 9, 1)}))


def test_calendar_days_count_weekends() -> None:
    assert add_days(date(2026, 3, 6), 3, "calendar", HANOI) == date(2026, 3, 9)  # Friday + 3 = Monday


def test_working_days_skip_the_weekend() -> None:
    assert add_days(date(2026, 3, 6), 3, "working", HANOI) == date(2026, 3, 11)  # Fri → Mon, Tue, Wed


def test_working_days_skip_public_holidays() -> None:
    # Friday 28 Aug 2026; Mon 31 Aug is a working day, 1 and 2 Sep are holidays.
    assert add_days(date(2026, 8, 28), 2, "working", HANOI) == date(2026, 9, 3)


def test_deadline_falls_due_at_the_end_of_the_local_day() -> None:
    due = compute_due(at("2026-03-02 03:00"), 7, "calendar", HANOI)
    assert due.due_date == date(2026, 3, 9)
    assert due.due_at == at("2026-03-09 17:00")  # midnight in Ha Noi (UTC+7)


def test_received_after_local_midnight_counts_from_the_next_local_day() -> None:
    before_midnight = compute_due(at("2026-03-02 16:59"), 3, "calendar", HANOI)  # 23:59 in Ha Noi on the 2nd
    after_midnight = compute_due(at("2026-03-02 17:01"), 3, "calendar", HANOI)  # 00:01 in Ha Noi on the 3rd
    assert before_midnight.due_date == date(2026, 3, 5)
    assert after_midnight.due_date == date(2026, 3, 6)


def test_same_instant_differs_by_time_zone() -> None:
    astana = Calendar(time_zone="Asia/Almaty")
    moscow = Calendar(time_zone="Europe/Moscow")
    instant = at("2026-03-02 20:30")  # 01:30 on the 3rd in Almaty, 23:30 on the 2nd in Moscow
    assert compute_due(instant, 1, "calendar", astana).due_date == date(2026, 3, 4)
    assert compute_due(instant, 1, "calendar", moscow).due_date == date(2026, 3, 3)


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError):
        compute_due(at("2026-03-02 03:00").replace(tzinfo=None), 1, "calendar", HANOI)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-01 00:00", Standing.running),
        ("2026-03-08 00:00", Standing.due_soon),
        ("2026-03-09 17:00", Standing.overdue),
    ],
)
def test_standing_of_a_deadline(now: str, expected: Standing) -> None:
    assert standing(at("2026-03-09 17:00"), at(now), 3) is expected


def test_met_deadline_is_met_even_when_late() -> None:
    assert standing(at("2026-03-09 17:00"), at("2026-04-01 00:00"), 3, met=True) is Standing.met
