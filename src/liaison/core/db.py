"""Database engine, sessions and the declarative base every capability's tables use.

One transaction per unit of work (an API request, a page post, a CLI command): `unit_of_work`
commits when the block ends normally and rolls everything back on any exception, so a rejected
input never leaves half a change behind.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from liaison.core.settings import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always returned timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Liaison stores aware UTC timestamps only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Protected:
    """Records whose reads the access policy can restrict: an owning unit and a handling code."""

    owning_unit: Mapped[str] = mapped_column(String(80), default="", index=True)
    handling_code: Mapped[str] = mapped_column(String(2), default="H0")


BUSY_SECONDS = 30  # how long a SQLite transaction waits for the write lock before it fails


class WriteTurn:
    """The turn to hold SQLite's one write lock, taken by this process's threads one at a time.

    Every SQLite transaction begins `IMMEDIATE`, so they run one at a time anyway. Without this,
    the waiting is SQLite's busy handler: each waiter sleeps and tries again, up to 100 ms between
    tries the longer it has waited, so a newcomer often gets the lock before a thread that has
    waited for a second, and the slowest requests of a busy server took seconds. Waiting here on a
    lock instead, a thread is woken as soon as the lock is free, and only one thread of this
    process at a time competes with other processes (another server process, the worker) through
    the busy handler. The same transactions, in the same one-at-a-time order: only the waiting
    changes. A thread that waits `BUSY_SECONDS` fails as SQLite's busy timeout would."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: object = None  # the DB-API connection whose transaction holds the turn

    def take(self, connection: object) -> None:
        connection = _dbapi(connection)
        if self._holder is connection:
            return
        if not self._lock.acquire(timeout=BUSY_SECONDS):
            raise sqlite3.OperationalError("database is locked")
        self._holder = connection

    def give_back(self, connection: object) -> None:
        """End of that connection's transaction (commit, rollback, reset or close): a no-op for
        a connection that does not hold the turn."""
        if self._holder is _dbapi(connection):
            self._holder = None
            self._lock.release()


def _dbapi(connection: object) -> object:
    """The DB-API connection itself, whether given it or the pool's proxy for it."""
    return getattr(connection, "dbapi_connection", None) or connection


def _take_turns(engine: Engine) -> None:
    """Take the `WriteTurn` at each BEGIN and give it back once the transaction has ended: after
    the dialect's commit or rollback (the pool's reset on return is a rollback too), and when the
    pool closes or invalidates the connection."""
    turn = WriteTurn()
    engine.dialect.liaison_write_turn = turn  # type: ignore[attr-defined]
    commit, rollback = engine.dialect.do_commit, engine.dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            turn.give_back(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            turn.give_back(dbapi_connection)

    engine.dialect.do_commit = do_commit  # type: ignore[method-assign]
    engine.dialect.do_rollback = do_rollback  # type: ignore[method-assign]
    for ending in ("close", "invalidate", "close_detached"):
        event.listen(engine.pool, ending, lambda dbapi_connection, *_: turn.give_back(dbapi_connection))

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of failing late.
        turn.take(connection.connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            turn.give_back(connection.connection)
            raise


def make_engine(url: str) -> Engine:
    """An engine with SQLite set up for concurrent use: WAL, foreign keys, busy timeout, and
    transactions that wait their turn in this process (`WriteTurn`)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy issue BEGIN itself so a whole unit of work is one transaction.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        _take_turns(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


_ALIVE = "liaison_alive_instances"


def _keep_alive(session: Session, instance: object) -> None:
    session.info.setdefault(_ALIVE, []).append(instance)


def keep_instances_alive_while_attached() -> None:
    """Hold every ORM instance of a session strongly until the session is closed and dropped.

    Why: on CPython 3.11 the cyclic collector runs inside allocations. SQLAlchemy's identity map
    holds instances weakly, so an instance in a reference cycle (a request and its comments, through
    `back_populates`) can be collected while the session still walks its states, e.g. in
    `close()`. The collector then calls `InstanceState._cleanup`, which writes to the very state
    whose `__dict__` CPython 3.11 is materialising for the outer write, and frees memory the outer
    write still uses: a heap corruption that surfaces later as a SIGSEGV. No instance becomes
    garbage while its session is open, so that window never opens. Python 3.12 runs the collector
    only between bytecodes and is not affected. See docs/cpython-311-gc-crash.md.
    """
    if not event.contains(Session, "loaded_as_persistent", _keep_alive):
        event.listen(Session, "loaded_as_persistent", _keep_alive)
        event.listen(Session, "after_attach", _keep_alive)


if sys.version_info < (3, 12):
    keep_instances_alive_while_attached()


@lru_cache
def get_engine(url: str | None = None) -> Engine:
    return make_engine(url or get_settings().resolved_database_url)


@lru_cache
def _session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def open_session(engine: Engine | None = None) -> Session:
    """A session of a unit of work; it connects at its first query, not here."""
    return _session_factory(engine or get_engine())()


def end_unit_of_work(session: Session, *, commit: bool) -> None:
    """End a unit of work `open_session` began: commit (rolling back when the commit fails) or
    roll back, then close. What `unit_of_work` does at the end of its block."""
    try:
        if commit:
            try:
                session.commit()
            except BaseException:
                session.rollback()
                raise
        else:
            session.rollback()
    finally:
        session.close()
        session.info.pop(_ALIVE, None)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit at the end, roll back everything on any error."""
    session = open_session(engine)
    committing = False
    try:
        yield session
        committing = True
    finally:
        end_unit_of_work(session, commit=committing)
