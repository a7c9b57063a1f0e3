"""The `liaison` command: users, tokens, one-line reasons and non-zero exits on failure."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.core import accounts
from liaison.core.db import unit_of_work, utcnow
from liaison.core.errors import Locked, Unauthenticated
from tests.conftest import make_account


def _liaison(engine: Engine, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LIAISON_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "COLUMNS": "200",  # tables at full width, so a test can find a whole cell
    }
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    """SQLite only: the command line is the subject; the services it calls are tested on both."""
    return sqlite_engine


def test_user_added_from_stdin_gets_a_working_token(engine: Engine, client: TestClient) -> None:
    added = _liaison(
        engine, "user", "add", "minh.le", "--role", "officer", "--password-stdin", stdin="a long password\n"
    )
    assert added.returncode == 0, added.stderr
    created = _liaison(engine, "token", "create", "minh.le", "--expires", "30")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip().splitlines()[-1]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == "minh.le"
    token_id = created.stdout.split()[1]
    assert _liaison(engine, "token", "revoke", token_id).returncode == 0
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_failure_is_one_line_and_non_zero(engine: Engine) -> None:
    result = _liaison(engine, "user", "add", "x y", "--role", "emperor", "--password-stdin", stdin="short\n")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error:")
    assert "Traceback" not in result.stderr


def test_token_for_unknown_user_fails_cleanly(engine: Engine) -> None:
    result = _liaison(engine, "token", "create", "nobody")
    assert result.returncode == 1 and "No user named 'nobody'" in result.stderr


def test_every_command_documents_itself() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "liaison", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for command in ("init", "serve", "db", "user", "token", "audit", "backup", "restore"):
        assert command in result.stdout


def test_user_password_from_stdin_replaces_the_old_one(engine: Engine, client: TestClient) -> None:
    account = make_account(engine, "officer")
    changed = _liaison(
        engine, "user", "password", account.username, "--password-stdin", stdin="a new long passphrase\n"
    )
    assert changed.returncode == 0, changed.stderr
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, account.username, "a new long passphrase")
        with pytest.raises(Unauthenticated):
            accounts.authenticate(session, account.username, account.password)


def test_user_password_refuses_a_weak_one_and_keeps_the_old(engine: Engine) -> None:
    account = make_account(engine, "officer")
    refused = _liaison(
        engine, "user", "password", account.username, "--password-stdin", stdin="password1234\n"
    )
    assert refused.returncode == 1 and "too easy to guess" in refused.stderr
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, account.username, account.password)


def test_user_password_takes_no_password_argument(engine: Engine) -> None:
    account = make_account(engine, "officer")
    result = _liaison(engine, "user", "password", account.username, "a new long passphrase")
    assert result.returncode != 0
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, account.username, account.password)


def test_user_unlock_lets_a_locked_user_sign_in_and_list_shows_the_lock(engine: Engine) -> None:
    account = make_account(engine, "analyst")
    locked_until = utcnow() + timedelta(minutes=15)
    with unit_of_work(engine) as session:
        accounts.get_user(session, account.username).locked_until = locked_until
    listed = _liaison(engine, "user", "list")
    assert "locked until" in listed.stdout and f"{locked_until:%Y-%m-%d %H:%M}" in listed.stdout
    with pytest.raises(Locked), unit_of_work(engine) as session:
        accounts.authenticate(session, account.username, account.password)
    unlocked = _liaison(engine, "user", "unlock", account.username)
    assert unlocked.returncode == 0, unlocked.stderr
    with unit_of_work(engine) as session:
        assert accounts.authenticate(session, account.username, account.password)


def test_user_added_with_an_email_is_listed_with_it(engine: Engine) -> None:
    added = _liaison(
        engine,
        "user",
        "add",
        "hanh.vu",
        "--role",
        "officer",
        "--email",
        "hanh.vu@mps.example",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "hanh.vu@mps.example" in _liaison(engine, "user", "list").stdout
    refused = _liaison(
        engine,
        "user",
        "add",
        "minh.do",
        "--role",
        "officer",
        "--email",
        "minh.do@",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert refused.returncode == 1 and "is not valid" in refused.stderr


def test_serve_with_several_processes_on_a_taken_port_says_so_and_exits(engine: Engine) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _liaison(engine, "serve", "--port", str(port), "--workers", "2")
    assert done.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}: Address already in use." in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
