"""An invalid vocabulary file stops the start with the file, line and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.core.security.policy import PolicyFile
from liaison.core.vocab import VocabularyError, load_vocabulary


def test_unknown_role_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("roles:\n  admin: {en: A, vi: B}\nactions:\n  x.read: [admin, king]\n")
    with pytest.raises(VocabularyError, match=r"policy.yaml:\d+: .*unknown roles \['king'\]"):
        load_vocabulary(path, PolicyFile)


def test_missing_field_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("roles:\n  admin: {en: A}\nactions: {}\n")
    with pytest.raises(VocabularyError, match=r"policy.yaml:2: roles.admin.vi: Field required"):
        load_vocabulary(path, PolicyFile)


def test_broken_yaml_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("roles:\n  admin: [unclosed\n")
    with pytest.raises(VocabularyError, match=r"policy.yaml:\d+: not valid YAML"):
        load_vocabulary(path, PolicyFile)
