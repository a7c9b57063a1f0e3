"""Record helpers every capability's service uses: fetch or 404, follow a reference, take a
snapshot for the audit trail, find a record by its external reference, and one `today()`.

They live in core so that a capability imports another only for its domain (requests use the
registry's agencies), never for these helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.db import utcnow
from liaison.core.errors import Invalid, NotFound, Phrase
from liaison.core.security import gate
from liaison.core.settings import get_settings


def get_or_404(session: Session, model: type[Any], record_id: int, what: str) -> Any:
    """The record with this id, or `NotFound` naming what was looked for."""
    record = session.get(model, record_id)
    if record is None:
        raise NotFound("No {what} with id {record_id}.", what=Phrase(what), record_id=record_id)
    return record


def no_such(what: str, record_id: int, field: str) -> Invalid:
    """The input's `field` points at no `what` with this id (or one the reader may not see)."""
    return Invalid(
        "No {what} with id {record_id}.",
        what=Phrase(what),
        record_id=record_id,
        fields={field: Phrase("no {what} with this id", {"what": Phrase(what)})},
    )


def referenced(
    session: Session,
    model: type[Any],
    record_id: int | None,
    field: str,
    what: str,
    reader: gate.Reader | None = None,
) -> Any:
    """A record the input points at; `Invalid` (not 404) when it does not exist, or, given the
    `reader` of a `Protected` record, when the gate hides it from them (the same answer)."""
    if record_id is None:
        return None
    record = session.get(model, record_id) if 0 < record_id < 2**63 else None
    if record is None or (reader is not None and not gate.may_read(reader, record)):
        raise no_such(what, record_id, field)
    return record


def snapshot(record: Any, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes of a record, for an audit event's before and after."""
    return {name: getattr(record, name) for name in names}


def by_ref(session: Session, model: type[Any], ref: str | None) -> Any:
    """The record with this external reference, or None (the demo loaders' idempotence)."""
    return session.scalar(select(model).where(model.ref == ref)) if ref else None


def ids_by_ref(session: Session, model: type[Any], refs: list[str] | None) -> list[int]:
    """The ids of the records with these external references; `LookupError` when one is missing."""
    found = []
    for ref in refs or []:
        record = by_ref(session, model, ref)
        if record is None:
            raise LookupError(f"no {model.__tablename__} with ref {ref!r}")
        found.append(record.id)
    return found


def id_by_ref(session: Session, model: type[Any], ref: str | None) -> int | None:
    """The id of the record with this external reference, None when no reference is given."""
    return ids_by_ref(session, model, [ref])[0] if ref else None


def check_period(start: date | None, end: date | None, field: str = "end_date") -> None:
    """`Invalid` when a period ends before it starts (either end may be open)."""
    if start is not None and end is not None and end < start:
        raise Invalid("The end is before the start.", fields={field: "on or after the start"})


def today(now: datetime | None = None, zone: str | None = None) -> date:
    """The date it is now in the node's time zone (`settings.timezone`), or in `zone`.

    Dates users give (due dates, status dates, deadlines) are local dates: at 01:00 in Hà Nội it
    is already tomorrow compared with UTC, and a deadline met "today" must mean the local day.
    """
    return (now or utcnow()).astimezone(ZoneInfo(zone or get_settings().timezone)).date()
