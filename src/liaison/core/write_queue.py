"""The queue for SQLite's one write lock: threads begin their transactions first come, first served.

Every SQLite transaction begins `IMMEDIATE`, so writers run one at a time whatever we do. What
this module changes is only who *tries* next. Left to SQLite's busy handler, every waiter sleeps
and retries on its own, the sleeps growing to 100 ms, so a newcomer usually takes the lock before
a thread that has waited for a second, and the slowest requests of a busy server took seconds.

Here the waiters of one process stand in line (`_Line`), and only the first of the line asks
SQLite. While a transaction of its own process writes, it waits for that one to end and is woken
at once; for one of another process it waits in SQLite's busy handler `ASK_MS` at a time, so it
never sleeps long past that transaction's end. Between processes, the first of each line queues
on a file lock next to the database before it asks, so the server processes (and the batch
worker) take the write lock in turns instead of the process that just held it taking it again.

The queue holds nothing while a transaction runs (what it knows of this process's writers only
decides where the first in line waits, `OWN_WAIT_SECONDS` at a time): SQLite's lock stays the one
truth about who is writing, so a transaction that opens a second connection (an index built
inside a request) is let through or refused exactly as SQLite alone would. A waiter that has
waited `BUSY_SECONDS` fails with SQLite's own "database is locked", as its busy timeout would.

The lock file is `<database>-turn`, beside SQLite's own `-wal` and `-shm`; a database in memory
or given as a URI has no file of its own and its processes share no turn.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event

BUSY_SECONDS = 30  # how long a transaction waits for the write lock before it fails
OWN_WAIT_SECONDS = 0.05  # how long the first in line waits for this process's writer to end
ASK_MS = 5  # how long one ask of SQLite waits in its busy handler (sleeping 1, 2 and 2 ms)


class _Line:
    """Threads of one process, first come first served; `enter` returns once a thread is first."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._taken = False

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def enter(self, timeout: float) -> bool:
        with self._mutex:
            if not self._taken:
                self._taken = True
                return True
            called = threading.Event()
            self._waiting.append(called)
        if called.wait(timeout):
            return True
        with self._mutex:
            if called.is_set():  # called just as it gave up: it is first all the same
                return True
            self._waiting.remove(called)
            return False

    def leave(self) -> None:
        """Hand the first place to the next in line (no newcomer can take it in between)."""
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._taken = False


class _ProcessTurn:
    """A file lock next to the database that the first in line of each process queues on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = 0

    @contextmanager
    def taken(self) -> Iterator[None]:
        if self._pid != os.getpid():  # a forked child opens its own: the lock is per open file
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        assert self._fd is not None
        fcntl.flock(self._fd, fcntl.LOCK_EX)  # the kernel wakes the next process when it is free
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


class WriteQueue:
    """One engine's queue: `begin` starts a connection's `IMMEDIATE` transaction in its turn."""

    def __init__(self, database: str | None) -> None:
        self._line = _Line()
        self._ended = threading.Event()  # set whenever a transaction of this process ends
        self._writing: set[object] = set()  # DB-API connections of this process holding the lock
        self._processes = _ProcessTurn(Path(f"{database}-turn")) if _is_file(database) else None
        self.busy_ms = BUSY_SECONDS * 1000  # each connection's own busy timeout (`make_engine`'s)

    def begin(self, connection: Connection) -> None:
        deadline = time.monotonic() + BUSY_SECONDS
        if not self._line.enter(BUSY_SECONDS):  # not first after all that time: one try, then fail
            self._begin_when_free(connection, deadline)
            return
        try:
            with self._processes.taken() if self._processes is not None else nullcontext():
                self._begin_when_free(connection, deadline)
        finally:
            self._line.leave()

    def ended(self, dbapi_connection: object) -> None:
        """A transaction ended (or a connection went away): the next in line may try now."""
        self._writing.discard(getattr(dbapi_connection, "dbapi_connection", None) or dbapi_connection)
        self._ended.set()

    @property
    def waiting(self) -> int:
        """How many of this process's transactions stand behind the first in line."""
        return self._line.waiting

    def _begin_when_free(self, connection: Connection, deadline: float) -> None:
        self._wait_for_own_writer(deadline)
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None  # a connection being begun is open
        try:
            _busy_timeout(dbapi_connection, ASK_MS)
            if not _asked_until(dbapi_connection, deadline):  # time nearly up, or another error
                _busy_timeout(dbapi_connection, max(0, int((deadline - time.monotonic()) * 1000)))
                connection.exec_driver_sql("BEGIN IMMEDIATE")  # the last try: fails as SQLAlchemy's error
        finally:
            _busy_timeout(dbapi_connection, self.busy_ms)
        self._writing.add(dbapi_connection)

    def _wait_for_own_writer(self, deadline: float) -> None:
        """While a transaction of this process writes, wait for its end here: woken at once, where
        SQLite's busy handler would sleep. One that goes on for longer than `OWN_WAIT_SECONDS`, and
        any of another process, is waited for in the busy handler."""
        while self._writing and time.monotonic() < deadline:
            self._ended.clear()
            if self._writing and not self._ended.wait(min(OWN_WAIT_SECONDS, deadline - time.monotonic())):
                return


def _asked_until(dbapi_connection: Any, deadline: float) -> bool:
    """Ask SQLite for the write lock in its busy handler `ASK_MS` at a time until shortly before
    `deadline` (its own sleeps grow to 100 ms, so a wait for a long transaction of another process
    would overshoot that transaction's end); whether the transaction began."""
    while time.monotonic() + ASK_MS / 1000 < deadline:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                return False
    return False


def _busy_timeout(dbapi_connection: Any, milliseconds: int) -> None:
    dbapi_connection.execute(f"PRAGMA busy_timeout={milliseconds}")


def _is_file(database: str | None) -> bool:
    return bool(database) and database != ":memory:" and not str(database).startswith("file:")


def queue_writers(engine: Engine) -> None:
    """Begin each of the engine's transactions through a `WriteQueue`, and tell the queue when one
    ends (the dialect's commit and rollback, the pool's reset on return being a rollback too) and
    when a connection goes away. The engine's connections keep `BUSY_SECONDS` as their own busy
    timeout (`make_engine` connects with it)."""
    queue = WriteQueue(engine.url.database)
    engine.dialect.liaison_write_queue = queue  # type: ignore[attr-defined]

    def then_ended(end: Callable[[Any], None]) -> Callable[[Any], None]:
        def ending(dbapi_connection: Any) -> None:
            try:
                end(dbapi_connection)
            finally:
                queue.ended(dbapi_connection)

        return ending

    engine.dialect.do_commit = then_ended(engine.dialect.do_commit)  # type: ignore[method-assign,assignment]
    engine.dialect.do_rollback = then_ended(engine.dialect.do_rollback)  # type: ignore[method-assign,assignment]

    for ending in ("close", "invalidate", "close_detached"):
        event.listen(engine.pool, ending, lambda dbapi_connection, *_: queue.ended(dbapi_connection))

    @event.listens_for(engine, "begin")
    def _begin_in_turn(connection: Connection) -> None:
        queue.begin(connection)
