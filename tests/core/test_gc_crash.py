"""The SQLite server died with SIGSEGV under ordinary use (issue 12): commenting on a request with
hundreds of comments crashed the interpreter in its garbage collector. The cause is a CPython 3.11
bug that SQLAlchemy's weakly held instances walk into (docs/cpython-311-gc-crash.md); the
reproducer runs in a subprocess so that a crash fails this test instead of killing the suite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select

from liaison.core.db import unit_of_work
from liaison.requests import service
from liaison.requests.models import RequestComment
from tests.requests.factories import OFFICER, agency, request_data

ROOT = Path(__file__).resolve().parents[2]
EXISTING_COMMENTS = 1200
CALLS = 40


def _request_with_comments(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        requesting = agency(session, "Ministry of Public Security", "VN", "interior")
        requested = agency(session, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption")
        request = service.create_request(session, OFFICER, request_data(requesting, requested))
        at, author = request.created_at, OFFICER.username
        session.add_all(
            RequestComment(request_id=request.id, author=author, at=at, happened_at=at, body=f"comment {n}")
            for n in range(EXISTING_COMMENTS)
        )
        return request.id


def test_commenting_on_a_long_thread_does_not_crash_the_interpreter(engine: Engine) -> None:
    request_id = _request_with_comments(engine)
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    command = [sys.executable, "-m", "tests.core.gc_crash_reproducer", url, str(request_id), str(CALLS)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        raise AssertionError(f"the reproducer died by {name}:\n{done.stderr[-3000:]}")
    assert done.returncode == 0, done.stderr[-3000:]
    with unit_of_work(engine) as session:
        count = session.scalar(select(func.count()).where(RequestComment.request_id == request_id))
    assert count == EXISTING_COMMENTS + CALLS
