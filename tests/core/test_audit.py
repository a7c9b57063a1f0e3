"""The audit trail is hash-chained: any change, deletion or insertion is found."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import Engine, text

from liaison.core import audit
from liaison.core.db import unit_of_work
from tests.conftest import make_account


def _events(engine: Engine, count: int) -> None:
    """`count` events in one transaction, then linked into the chain (as the chainer does soon)."""
    with unit_of_work(engine) as session:
        for n in range(count):
            audit.record(session, "tester", "update", "thing", n, before={"v": n}, after={"v": n + 1})
    audit.chain_pending(engine)


def _verify(engine: Engine) -> audit.ChainReport:
    with unit_of_work(engine) as session:
        return audit.verify_chain(session)


def test_intact_chain_verifies(engine: Engine) -> None:
    _events(engine, 5)
    report = _verify(engine)
    assert report.is_intact and report.events == 5


def test_changed_row_is_named(engine: Engine) -> None:
    _events(engine, 5)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = 3"))
    report = _verify(engine)
    assert report.first_broken_seq == 3


def test_deleted_middle_row_is_found(engine: Engine) -> None:
    _events(engine, 5)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    assert _verify(engine).first_broken_seq == 2


def test_deleted_newest_row_is_found(engine: Engine) -> None:
    _events(engine, 5)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event WHERE seq = 5"))
    assert _verify(engine).first_broken_seq == 5


def test_secrets_are_redacted_in_differences(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        event = audit.record(
            session,
            "t",
            "update",
            "user",
            1,
            before={"password_hash": "a", "role": "officer"},
            after={"password_hash": "b", "role": "admin"},
        )
        assert event.changes == {"password_hash": ["[redacted]", "[redacted]"], "role": ["officer", "admin"]}


def test_cli_verify_exits_non_zero_naming_the_broken_row(engine: Engine) -> None:
    make_account(engine, "officer")
    _events(engine, 3)
    env = {**os.environ, "LIAISON_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "liaison", "audit", "verify"]
    intact = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert intact.returncode == 0, intact.stderr
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET detail = 'edited' WHERE seq = 2"))
    broken = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert broken.returncode == 1
    assert "event 2" in broken.stderr


def test_api_lists_events_for_auditors_filtered_by_user(client, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    auditor = accounts_by_role["auditor"]
    response = client.get("/api/v1/audit", params={"actor": "test"}, headers=auditor.headers)
    assert response.status_code == 200
    events = response.json()
    assert events and {e["actor"] for e in events} == {"test"}
    assert client.get("/api/v1/audit", headers=accounts_by_role["officer"].headers).status_code == 403


def test_an_undeclared_action_word_is_refused_and_nothing_is_written(engine: Engine) -> None:
    with pytest.raises(audit.UndeclaredAction, match=r"audit_actions\.yaml"), unit_of_work(engine) as session:
        audit.record(session, "t", "frobnicate", "user", 1)
    assert _verify(engine).events == 0
