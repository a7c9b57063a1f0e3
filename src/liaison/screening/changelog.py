"""The subject change log: how every server process's index learns what another process changed.

Each process keeps its own in-memory index (`live.py`). Within one process the index follows
`SubjectChanged` after commit; the other processes (`liaison serve --workers N`, several hosts on
one PostgreSQL, a `liaison subjects import` on the command line) learn of it from this log.

**Writing.** Screening subscribes `note_change` to `SubjectChanged` *in transaction*: it collects
the subject ids in the publishing session and, when that session commits its outermost
transaction (`before_commit`), writes one `screening_subject_change` row for the transaction,
numbered `screening_change_head.seq + 1`, the head moved in the same statement. So the row commits
if and only if the subjects' change does. On PostgreSQL the same transaction sends `NOTIFY
liaison_subject_change`, which the server delivers at commit, to wake the other processes.

**Why the numbers are in commit order, without gaps.** The head is one row: updating it takes its
row lock (PostgreSQL) or the database's one write lock (SQLite, `BEGIN IMMEDIATE`) until commit,
so a second writer waits, then reads the first one's committed number. A rolled-back transaction
undoes its head update with its row. A reader that sees row *n* therefore sees every row before
it, and a row missing below the first one a reader finds was pruned, never late or lost.

The head is taken at commit, after the session's last flush, and not when the event is published:
the lock is held for the commit only, and a transaction holding it waits for nothing else, so two
writers cannot deadlock on it.

**Over-telling is harmless.** A row says "reload these subjects"; the reader reads their state
as committed. Ids published in a savepoint that was rolled back are still written: the reload
finds them unchanged (or missing) and does nothing.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, event, insert, select, text, update
from sqlalchemy.orm import Session

from liaison.core.db import utcnow
from liaison.core.events import SubjectChanged
from liaison.screening.models import ChangeHead, SubjectChange

CHANNEL = "liaison_subject_change"  # PostgreSQL LISTEN/NOTIFY channel
HEAD_ID = 1
_PENDING = "liaison.screening.changed_subjects"
_CHANGES = "liaison.screening.changes"
_LISTENING = "liaison.screening.changelog_listening"
# engine -> the token of the index this process keeps for it (`follow.Follower`): rows it wrote are
# already in that index (after commit, `live.on_subjects_changed`), so its follower skips them
origins: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Change:
    seq: int
    subject_ids: tuple[int, ...]
    origin: str


def note_change(session: Session, item: SubjectChanged) -> None:
    """In transaction: remember the subjects; the log row is written when the transaction commits."""
    session.info.setdefault(_PENDING, set()).update(item.subject_ids)
    changes: list[str] = session.info.setdefault(_CHANGES, [])
    if item.change not in changes:
        changes.append(item.change)
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "before_commit", _write)
        event.listen(session, "after_rollback", _forget)


def _forget(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)
        session.info.pop(_CHANGES, None)


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _write(session: Session) -> None:
    """Before the outermost commit: one numbered row for the transaction, and on PostgreSQL a NOTIFY."""
    if session.in_nested_transaction() or not session.info.get(_PENDING):
        return
    session.flush()  # everything else first: from here on the transaction only commits
    ids = sorted(session.info.pop(_PENDING))
    change = ", ".join(session.info.pop(_CHANGES, []))[:200]
    engine = _engine_of(session)
    seq = session.execute(
        update(ChangeHead)
        .where(ChangeHead.id == HEAD_ID)
        .values(seq=ChangeHead.seq + 1)
        .returning(ChangeHead.seq)
    ).scalar_one()
    session.execute(
        insert(SubjectChange).values(
            seq=seq, subject_ids=ids, change=change, origin=origins.get(engine, ""), at=utcnow()
        )
    )
    if engine.dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :seq)"), {"channel": CHANNEL, "seq": str(seq)})


def head(connection: Connection) -> int:
    """The newest change's number (0 before the first)."""
    return int(connection.scalar(select(ChangeHead.seq).where(ChangeHead.id == HEAD_ID)) or 0)


def changes_after(connection: Connection, seq: int) -> list[Change]:
    """Every change numbered after `seq`, in order."""
    rows = connection.execute(
        select(SubjectChange.seq, SubjectChange.subject_ids, SubjectChange.origin)
        .where(SubjectChange.seq > seq)
        .order_by(SubjectChange.seq)
    )
    return [Change(int(s), tuple(int(i) for i in ids), origin) for s, ids, origin in rows]


def prune(engine: Engine, older_than: datetime) -> int:
    """Delete the changes written before `older_than`; how many (the head keeps the numbering)."""
    with Session(engine) as session, session.begin():
        result = session.execute(delete(SubjectChange).where(SubjectChange.at < older_than))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def cutoff(retention_hours: float) -> datetime:
    return utcnow() - timedelta(hours=retention_hours)


def covers(changes: Sequence[Change], applied: int, head: int) -> bool:
    """True when `changes` (read after `applied`, and after `head` was read) hold every change up
    to `head`: none was pruned unseen. Numbers have no gaps, so only the first needs checking."""
    if head <= applied:
        return True
    return bool(changes) and changes[0].seq == applied + 1
