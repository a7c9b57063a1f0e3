"""Request workflows stand on the one state machine of `core.vocab`: next states come from the
named transitions, and the core checks refuse a machine with a dead state."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.core.vocab import VocabularyError, allowed_next
from liaison.requests.kinds import load_kinds
from tests.requests.test_kinds import _broken


def test_next_states_are_the_transitions_targets() -> None:
    flow = load_kinds().workflows["outgoing_formal"]
    assert allowed_next(flow.states, "draft") == ["submitted", "withdrawn"]
    assert allowed_next(flow.states, "closed") == []
    assert list(flow.transitions_from("draft")) == ["submit", "withdraw"]
    assert flow.transitions_from("no_such_state") == {}


def test_a_state_with_no_way_out_that_is_not_final_stops_the_start(tmp_path: Path) -> None:
    path = _broken(tmp_path, "close: {from: [executed, refused]", "close: {from: [refused]")
    with pytest.raises(VocabularyError, match=r"request_kinds.yaml:\d+:.*'executed'.*no way out"):
        load_kinds(path)


def test_next_states_written_under_states_are_refused(tmp_path: Path) -> None:
    draft = "draft: {en: Draft, vi: Bản nháp"
    path = _broken(tmp_path, draft + "}", draft + ", next: [closed]}")
    with pytest.raises(VocabularyError, match="transitions say them"):
        load_kinds(path)
