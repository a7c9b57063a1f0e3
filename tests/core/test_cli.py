"""The `liaison` command: users, tokens, one-line reasons and non-zero exits on failure."""

from __future__ import annotations

import os
import subprocess
import sys

from fastapi.testclient import TestClient
from sqlalchemy import Engine


def _liaison(engine: Engine, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIAISON_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


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
