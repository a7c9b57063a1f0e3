"""The pace of a long job: a mean rate since its worker began, not counting what was done before
it took over, and the time the rest takes at that rate; nothing before there is anything to time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from liaison.core.progress import current_pace


def test_the_rate_counts_only_what_was_done_since_the_start_and_the_time_left_follows() -> None:
    began = datetime.now(UTC) - timedelta(seconds=10)
    pace = current_pace(done=1_500, total=5_500, since=began, done_before=1_000)
    assert pace.rate == pytest.approx(50, rel=0.05)  # 500 records in 10 s, not 1,500
    assert pace.seconds_left == pytest.approx(4_000 / pace.rate)


def test_a_naive_start_is_read_as_utc_and_an_unknown_total_leaves_no_time_left() -> None:
    began = (datetime.now(UTC) - timedelta(seconds=4)).replace(tzinfo=None)  # as SQLite gives it back
    pace = current_pace(done=400, total=None, since=began)
    assert pace.rate == pytest.approx(100, rel=0.05) and pace.seconds_left is None


@pytest.mark.parametrize(
    ("done", "began_ago"),
    [(0, timedelta(seconds=5)), (300, None), (300, timedelta(minutes=-1))],
    ids=["nothing done yet", "not started", "clock ahead"],
)
def test_nothing_is_estimated_before_there_is_something_to_time(
    done: int, began_ago: timedelta | None
) -> None:
    since = None if began_ago is None else datetime.now(UTC) - began_ago
    pace = current_pace(done=done, total=1_000, since=since)
    assert pace.rate is None and pace.seconds_left is None
