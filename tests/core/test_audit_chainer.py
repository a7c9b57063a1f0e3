"""The chain without a lock per request: events written unchained by concurrent transactions,
linked by the one chainer in commit order; gaps and late commits neither break nor skip it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, event, func, insert, select, text
from sqlalchemy.orm import ORMExecuteState

from liaison.core import audit
from liaison.core.db import make_engine, unit_of_work
from liaison.core.migrate import alembic_config, upgrade
from liaison.core.models import AuditEvent, AuditHead
from tests.conftest import BACKENDS, PostgresCluster

WRITERS, EVENTS_EACH = 8, 15


def _verify(engine: Engine) -> audit.ChainReport:
    with unit_of_work(engine) as session:
        return audit.verify_chain(session)


def _wait_until_chained(engine: Engine, seconds: float = 20.0) -> audit.ChainReport:
    """The background chainer links without being asked; wait for it (no call to chain_pending)."""
    deadline = time.monotonic() + seconds
    while True:
        report = _verify(engine)
        if report.pending == 0 or time.monotonic() > deadline:
            return report
        time.sleep(0.05)


def _write(engine: Engine, writer: int, errors: list[BaseException]) -> None:
    try:
        for n in range(EVENTS_EACH):
            with unit_of_work(engine) as session:
                audit.record(session, f"w{writer}", "update", "thing", n, after={"n": n})
                if n % 3 == 0:  # a read in the same transaction, as an audited read does
                    audit.record_read(session, f"w{writer}", "thing", n)
    except BaseException as error:  # collected for the main thread's assertion
        errors.append(error)


def test_concurrent_writers_give_one_intact_chain_linked_by_the_background_chainer(engine: Engine) -> None:
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_write, args=(engine, w, errors)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected = WRITERS * (EVENTS_EACH + (EVENTS_EACH + 2) // 3)
    report = _wait_until_chained(engine)
    assert report.is_intact, report
    assert (report.events, report.pending) == (expected, 0)
    with unit_of_work(engine) as session:
        seqs = session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        head = session.scalar(select(AuditHead))
    assert seqs == list(range(1, expected + 1))
    assert head is not None and head.seq == expected
    # Each writer's own events keep the order it wrote them in (commit order within a writer).
    with unit_of_work(engine) as session:
        for writer in range(WRITERS):
            ids = session.scalars(
                select(AuditEvent.object_id)
                .where(AuditEvent.actor == f"w{writer}", AuditEvent.action == "update")
                .order_by(AuditEvent.seq)
            ).all()
            assert ids == [str(n) for n in range(EVENTS_EACH)]


def test_a_rolled_back_transaction_leaves_no_event_and_no_gap(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        audit.record(session, "t", "update", "thing", 1)
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        audit.record(session, "t", "update", "thing", 2)
        raise RuntimeError("the business write failed")
    with unit_of_work(engine) as session:
        audit.record(session, "t", "update", "thing", 3)
    audit.chain_pending(engine)
    report = _verify(engine)
    assert report.is_intact and (report.events, report.pending) == (2, 0)
    with unit_of_work(engine) as session:
        rows = session.execute(select(AuditEvent.seq, AuditEvent.object_id).order_by(AuditEvent.seq)).all()
    assert [tuple(row) for row in rows] == [(1, "1"), (2, "3")]  # the id of event 2 was used; no seq gap


def test_an_event_committed_after_a_later_one_is_chained_not_skipped(engine: Engine) -> None:
    """A transaction that wrote its event first (smaller id) but commits last is linked by the next
    chainer pass, after the events that committed before it: chained in commit order, never lost."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: ids follow commit order there")
    early = unit_of_work(engine)
    session = early.__enter__()
    audit.record(session, "slow", "update", "thing", "early")
    with unit_of_work(engine) as other:
        audit.record(other, "fast", "update", "thing", "late")
    audit.chain_pending(engine)
    # The uncommitted one is invisible to the chainer (and to everyone else): not chained, not lost.
    assert _verify(engine).events == 1
    early.__exit__(None, None, None)
    audit.chain_pending(engine)
    report = _verify(engine)
    assert report.is_intact and (report.events, report.pending) == (2, 0)
    with unit_of_work(engine) as check:
        rows = check.execute(select(AuditEvent.id, AuditEvent.object_id).order_by(AuditEvent.seq)).all()
    assert [row.object_id for row in rows] == ["late", "early"]
    assert rows[0].id > rows[1].id  # commit order, not id order


