"""The audit trail: an append-only, hash-chained log of every write and every sensitive read.

Each event's hash covers its own fields and the previous event's hash, and `audit_head` keeps
the newest sequence number and hash; `verify_chain` recomputes the whole chain, so changing,
deleting or inserting any row is found. Events are written in the caller's transaction: a write
that rolls back leaves no audit event behind, and an audited write cannot commit without one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from liaison.core.db import utcnow
from liaison.core.models import AuditEvent, AuditHead
from liaison.core.security import gate
from liaison.core.security.gate import ProtectedRecord, Reader
from liaison.core.vocab import VOCAB_DIR, load_vocabulary

GENESIS = "0" * 64
REDACTED = "[redacted]"
SECRET_WORDS = ("password", "secret", "token", "hash")
SYSTEM_ACTOR = "system"
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


WHO_DID_WHAT = ("seq", "actor", "action", "object_type", "object_id")


def _fields(event: AuditEvent, *names: str) -> dict[str, Any]:
    return {name: getattr(event, name) for name in names}


def _event_hash(event: AuditEvent) -> str:
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


def _lock_chain(session: Session) -> AuditHead | None:
    """Serialise appends so two transactions never chain onto the same previous event."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7714)"))
        return session.scalar(select(AuditHead).with_for_update())
    return session.scalar(select(AuditHead))  # SQLite: BEGIN IMMEDIATE already serialises writers


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
    """Append one event; `before`/`after` become a redacted field-by-field difference.

    `action` must be declared in `vocab/audit_actions.yaml`, so the trail speaks one vocabulary.
    `protected` is the record the event is about when it carries a handling code: the event keeps
    that code and owning unit, so the trail shows its particulars only to those who may read them.
    """
    if action not in actions():
        raise UndeclaredAction(f"audit action {action!r} is not declared in {ACTIONS_FILE}")
    head = _lock_chain(session)
    event = AuditEvent(
        seq=(head.seq + 1) if head else 1,
        at=utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=_jsonable(difference(before, after)),
        detail=detail,
        owning_unit=protected.owning_unit if protected is not None else "",
        handling_code=protected.handling_code if protected is not None else "",
        prev_hash=head.hash if head else GENESIS,
    )
    event.hash = _event_hash(event)
    session.add(event)
    if head is None:
        session.add(AuditHead(id=1, seq=event.seq, hash=event.hash))
    else:
        head.seq, head.hash = event.seq, event.hash
    session.flush()
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


@dataclass(frozen=True)
class ChainReport:
    events: int
    first_broken_seq: int | None = None
    reason: str = ""

    @property
    def is_intact(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash; report the first event that does not fit the chain."""
    previous_hash, expected_seq, count = GENESIS, 1, 0
    events: Iterable[AuditEvent] = session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return ChainReport(count, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != previous_hash:
            return ChainReport(count, event.seq, "does not link to the event before it")
        if _event_hash(event) != event.hash:
            return ChainReport(count, event.seq, "its content no longer matches its hash")
        previous_hash, expected_seq = event.hash, expected_seq + 1
    head = session.scalar(select(AuditHead))
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != previous_hash):
        return ChainReport(count, last_seq + 1, f"the newest events after {last_seq} were removed")
    if head is None and count:
        return ChainReport(count, 1, "the chain head is missing")
    return ChainReport(count)


def shown_to(reader: Reader, event: AuditEvent) -> dict[str, Any]:
    """An event as this reader may see it: the recorded changes and detail of an event about a
    record the gate hides from them are withheld (who did what to which id, and when, stays)."""
    fields = _fields(event, *WHO_DID_WHAT, "at", "hash", "changes", "detail", "owning_unit", "handling_code")
    if not event.handling_code:
        return fields
    return gate.redact(reader, event, fields, keep=(*WHO_DID_WHAT, "at", "hash"))


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
) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at <= until)
    return list(session.scalars(query.limit(limit).offset(offset)))
