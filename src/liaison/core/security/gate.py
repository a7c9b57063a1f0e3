"""The record-access gate: the one rule deciding who may read a protected record.

Every output of a record (API lists and gets, pages, statistics, search, exports, batch hit
files, the review queue, the partner view, the audit trail's details, a message to a partner)
and every write that touches a record asks this module. The rule is written once, in Python
(`may_read`), and the same rule is generated as SQL from `vocab/handling_codes.yaml`
(`readable`), so a list and its total never count what a get would refuse.

The rule, from each handling code's `read_scope`:

- ``everyone``: every user whose role may read that kind of record;
- ``unit_or_supervisor``: users of the owning unit, and supervisors and administrators;
- ``unit``: users of the owning unit only. Administrators of another unit are *not* included:
  they manage accounts, not cases (need to know, as Europol's H3). A code that is not in the
  vocabulary is treated as ``unit``, the strictest scope, never as open.

A hidden record and a missing one answer the same (`get_readable` raises the same `NotFound`),
so a 403 or a 409 can never tell that a hidden record exists. Where a hidden record must still be
mentioned (a screening hit on a restricted person sought alerts, but without its particulars),
`redact` keeps only what may be shown. Records derived from a protected one (a request opened
from a hit, an export, a comment) take the stricter code and the owning unit of their source
through `inherit`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.orm.interfaces import ORMOption

from liaison.core.errors import Invalid, NotFound, Phrase

ReadScope = Literal["everyone", "unit_or_supervisor", "unit"]
SCOPE_RANK: dict[str, int] = {"everyone": 0, "unit_or_supervisor": 1, "unit": 2}
WIDER_READERS = ("supervisor", "admin")
RESTRICTED = "[restricted]"


class Reader(Protocol):
    """Whoever reads: a signed-in user, or the actor of a job started by one."""

    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def unit(self) -> str: ...


class ProtectedRecord(Protocol):
    @property
    def owning_unit(self) -> str: ...
    @property
    def handling_code(self) -> str: ...


class ProtectedModel(Protocol):
    """A table mixing in `core.db.Protected` (its class attributes are SQL columns)."""

    owning_unit: InstrumentedAttribute[str]
    handling_code: InstrumentedAttribute[str]


P = TypeVar("P", bound=ProtectedRecord)


def _codes() -> Mapping[str, Any]:
    from liaison.core.security.policy import handling_codes  # the vocabulary's loader and cache

    return handling_codes().codes


def scope_of(code: str) -> ReadScope:
    """The read scope of a handling code; an unknown code is as strict as the strictest."""
    spec = _codes().get(code)
    return spec.read_scope if spec is not None else "unit"


def check_handling_code(code: str, field: str = "handling_code") -> str:
    """The code itself when the vocabulary declares it; otherwise a field error naming the codes."""
    codes = _codes()
    if code not in codes:
        raise Invalid(
            "Unknown handling code {code!r}; use one of {choices}.",
            code=code,
            choices=list(codes),
            fields={field: Phrase("one of {choices}", {"choices": list(codes)})},
        )
    return code


def strictest(*codes: str) -> str:
    """The code of the narrowest read scope among `codes` (vocabulary order breaks ties)."""
    order = list(_codes())
    known = [code for code in codes if code]
    if not known:
        return order[0]
    return max(known, key=lambda c: (SCOPE_RANK[scope_of(c)], order.index(c) if c in order else len(order)))


def may_pass_on(handling_code: str, *, from_partner: bool, permitted: bool) -> bool:
    """The receiver's rule (SIENA's H2): material a partner provided under a code not every reader
    may see leaves this node (forwarded, exported) only with the provider's permission. The one
    rule for a partner's messages and for its persons sought alike."""
    return not from_partner or scope_of(handling_code) == "everyone" or permitted


def may_read(reader: Reader, record: ProtectedRecord) -> bool:
    """The rule: may this reader see this record's particulars?"""
    scope = scope_of(record.handling_code)
    if scope == "everyone":
        return True
    if record.owning_unit and record.owning_unit == reader.unit:
        return True
    return scope == "unit_or_supervisor" and reader.role in WIDER_READERS


