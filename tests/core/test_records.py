"""The shared kit: one `today()` in the node's time zone, one state machine for every vocabulary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from liaison.core.errors import Conflict, Invalid
from liaison.core.records import today
from liaison.core.vocab import Status, allowed_next, check_move

MACHINE = {
    "proposed": Status(en="Proposed", vi="Đề xuất", next=["signed"]),
    "signed": Status(en="Signed", vi="Đã ký", next=["in_force"]),
    "in_force": Status(en="In force", vi="Có hiệu lực", in_force=True),
}


def test_today_is_the_local_day_not_the_utc_one() -> None:
    late_evening_utc = datetime(2025, 3, 9, 23, 30, tzinfo=UTC)
    assert today(late_evening_utc, "Asia/Ho_Chi_Minh") == date(2025, 3, 10)
    assert today(late_evening_utc, "UTC") == date(2025, 3, 9)


def test_a_move_the_machine_does_not_allow_names_the_allowed_ones() -> None:
    check_move(MACHINE, "proposed", "signed", "agreement")
    with pytest.raises(Conflict) as refused:
        check_move(MACHINE, "proposed", "in_force", "agreement")
    assert refused.value.extra == {"allowed": ["signed"], "current": "proposed"}
    with pytest.raises(Invalid):
        check_move(MACHINE, "proposed", "ratified", "agreement")
    assert allowed_next(MACHINE, "in_force") == [] and allowed_next(MACHINE, "unknown") == []


def test_a_label_speaks_the_language_asked_for() -> None:
    assert MACHINE["signed"].label("vi") == "Đã ký" and MACHINE["signed"].label("en") == "Signed"
