"""SQLite writers take the one write lock in turn (`core.write_queue`): first come, first served in
a process, the processes queuing on a file lock, and nothing held that SQLite's own lock would not
hold (issue 12: the slowest requests waited seconds in SQLite's busy handler)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from liaison.core import write_queue
from liaison.core.db import make_engine
from liaison.core.write_queue import WriteQueue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path / "queue.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE entry (who TEXT)"))
    yield engine, path
    engine.dispose()


def _queue(engine: Engine) -> WriteQueue:
    queue: WriteQueue = engine.dialect.liaison_write_queue  # type: ignore[attr-defined]
    return queue


def _until(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def _turn_taken(database: Path) -> bool:
    """Whether a first in line holds the file lock (as asking SQLite for the write lock)."""
    probe = os.open(database.with_name(database.name + "-turn"), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(probe)  # closing it lets go of the lock it may have taken
    return False


def _entries(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [row.who for row in connection.execute(text("SELECT who FROM entry ORDER BY rowid"))]


def test_writers_that_wait_begin_in_the_order_they_came(database: tuple[Engine, Path]) -> None:
    engine, path = database
    queue = _queue(engine)
    holder = engine.connect()
    holder.begin()
    holder.execute(text("INSERT INTO entry VALUES ('holder')"))
    writers = []
    for n in range(6):

        def write(who: str = f"writer {n}") -> None:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO entry VALUES (:who)"), {"who": who})

        writers.append(threading.Thread(target=write))
        writers[-1].start()
        # the first asks SQLite; the others stand behind it
        _until(lambda n=n: queue.waiting == n and _turn_taken(path))
    holder.commit()
    holder.close()
    for writer in writers:
        writer.join()
    assert _entries(engine) == ["holder"] + [f"writer {n}" for n in range(6)]


def test_a_second_connection_of_a_writing_thread_is_refused_as_sqlite_would_and_the_queue_moves_on(
    database: tuple[Engine, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, _ = database
    monkeypatch.setattr(write_queue, "BUSY_SECONDS", 0.3)
    with engine.begin() as outer:
        outer.execute(text("INSERT INTO entry VALUES ('outer')"))
        with pytest.raises(OperationalError, match="database is locked"), engine.begin() as inner:
            inner.execute(text("INSERT INTO entry VALUES ('inner')"))
    with engine.begin() as after:  # nothing left holding the turn
        after.execute(text("INSERT INTO entry VALUES ('after')"))
    assert _entries(engine) == ["outer", "after"]


def test_a_writer_still_waiting_when_its_time_is_up_fails_with_database_is_locked(
    database: tuple[Engine, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, _ = database
    monkeypatch.setattr(write_queue, "BUSY_SECONDS", 0.5)
    queue = _queue(engine)
    outcomes: list[str] = []

    def write(who: str) -> None:
        try:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO entry VALUES (:who)"), {"who": who})
            outcomes.append(f"{who} wrote")
        except OperationalError as error:
            outcomes.append(f"{who}: {error.orig}")

    with engine.begin() as holder:
        holder.execute(text("INSERT INTO entry VALUES ('holder')"))
        first, second = (threading.Thread(target=write, args=(who,)) for who in ("first", "second"))
        first.start()
        _until(lambda: queue.waiting == 0 and first.is_alive())
        second.start()
        _until(lambda: queue.waiting == 1)
        first.join()
        second.join()
    assert sorted(outcomes) == ["first: database is locked", "second: database is locked"]
    assert queue.waiting == 0
    with engine.begin() as after:
        after.execute(text("INSERT INTO entry VALUES ('after')"))
    assert _entries(engine) == ["holder", "after"]


WRITER = """
import sys
from sqlalchemy import text
from liaison.core.db import make_engine

engine = make_engine(f"sqlite:///{sys.argv[1]}")
print("ready", flush=True)
with engine.begin() as connection:
    connection.execute(text("INSERT INTO entry VALUES ('other process')"))
print("wrote", flush=True)
"""


def test_another_process_waits_its_turn_on_the_file_lock_and_writes_when_the_lock_is_free(
    database: tuple[Engine, Path],
) -> None:
    engine, path = database
    with engine.begin() as holder:
        holder.execute(text("INSERT INTO entry VALUES ('this process')"))
        other = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}"},
            stdout=subprocess.PIPE,
            text=True,
        )
        assert other.stdout is not None
        assert other.stdout.readline().strip() == "ready"
        _until(lambda: _turn_taken(path))  # the other process, first in its line, asks SQLite
    assert other.stdout.readline().strip() == "wrote"
    assert other.wait(timeout=30) == 0
    assert _entries(engine) == ["this process", "other process"]