def test_pending_events_are_not_a_break_and_verify_links_them(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        audit.record(session, "t", "update", "thing", 1)
        audit.record(session, "t", "update", "thing", 2)
    audit.chain_pending(engine)
    with engine.begin() as connection:  # an event as a business transaction writes it: unchained
        connection.execute(
            text(
                "INSERT INTO audit_event (at, actor, action, object_type, object_id, changes, detail,"
                " owning_unit, handling_code) VALUES (:at, 't', 'update', 'thing', '3', '{}', '', '', '')"
            ),
            {"at": "2026-12-02 01:00:00+00:00"},
        )
    report = _verify(engine)
    assert report.is_intact and report.pending in (0, 1)
    assert audit.chain_pending(engine) in (0, 1)
    report = _verify(engine)
    assert report.is_intact and (report.events, report.pending) == (3, 0)


def test_tampering_with_a_chained_event_is_found_and_the_chainer_does_not_hide_it(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        for n in range(4):
            audit.record(session, "t", "update", "thing", n)
    audit.chain_pending(engine)
    with engine.begin() as connection:  # unchain event 2 and change it, hoping to have it re-linked
        connection.execute(text("UPDATE audit_event SET seq = NULL, object_id = 'x' WHERE seq = 2"))
    audit.chain_pending(engine)
    report = _verify(engine)
    assert report.first_broken_seq == 2 and "missing" in report.reason


def test_a_removed_head_stops_the_chainer_and_is_reported(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        audit.record(session, "t", "update", "thing", 1)
    audit.chain_pending(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_head"))
    with unit_of_work(engine) as session:
        audit.record(session, "t", "update", "thing", 2)
    assert audit.chain_pending(engine) == 0
    report = _verify(engine)
    assert report.first_broken_seq == 1 and "head" in report.reason


def test_no_request_takes_the_chain_lock(engine: Engine) -> None:
    """While a chainer holds the chain lock, business transactions still write their events."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every writer by design; the advisory lock is PostgreSQL's")
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": audit.CHAIN_LOCK})
        started = time.monotonic()
        with unit_of_work(engine) as session:
            session.execute(text("SET LOCAL lock_timeout = '2s'"))
            audit.record(session, "t", "read", "thing", 1)
        assert time.monotonic() - started < 2
        holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": audit.CHAIN_LOCK})
        holder.commit()
    report = _wait_until_chained(engine)
    assert report.is_intact and (report.events, report.pending) == (1, 0)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database with no tables yet, to migrate step by step."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        name = f"old{os.getpid()}_{time.monotonic_ns()}"
        admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        url = cluster.url(name)
    db_engine = make_engine(url)
    yield db_engine
    db_engine.dispose()


def test_a_chain_written_before_the_chainer_keeps_verifying_and_is_continued(empty_engine: Engine) -> None:
    config = alembic_config(empty_engine.url.render_as_string(hide_password=False))
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "core_0002_audit_protection")
    previous = audit.GENESIS
    with empty_engine.begin() as connection:  # three events as the locked writer chained them
        for seq in (1, 2, 3):
            old = SimpleNamespace(
                seq=seq, actor="old", action="update", object_type="thing", object_id=str(seq),
                changes={"v": [seq, seq + 1]}, detail="", prev_hash=previous,
                at=datetime(2026, 11, 30, 12, seq, tzinfo=UTC), owning_unit="", handling_code="",
            )  # fmt: skip
            old.hash = audit._event_hash(old)
            connection.execute(insert(AuditEvent.__table__).values(**vars(old)))
            previous = old.hash
        connection.execute(insert(AuditHead.__table__).values(id=1, seq=3, hash=previous))
    upgrade(empty_engine)
    report = _verify(empty_engine)
    assert report.is_intact and report.events == 3
    with unit_of_work(empty_engine) as session:
        audit.record(session, "new", "update", "thing", 4)
    audit.chain_pending(empty_engine)
    report = _verify(empty_engine)
    assert report.is_intact and (report.events, report.pending) == (4, 0)
    with unit_of_work(empty_engine) as session:
        newest = session.scalars(select(AuditEvent).where(AuditEvent.seq == 4)).one()
        assert newest.prev_hash == previous


def test_events_chained_while_the_chain_is_verified_are_counted_pending_never_neither(engine: Engine) -> None:
    """PostgreSQL reads each statement of a check at its own snapshot: events linked after the
    check read the head are not checked by it, and it counts them as pending (it once counted
    them as neither, and a check taken in that instant reported fewer events than there were)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: nothing is linked while a check reads")

    def write(count: int) -> None:
        for n in range(count):
            with unit_of_work(engine) as session:
                audit.record(session, "t", "update", "thing", n)
        audit.chain_pending(engine)

    write(3)
    linked_meanwhile: list[int] = []

    def after_the_head_is_read(state: ORMExecuteState) -> None:
        if not linked_meanwhile and "count(" in str(state.statement).lower():
            write(2)  # another process links two more between the check's statements
            linked_meanwhile.append(2)

    with unit_of_work(engine) as session:
        event.listen(session, "do_orm_execute", after_the_head_is_read)
        report = audit.verify_chain(session)
    assert linked_meanwhile == [2]
    assert report.is_intact and (report.events, report.pending) == (3, 2)
