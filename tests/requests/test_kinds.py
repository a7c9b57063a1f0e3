"""The request-kinds vocabulary: the shipped file validates, and mistakes are named with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.core.vocab import VocabularyError
from liaison.requests.kinds import KINDS_FILE, load_kinds

REQUIRED_KINDS = {
    "extradition",
    "provisional_arrest",
    "transfer_of_sentenced_persons",
    "mla_evidence",
    "mla_service_of_documents",
    "mla_search_and_seizure",
    "mla_freezing_and_confiscation",
    "information_request",
    "locate_person",
    "asset_tracing",
    "joint_investigation",
}


def test_shipped_vocabulary_declares_every_kind_the_issue_names() -> None:
    assert set(load_kinds().kinds) >= REQUIRED_KINDS


def test_default_clocks_match_the_agreed_periods() -> None:
    kinds = load_kinds().kinds
    assert kinds["provisional_arrest"].clocks["formal_request"].days == 60
    answer = kinds["information_request"].clocks["answer"]
    assert (answer.period("urgent"), answer.period("standard")) == (3, 7)
    mla = kinds["mla_evidence"].clocks
    assert (mla["acknowledgement"].days, mla["decision"].days, mla["execution"].days) == (7, 30, 90)
    assert mla["acknowledgement"].day_kind == "working"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = KINDS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "request_kinds.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_transition_to_an_undeclared_state_stops_the_start(tmp_path: Path) -> None:
    path = _broken(tmp_path, "to: submitted, roles", "to: sent_by_pigeon, roles")
    with pytest.raises(VocabularyError, match="sent_by_pigeon"):
        load_kinds(path)


def test_unknown_role_is_named_with_file_and_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, "roles: [admin, supervisor, officer], checks", "roles: [admin, janitor], checks")
    with pytest.raises(VocabularyError, match=r"request_kinds.yaml:\d+:.*janitor"):
        load_kinds(path)


def test_adding_a_kind_needs_no_code(tmp_path: Path) -> None:
    extra = """
  witness_protection:
    en: Witness protection
    vi: Bảo vệ người làm chứng
    covered_by: [mutual_legal_assistance]
    workflows: {outgoing: outgoing_formal, incoming: incoming_formal}
    clocks: *formal_clocks
"""
    path = tmp_path / "request_kinds.yaml"
    path.write_text(KINDS_FILE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    assert "witness_protection" in load_kinds(path).kinds
