"""Database engine, sessions and the declarative base every capability's tables use.

One transaction per unit of work (an API request, a page post, a CLI command): `unit_of_work`
commits when the block ends normally and rolls everything back on any exception, so a rejected
input never leaves half a change behind.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from liaison.core.settings import get_settings
from liaison.core.write_queue import BUSY_SECONDS, queue_writers

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


def make_engine(url: str) -> Engine:
    """An engine with SQLite set up for concurrent use: WAL, foreign keys, and writers that take
    the write lock in turn within their busy timeout (`core.write_queue`)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy issue BEGIN itself so a whole unit of work is one transaction.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        # IMMEDIATE takes the write lock up front, so two writers queue instead of failing late;
        # they queue in turn, not in SQLite's busy handler
        queue_writers(engine)
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
