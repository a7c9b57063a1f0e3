"""`liaison backup` and `liaison restore` round-trip the database on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine

from liaison.core import accounts, audit
from liaison.core.db import unit_of_work
from tests.conftest import make_account


def _liaison(engine: Engine, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIAISON_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args], env=env, capture_output=True, text=True, check=False
    )


def test_backup_and_restore_round_trip(engine: Engine, tmp_path: Path) -> None:
    make_account(engine, "officer", username="kept.user")
    target = tmp_path / "backup.bin"
    made = _liaison(engine, "backup", str(target))
    assert made.returncode == 0, made.stderr
    make_account(engine, "analyst", username="added.later")
    restored = _liaison(engine, "restore", str(target))
    assert restored.returncode == 0, restored.stderr
    assert "audit chain intact" in " ".join(restored.stdout.split())  # Rich wraps long paths
    with unit_of_work(engine) as session:
        names = {user.username for user in accounts.list_users(session)}
        assert audit.verify_chain(session).is_intact
    assert names == {"kept.user"}


def test_backup_refuses_to_overwrite(engine: Engine, tmp_path: Path) -> None:
    target = tmp_path / "exists.bin"
    target.write_text("precious")
    result = _liaison(engine, "backup", str(target))
    assert result.returncode == 1 and "already exists" in result.stderr
    assert target.read_text() == "precious"


def test_restore_of_a_non_backup_fails_cleanly(engine: Engine, tmp_path: Path) -> None:
    make_account(engine, "officer", username="still.here")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a database at all" * 100)
    result = _liaison(engine, "restore", str(junk))
    assert result.returncode == 1 and "error:" in result.stderr
    with unit_of_work(engine) as session:
        assert "still.here" in {user.username for user in accounts.list_users(session)}
