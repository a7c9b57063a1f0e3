"""The audit trail: an append-only, hash-chained log of every write and every sensitive read.

Each event's hash covers its own fields and the previous event's hash, and `audit_head` keeps
the newest sequence number and hash; `verify_chain` recomputes the whole chain, so changing,
deleting or inserting any row is found. Events are written in the caller's transaction: a write
that rolls back leaves no audit event behind, and an audited write cannot commit without one.

Writing an event takes no lock: the business transaction inserts it unchained (its `id` from the
table's sequence). One chainer, `chain_pending`, links committed events into the chain under the
one chain lock, which no request holds: a background thread runs it shortly after every commit
that wrote events, and start-up and `liaison audit verify` run it too. The design and the proof
that nothing is left unaudited or reordered are in docs/architecture.md, "The audit chain".
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, Engine, event, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from liaison.core import i18n
from liaison.core.db import unit_of_work, utcnow
from liaison.core.errors import Faults, Invalid
from liaison.core.i18n import Phrase
from liaison.core.models import AuditEvent, AuditHead
from liaison.core.security import gate
from liaison.core.security.gate import ProtectedRecord, Reader
from liaison.core.vocab import VOCAB_DIR, load_vocabulary

GENESIS = "0" * 64
REDACTED = "[redacted]"
SECRET_WORDS = ("password", "secret", "token", "hash")
SYSTEM_ACTOR = "system"
CHAIN_LOCK = 7714  # the PostgreSQL advisory lock only the chainer takes
CHAIN_BATCH = 2000  # events linked per chainer transaction
CHAINER_IDLE_SECONDS = 5.0  # the background chainer thread ends after this long without work
log = logging.getLogger(__name__)
ACTIONS_FILE = VOCAB_DIR / "audit_actions.yaml"


class ActionLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    en: str
    vi: str


class AuditActionsFile(BaseModel):
    """`vocab/audit_actions.yaml`: every word the trail may record as an action, with its labels."""

    model_config = ConfigDict(extra="forbid")

    actions: dict[str, ActionLabel]


@lru_cache
def actions() -> dict[str, ActionLabel]:
    """The declared action words, loaded once (validated at start-up)."""
    return load_vocabulary(ACTIONS_FILE, AuditActionsFile).actions


class AuditObjectsFile(BaseModel):
    """`vocab/audit_objects.yaml`: every object type the trail records, with its labels."""

    model_config = ConfigDict(extra="forbid")

    objects: dict[str, ActionLabel]


OBJECTS_FILE = VOCAB_DIR / "audit_objects.yaml"


@lru_cache
def object_types() -> dict[str, ActionLabel]:
    """The declared object types and their labels, loaded once (validated at start-up)."""
    return load_vocabulary(OBJECTS_FILE, AuditObjectsFile).objects


class UndeclaredAction(ValueError):
    """A programming error: an audit action word missing from `vocab/audit_actions.yaml`."""


# Action words (declared in `vocab/audit_actions.yaml`) that code outside this module names.
SIGN_IN = "sign-in"
SIGN_IN_FAILED = "sign-in-failed"
SIGN_OUT = "sign-out"
DENIED = "denied"  # a signed-in user (or an anonymous caller) was refused an action: 403


def is_secret(field: str) -> bool:
    return any(word in field.lower() for word in SECRET_WORDS)


def difference(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, Any]:
    """Fields that changed, as {field: [old, new]}; a changed secret shows only that it changed."""
    old, new = before or {}, after or {}
    return {
        key: [REDACTED, REDACTED] if is_secret(key) else [old.get(key), new.get(key)]
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def shown_value(value: Any) -> str:
    """A recorded before or after value as a reader reads it: text as it is, nothing as a dash,
    lists and objects as JSON (never Python's own notation)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return i18n.gettext("yes") if value else i18n.gettext("no")
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


WHO_DID_WHAT = ("seq", "actor", "action", "object_type", "object_id")


def _fields(event: Any, *names: str) -> dict[str, Any]:
    return {name: getattr(event, name) for name in names}


def _event_hash(event: Any) -> str:
    """The hash of an event (an `AuditEvent` or a row of its columns) linked after `prev_hash`."""
    fields = _fields(event, *WHO_DID_WHAT, "changes", "detail", "prev_hash") | {"at": event.at.isoformat()}
    # Covered only when set, so events written before they existed keep their hashes.
    if event.owning_unit or event.handling_code:
        fields |= {"owning_unit": event.owning_unit, "handling_code": event.handling_code}
    body = json.dumps(
        fields,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


_PENDING = "liaison_audit_pending"  # session.info key: the engine whose chainer to wake on commit


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: object,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    detail: str = "",
    protected: ProtectedRecord | None = None,
) -> AuditEvent:
    """Write one event in the caller's transaction; `before`/`after` become a redacted
    field-by-field difference. It is linked into the chain after the transaction commits.

    `action` must be declared in `vocab/audit_actions.yaml`, so the trail speaks one vocabulary.
    `protected` is the record the event is about when it carries a handling code: the event keeps
    that code and owning unit, so the trail shows its particulars only to those who may read them.
    """
    if action not in actions():
        raise UndeclaredAction(f"audit action {action!r} is not declared in {ACTIONS_FILE}")
    event = AuditEvent(
        at=utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=_jsonable(difference(before, after)),
        detail=detail,
        owning_unit=protected.owning_unit if protected is not None else "",
        handling_code=protected.handling_code if protected is not None else "",
    )
    session.add(event)
    session.flush()
    bind = session.get_bind()
    session.info[_PENDING] = bind if isinstance(bind, Engine) else bind.engine
    return event


def record_read(
    session: Session,
    actor: str,
    object_type: str,
    object_id: object,
    detail: str = "",
    protected: ProtectedRecord | None = None,
) -> None:
    """Audit a read of a sensitive record."""
    record(session, actor, "read", object_type, object_id, detail=detail, protected=protected)


def _take_chain_lock(session: Session) -> None:
    """The one lock of the chain, held by the chainer's transaction only (never by a request)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    # SQLite: the chainer's BEGIN IMMEDIATE (core.db) holds the database's one write lock.


def _chain_batch(session: Session, batch: int) -> int:
    """Link up to `batch` committed, unchained events after the head, in `id` order."""
    _take_chain_lock(session)
    head = session.scalar(select(AuditHead))
    any_chained = select(AuditEvent.id).where(AuditEvent.seq.is_not(None)).limit(1)
    if head is None and session.scalar(any_chained) is not None:
        log.error("audit chain head is missing: events stay unchained until `liaison audit verify`")
        return 0
    # Taken after the lock: this snapshot holds every event committed before the lock was granted.
    unchained = select(AuditEvent).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id).limit(batch)
    events = list(session.scalars(unchained))
    seq, previous = (head.seq, head.hash) if head is not None else (0, GENESIS)
    for audit_event in events:
        seq += 1
        audit_event.seq, audit_event.prev_hash = seq, previous
        audit_event.hash = previous = _event_hash(audit_event)
    if not events:
        return 0
    if head is None:
        session.add(AuditHead(id=1, seq=seq, hash=previous))
    else:
        head.seq, head.hash = seq, previous
    return len(events)


def chain_pending(engine: Engine, *, batch: int = CHAIN_BATCH) -> int:
    """Link every event committed so far into the chain; returns how many were linked.

    Safe to run from any number of threads and processes at once: each batch is one transaction
    under the chain lock, so two chainers never link onto the same head. On a chain that no
    longer fits its head (tampered with) it links nothing, and `verify_chain` names the break.
    """
    total = 0
    while True:
        try:
            with unit_of_work(engine) as session:
                linked = _chain_batch(session, batch)
        except IntegrityError:
            log.error("audit chain head does not fit its events: run `liaison audit verify`")
            return total
        total += linked
        if linked < batch:
            return total


class _Chainer:
    """The background thread of one engine in this process: woken after each commit that wrote
    events, it runs `chain_pending` once for all the commits that came while it worked."""

    def __init__(self, engine: Engine) -> None:
        self.engine = weakref.ref(engine)  # a dropped engine (tests) is not kept alive here
        self.wake = threading.Condition()
        self.pending = False  # a commit came since the last pass began
        self.busy = False  # a pass is running (a process ending now would cut it short)
        self.thread: threading.Thread | None = None

    def notify(self) -> None:
        with self.wake:
            self.pending = True
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="audit-chainer", daemon=True)
                self.thread.start()
            else:
                self.wake.notify()

    def _run(self) -> None:
        while True:
            with self.wake:
                if not self.pending:
                    self.wake.wait(CHAINER_IDLE_SECONDS)
                if not self.pending:
                    self.thread = None
                    return
                self.pending, self.busy = False, True
            try:
                self.chain()
            finally:
                self.busy = False

    def chain(self) -> None:
        engine = self.engine()
        if engine is None:
            return
        try:
            chain_pending(engine)
        except Exception as error:  # the events stay committed, unchained; the next commit retries
            log.warning("audit chainer failed (%s); the events stay unchained until the next pass", error)


_chainers: weakref.WeakKeyDictionary[Engine, _Chainer] = weakref.WeakKeyDictionary()
_chainers_lock = threading.Lock()


def wake_chainer(engine: Engine) -> None:
    """Have this process's chainer link what is committed, soon, without waiting for it."""
    with _chainers_lock:
        chainer = _chainers.get(engine)
        if chainer is None:
            chainer = _chainers[engine] = _Chainer(engine)
    chainer.notify()


@event.listens_for(Session, "after_commit")
def _chain_after_commit(session: Session) -> None:
    engine = session.info.pop(_PENDING, None)
    if engine is not None:
        wake_chainer(engine)


@atexit.register
def _chain_before_exit() -> None:
    """A process that ends (a CLI command, a stopped server) links what it committed."""
    for chainer in list(_chainers.values()):
        if chainer.pending or chainer.busy:
            chainer.chain()


@dataclass(frozen=True)
class ChainReport:
    events: int
    first_broken_seq: int | None = None
    reason: str = ""
    pending: int = 0  # committed events the chainer has not linked yet

    @property
    def is_intact(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash; report the first event that does not fit the chain.

    Events not linked yet are counted as pending, not as a break: `liaison audit verify` links
    them first (`chain_pending`)."""
    previous_hash, expected_seq, count = GENESIS, 1, 0
    # The head first: the chainer may link and commit more while this reads (PostgreSQL reads each
    # statement at its own snapshot), so the events checked are the ones up to the head read here.
    head = session.scalar(select(AuditHead))
    # Pending: not linked yet, or linked after the head was read (so not checked here): counted in
    # one statement after that read, an event is either checked below or counted, never neither.
    not_checked: ColumnElement[bool] = AuditEvent.seq.is_(None)
    if head is not None:
        not_checked = or_(not_checked, AuditEvent.seq > head.seq)
    pending = session.scalar(select(func.count()).where(not_checked)) or 0
    chained = select(*AuditEvent.__table__.c).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq)
    if head is not None:
        chained = chained.where(AuditEvent.seq <= head.seq)
    for row in session.execute(chained).yield_per(5000):
        count += 1
        if row.seq != expected_seq:
            return ChainReport(count, expected_seq, f"event {expected_seq} is missing", pending)
        if row.prev_hash != previous_hash:
            return ChainReport(count, row.seq, "does not link to the event before it", pending)
        if _event_hash(row) != row.hash:
            return ChainReport(count, row.seq, "its content no longer matches its hash", pending)
        previous_hash, expected_seq = row.hash, expected_seq + 1
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != previous_hash):
        return ChainReport(count, last_seq + 1, f"the newest events after {last_seq} were removed", pending)
    if head is None and count:
        return ChainReport(count, 1, "the chain head is missing", pending)
    return ChainReport(count, pending=pending)


def shown_to(reader: Reader, event: AuditEvent) -> dict[str, Any]:
    """An event as this reader may see it: the recorded changes and detail of an event about a
    record the gate hides from them are withheld (who did what to which id, and when, stays)."""
    fields = _fields(event, *WHO_DID_WHAT, "at", "hash", "changes", "detail", "owning_unit", "handling_code")
    if not event.handling_code:
        return fields
    return gate.redact(reader, event, fields, keep=(*WHO_DID_WHAT, "at", "hash"))


@dataclass(frozen=True)
class EventFilter:
    """What the trail is searched by (page and API alike); empty fields do not filter.

    `since` is inclusive and `before` exclusive, both aware instants; `on_or_after`/`on_or_before`
    turn local calendar days into them."""

    actor: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    before: datetime | None = None
    until: datetime | None = None  # inclusive (the API's `until`)
    # the newest event a paged reading shows: its pages stay on the trail as it was at its first
    # page, though every reading of the trail (and any write meanwhile) adds events at the top
    upto: int | None = None


def refused(faults: dict[str, str]) -> Invalid:
    """A filter the trail cannot search by: the summary names each field and its fault."""
    reasons = {name: Phrase(reason) for name, reason in faults.items()}
    summary = Phrase("The audit filter is not right: {faults}", {"faults": Faults(reasons)})
    return Invalid(summary, fields=reasons)


def day_bounds(first: date | None, last: date | None, zone: str) -> tuple[datetime | None, datetime | None]:
    """The instants that bound the local days `first` … `last` (inclusive) in time zone `zone`:
    from the start of `first` to the start of the day after `last`. `Invalid` when `last` is
    before `first`."""
    if first is not None and last is not None and last < first:
        raise refused({"to": "on or after the start date"})
    tz = ZoneInfo(zone)

    def start(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)

    return (
        start(first) if first is not None else None,
        start(last + timedelta(days=1)) if last is not None else None,
    )


def check_filter(wanted: EventFilter) -> EventFilter:
    """`Invalid` for an action word or object type the trail does not know."""
    faults: dict[str, str] = {}
    if wanted.action and wanted.action not in actions():
        faults["action"] = "not an action the audit trail records"
    if wanted.object_type and wanted.object_type not in object_types():
        faults["object_type"] = "not an object type the audit trail records"
    if faults:
        raise refused(faults)
    return wanted


def _filtered(query: Any, wanted: EventFilter) -> Any:
    if wanted.actor:
        query = query.where(AuditEvent.actor == wanted.actor)
    if wanted.object_type:
        query = query.where(AuditEvent.object_type == wanted.object_type)
    if wanted.object_id:
        query = query.where(AuditEvent.object_id == wanted.object_id)
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.since:
        query = query.where(AuditEvent.at >= wanted.since)
    if wanted.before:
        query = query.where(AuditEvent.at < wanted.before)
    if wanted.until:
        query = query.where(AuditEvent.at <= wanted.until)
    if wanted.upto:
        query = query.where(AuditEvent.id <= wanted.upto)
    return query


def newest_event_id(session: Session) -> int:
    """The id of the newest event written (0 for an empty trail): where a paged reading starts."""
    return session.scalar(select(func.max(AuditEvent.id))) or 0


def count_events(session: Session, wanted: EventFilter) -> int:
    return session.scalar(_filtered(select(func.count()).select_from(AuditEvent), wanted)) or 0


def search_events(
    session: Session,
    *,
    actor: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
    wanted: EventFilter | None = None,
) -> list[AuditEvent]:
    if wanted is None:
        wanted = EventFilter(actor, object_type, object_id, since=since, until=until)
    # Events not chained yet are the newest: first, in the order they were written.
    query = select(AuditEvent).order_by(AuditEvent.seq.desc().nulls_first(), AuditEvent.id.desc())
    return list(session.scalars(_filtered(query, wanted).limit(limit).offset(offset)))
