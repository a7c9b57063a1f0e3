"""In-process domain events: what happened in one capability, told to the others.

A service publishes an event inside its business transaction (`publish(session, event)`, one
line where the change happens). Subscribers are declared in each capability's `Capability`
(`subscriptions=...`) and run in one of two phases:

- `InTransaction`: at once, with the publishing session, so what they write (a future exchange
  outbox row, say) commits or rolls back together with the business change;
- `AfterCommit`: once the outermost transaction has committed, with the engine, for in-memory
  state such as the screening index. An event published in a transaction (or savepoint) that
  rolls back is never delivered to them.

Capabilities talk through these events, not through each other's services or global SQLAlchemy
session listeners. The only listeners are the ones `publish` puts on the publishing session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

_PENDING = "liaison.events.pending"
_LISTENING = "liaison.events.listening"


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened, told by the capability it happened in; `actor` is the user name."""

    actor: str


@dataclass(frozen=True, kw_only=True)
class SubjectChanged(Event):
    """Persons sought were created, updated or given names, documents, dates, notices, a status.

    Published by the subjects service from every write path (one page edit, a bulk import)."""

    subject_ids: tuple[int, ...]
    change: str  # stored (created or imported), update, add name, add document, status, notice ...


@dataclass(frozen=True, kw_only=True)
class RequestCreated(Event):
    """A request was created (by hand, or opened from a confirmed screening hit)."""

    request_id: int
    kind: str
    direction: str


@dataclass(frozen=True, kw_only=True)
class RequestTransitioned(Event):
    """A request made one workflow transition (submit, acknowledge, close ...)."""

    request_id: int
    transition: str
    from_state: str
    to_state: str
    kind: str = ""
    subject_ids: tuple[int, ...] = ()  # the persons sought the request names


@dataclass(frozen=True, kw_only=True)
class RequestOpened(Event):
    """A user opened a request for display (its page or the API's GET of it): not the reads that
    other service functions make of it internally."""

    request_id: int
    direction: str


@dataclass(frozen=True, kw_only=True)
class EngagementRecorded(Event):
    """An engagement was recorded or changed."""

    engagement_id: int
    change: str  # create | update


@dataclass(frozen=True, kw_only=True)
class CommitmentChanged(Event):
    """A commitment was recorded, changed or followed up."""

    commitment_id: int
    engagement_id: int | None
    status: str
    change: str  # create | update | follow_up
    for_node: str = ""  # a follow-up meant for one partner node only (a refusal of its proposal)


@dataclass(frozen=True, kw_only=True)
class HitDecided(Event):
    """A reviewer confirmed or dismissed a screening hit (a confirmation may open a request)."""

    hit_id: int
    subject_id: int
    decision: str  # confirm | dismiss
    request_id: int | None = None


EVENT_TYPES: tuple[type[Event], ...] = (
    SubjectChanged,
    RequestCreated,
    RequestTransitioned,
    RequestOpened,
    EngagementRecorded,
    CommitmentChanged,
    HitDecided,
)


@dataclass(frozen=True)
class InTransaction:
    """Run `handler(session, event)` inside the publishing transaction."""

    event: type[Event]
    handler: Callable[[Session, Any], None]


@dataclass(frozen=True)
class AfterCommit:
    """Run `handler(engine, event)` after the publishing transaction committed."""

    event: type[Event]
    handler: Callable[[Engine, Any], None]


Subscription = InTransaction | AfterCommit


@dataclass
class _Subscribers:
    """The subscriptions of the capabilities this process runs (set by `capabilities.install`)."""

    all: tuple[Subscription, ...] = field(default_factory=tuple)

    def of(self, kind: type[InTransaction] | type[AfterCommit], item: Event) -> list[Any]:
        return [s for s in self.all if isinstance(s, kind) and isinstance(item, s.event)]


subscribers = _Subscribers()


def install(subscriptions: Iterable[Subscription]) -> None:
    """Make these the subscriptions every later `publish` delivers to."""
    subscribers.all = tuple(subscriptions)


@dataclass
class _Pending:
    event: Event
    savepoint: SessionTransaction | None  # the innermost savepoint it was published in, if any


def publish(session: Session, item: Event) -> None:
    """Tell subscribers: in-transaction ones now, after-commit ones once the transaction commits."""
    for subscription in subscribers.of(InTransaction, item):
        subscription.handler(session, item)
    if not subscribers.of(AfterCommit, item):
        return
    _listen(session)
    session.info.setdefault(_PENDING, []).append(_Pending(item, session.get_nested_transaction()))


def _listen(session: Session) -> None:
    if session.info.get(_LISTENING):
        return
    session.info[_LISTENING] = True
    event.listen(session, "after_commit", _after_commit)
    event.listen(session, "after_rollback", _after_rollback)


def _enclosing_savepoint(transaction: SessionTransaction) -> SessionTransaction | None:
    parent = transaction.parent
    while parent is not None and not parent.nested:
        parent = parent.parent
    return parent


def _within(savepoint: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is ancestor:
            return True
        savepoint = savepoint.parent
    return False


def _after_commit(session: Session) -> None:
    pending: list[_Pending] = session.info.get(_PENDING, [])
    released = session.get_nested_transaction() if session.in_nested_transaction() else None
    if released is not None:  # a savepoint was released: its events now belong to the enclosing one
        outer = _enclosing_savepoint(released)
        for item in pending:
            if item.savepoint is released:
                item.savepoint = outer
        return
    session.info.pop(_PENDING, None)
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    for item in pending:
        for subscription in subscribers.of(AfterCommit, item.event):
            try:
                subscription.handler(engine, item.event)
            except Exception:  # the change is committed: report the subscriber's fault, keep going
                log.exception("after-commit subscriber %s failed on %s", subscription.handler, item.event)


def _after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        undone = session.get_nested_transaction()
        assert undone is not None
        kept = [p for p in session.info.get(_PENDING, []) if not _within(p.savepoint, undone)]
        session.info[_PENDING] = kept
        return
    session.info.pop(_PENDING, None)