def readable(reader: Reader, model: Any) -> ColumnElement[bool]:
    """`may_read` as a SQL condition on any `Protected` table, generated from the vocabulary."""
    codes = _codes()
    by_scope = {
        scope: [code for code, spec in codes.items() if spec.read_scope == scope] for scope in SCOPE_RANK
    }
    clauses: list[ColumnElement[bool]] = [model.handling_code.in_(by_scope["everyone"])]
    if reader.unit:
        clauses.append(model.owning_unit == reader.unit)
    if reader.role in WIDER_READERS and by_scope["unit_or_supervisor"]:
        clauses.append(model.handling_code.in_(by_scope["unit_or_supervisor"]))
    return or_(false(), *clauses)


def get_readable(
    session: Session,
    reader: Reader,
    model: type[P],
    record_id: int,
    what: str,
    options: Sequence[ORMOption] = (),
) -> P:
    """The record, or the same `NotFound` whether it is missing or hidden from this reader.
    `options` are loader options for what the caller will read of it (one query, not several)."""
    record = session.get(model, record_id, options=options) if 0 < record_id < 2**63 else None
    if record is None or not may_read(reader, record):
        raise NotFound("There is no {what} {record_id}.", what=Phrase(what), record_id=record_id)
    return record


def ensure_readable(reader: Reader, record: ProtectedRecord, what: str, record_id: object) -> None:
    """Refuse to touch (update, link, import over) a record this reader may not read, as if missing."""
    if not may_read(reader, record):
        raise NotFound("There is no {what} {record_id}.", what=Phrase(what), record_id=record_id)


@dataclass(frozen=True)
class Referenced:
    """A row of another capability's `Protected` table, as much as the gate needs of it."""

    id: int
    owning_unit: str
    handling_code: str


def get_all_readable(
    session: Session, reader: Reader, table_name: str, ids: Iterable[int], what: str
) -> list[Referenced]:
    """The records of another capability's table that a write names (a request naming a subject, a
    subject linked to a request), every one readable by this reader; the first missing or hidden
    one raises the same `NotFound`. By table name, so neither capability imports the other; empty
    when the capability holding the table is not installed."""
    from liaison.core.db import Base

    wanted = sorted(set(ids))
    table = Base.metadata.tables.get(table_name)
    if not wanted or table is None:
        return []
    columns = table.c
    rows = session.execute(
        select(columns.id, columns.owning_unit, columns.handling_code).where(
            columns.id.in_([i for i in wanted if 0 < i < 2**63]), readable(reader, columns)
        )
    )
    found = {row.id: Referenced(row.id, row.owning_unit, row.handling_code) for row in rows}
    for record_id in wanted:
        if record_id not in found:
            raise NotFound("There is no {what} {record_id}.", what=Phrase(what), record_id=record_id)
    return [found[i] for i in wanted]


def redact(
    reader: Reader,
    record: ProtectedRecord,
    particulars: Mapping[str, Any],
    keep: Iterable[str] = ("id",),
) -> dict[str, Any]:
    """The particulars this reader may see: all of them, or only `keep` with the rest withheld.

    Every withheld text becomes `RESTRICTED`, every other value `None` (a list becomes empty), so
    no name, date, document number or description of a hidden record leaves through an output.
    The record's handling code and owning unit stay visible: they say whom to ask.
    """
    if may_read(reader, record):
        return dict(particulars)
    kept = set(keep) | {"handling_code", "owning_unit"}
    return {key: value if key in kept else _withheld(value) for key, value in particulars.items()}


def _withheld(value: Any) -> Any:
    if isinstance(value, str):
        return RESTRICTED
    if isinstance(value, list | tuple | set):
        return []
    if isinstance(value, dict):
        return {}
    return None


def label(reader: Reader, record: ProtectedRecord, text: str) -> str:
    """A record's label (a name, a title) as this reader may see it."""
    return text if may_read(reader, record) else RESTRICTED


def inherit(derived: Any, *sources: ProtectedRecord) -> None:
    """Give a derived record the strictest handling code among itself and its sources.

    The owning unit goes with the code: it is the unit of whichever record holds the strictest
    code (the derived record's own on a tie), so a derived record never becomes readable by anyone
    who could not read every source it came from.
    """
    holders: list[Any] = [derived, *sources]
    code = strictest(*(getattr(h, "handling_code", "") for h in holders))
    holder = next((h for h in holders if getattr(h, "handling_code", "") == code), derived)
    derived.handling_code = code
    if holder is not derived and holder.owning_unit:
        derived.owning_unit = holder.owning_unit
