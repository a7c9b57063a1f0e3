"""The correspondence log: notes verbales and letters in and out, with their reference, date,
sending and receiving agencies, subject and the document itself.

Most of a ministry's formal exchange still goes on paper through embassies; the log keeps it
beside the messages so a thread can cite "our note verbale No. 123/BCA of 4 March". An entry
may point at the exchange message it travelled with. Entries carry a handling code and the
recording user's unit like every protected record, and are read through the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Invalid
from liaison.core.listing import paginate
from liaison.core.records import referenced, snapshot
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.exchange import attachment_store
from liaison.exchange.message_models import Correspondence, Message
from liaison.exchange.message_schemas import CorrespondenceIn
from liaison.registry.models import Agency

DIRECTIONS = ("in", "out")
AUDITED = ("direction", "kind", "reference", "dated", "from_agency_id", "to_agency_id", "subject", "sha256")


@dataclass(frozen=True)
class Document:
    """The scanned or electronic note or letter, as uploaded."""

    filename: str
    content_type: str
    content: bytes


def record(
    session: Session, actor: Actor, entry: CorrespondenceIn, document: Document | None = None
) -> Correspondence:
    """Log one note verbale or letter; the document's bytes are kept by their SHA-256."""
    ensure(actor, "exchange.correspondence")
    if entry.from_agency_id == entry.to_agency_id:
        raise Invalid(
            "A note or letter goes from one agency to another.", fields={"to_agency_id": "another agency"}
        )
    referenced(session, Agency, entry.from_agency_id, "from_agency_id", "agency")
    referenced(session, Agency, entry.to_agency_id, "to_agency_id", "agency")
    if entry.message_id is not None:
        gate.get_readable(session, actor, Message, entry.message_id, "message")
    item = Correspondence(
        direction=entry.direction,
        kind=entry.kind,
        reference=entry.reference.strip(),
        dated=entry.dated,
        from_agency_id=entry.from_agency_id,
        to_agency_id=entry.to_agency_id,
        subject=entry.subject.strip(),
        summary=entry.summary,
        handling_code=entry.handling_code,
        owning_unit=actor.unit,
        message_pk=entry.message_id,
        recorded_by=actor.username,
        recorded_at=utcnow(),
    )
    if document is not None and document.content:
        item.filename, item.content_type = document.filename or "document", document.content_type
        item.size_bytes, item.sha256 = len(document.content), attachment_store.keep(document.content)
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "correspondence",
        item.id,
        after=snapshot(item, AUDITED),
        protected=item,
    )
    return item


def get(session: Session, actor: Actor, item_id: int) -> Correspondence:
    ensure(actor, "exchange.messages")
    item = gate.get_readable(session, actor, Correspondence, item_id, "correspondence entry")
    audit.record_read(session, actor.username, "correspondence", item.id, protected=item)
    return item


def log(
    session: Session,
    actor: Actor,
    *,
    direction: str | None = None,
    agency_id: int | None = None,
    text: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Correspondence], int]:
    """The entries this actor may read, newest first, by direction, agency (either side) or text."""
    ensure(actor, "exchange.messages")
    where = [gate.readable(actor, Correspondence)]
    if direction in DIRECTIONS:
        where.append(Correspondence.direction == direction)
    if agency_id is not None:
        where.append(
            or_(Correspondence.from_agency_id == agency_id, Correspondence.to_agency_id == agency_id)
        )
    if text.strip():
        pattern = f"%{text.strip()}%"
        where.append(or_(Correspondence.reference.ilike(pattern), Correspondence.subject.ilike(pattern)))
    query: Select[Any] = (
        select(Correspondence).where(*where).order_by(Correspondence.dated.desc(), Correspondence.id.desc())
    )
    return paginate(session, query, limit, offset)
