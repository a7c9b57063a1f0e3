"""The logic of persons sought: plain functions `(session, actor, ...)`, used alike by the API,
the pages, the CLI and the importers.

- Every read of a subject is audited (`audit.record_read`) and passes the record-access gate
  (`core.security.gate`): gets answer a hidden subject as missing, lists filter with
  `gate.readable` in SQL, so totals never count hidden subjects, and writes (updates, imports,
  links) touch only subjects and requests the writer may read.
- Names are stored as written, with their search keys in `subject_name_key`: the keys screening
  indexes a name by (`liaison.names.search`), so that a spelling screening finds, the search
  box finds, and search by any spelling is an indexed lookup.
- Notices are in force until their expiry date: `notice_status` and `active_notice` compute that
  when read, so no job has to touch expired notices.
- `store_subjects` writes whole subjects in bulk; the importers and `create_subject` share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    false,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.db import Base, utcnow
from liaison.core.errors import Conflict, FieldName, Forbidden, Invalid, NotFound, Phrase
from liaison.core.events import SubjectChanged, publish
from liaison.core.listing import apply_sort, paginate
from liaison.core.records import snapshot
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import allowed_next, check_move
from liaison.names.keys import name_forms
from liaison.names.script import detect_script
from liaison.names.search import query_terms, stored_keys
from liaison.subjects import values
from liaison.subjects.models import (
    MANUAL_SOURCE,
    PARTNER_SOURCE,
    Notice,
    Subject,
    SubjectBirthDate,
    SubjectCharge,
    SubjectDocument,
    SubjectName,
    SubjectNameKey,
    SubjectNationality,
    SubjectRequestLink,
    SubjectStatusChange,
)
from liaison.subjects.schemas import (
    ChargeIn,
    DocumentIn,
    NameIn,
    NoticeIn,
    NoticeOut,
    RequestLinkIn,
    SubjectIn,
    SubjectOut,
    SubjectPatch,
    SubjectSummary,
)
from liaison.subjects.vocabulary import vocabulary

READ, WRITE, IMPORT, EXPORT = "subjects.read", "subjects.write", "subjects.import", "subjects.export"
DEFAULT_SORT = "name"  # the list page's headers show it too
SORTS = {
    "name": Subject.primary_name,
    "status": Subject.status,
    "id": Subject.id,
    "updated": Subject.updated_at,
}
SUBJECT_RELATIONS = (
    "names", "birth_dates", "nationalities", "documents", "charges", "notices", "status_changes",
    "request_links",
)  # fmt: skip
NAME_COLUMNS = ("full_name", "script", "language", "kind", "given_name", "family_name", "name_order")
CHILD_TABLES = (SubjectBirthDate, SubjectNationality, SubjectDocument, SubjectCharge, Notice)


# --- checking input --------------------------------------------------------------------------


@dataclass
class CleanSubject:
    """A subject's rows, checked and normalised, ready to store (without ids)."""

    subject: dict[str, Any]
    names: list[dict[str, Any]]
    birth_dates: list[dict[str, Any]] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    charges: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)

    @property
    def document_keys(self) -> list[tuple[str, str, str]]:
        return [(d["number_key"], d["kind"], d["country"]) for d in self.documents]


class _Checker:
    """Collects every problem of one input as {field: reason}, so a user sees them all at once."""

    def __init__(self) -> None:
        self.problems: dict[str, str | Phrase] = {}

    def term(self, where: str, code: str, terms: dict[str, Any]) -> str:
        if code not in terms:
            self.problems[where] = Phrase(
                "{code!r} is not one of {choices}", {"code": code, "choices": list(terms)}
            )
        return code

    def value(self, where: str, check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except ValueError as error:
            self.problems[where] = str(error)
            return None

    def raise_if_any(self, what: str) -> None:
        if self.problems:
            first = next(iter(self.problems.items()))
            raise Invalid(
                "{what}: {field}: {reason}",
                what=Phrase(what),
                field=FieldName(first[0]),
                reason=first[1] if isinstance(first[1], Phrase) else Phrase(first[1]),
                fields=self.problems,
            )


def _name_row(check: _Checker, where: str, name: NameIn) -> dict[str, Any]:
    vocab = vocabulary()
    check.term(f"{where}.kind", name.kind, vocab.name_kinds)
    check.term(f"{where}.name_order", name.name_order, vocab.name_orders)
    if not name_forms(name.full_name):
        check.problems[f"{where}.full_name"] = "a name needs at least one letter or digit"
    return {
        "full_name": name.full_name,
        "script": detect_script(name.full_name),
        "language": name.language,
        "kind": name.kind,
        "given_name": name.given_name,
        "family_name": name.family_name,
        "name_order": name.name_order,
    }


def _document_row(check: _Checker, where: str, document: DocumentIn) -> dict[str, Any]:
    check.term(f"{where}.kind", document.kind, vocabulary().document_kinds)
    number_key = values.document_key(document.number)
    if not number_key:
        check.problems[f"{where}.number"] = "a document number needs letters or digits"
    if document.issued_on and document.expires_on and document.expires_on < document.issued_on:
        check.problems[f"{where}.expires_on"] = "expires before it was issued"
    return {
        "kind": document.kind,
        "number": document.number,
        "number_key": number_key,
        "country": check.value(f"{where}.country", values.clean_country, document.country) or "",
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
    }


def _charge_row(check: _Checker, where: str, charge: ChargeIn) -> dict[str, Any]:
    row = charge.model_dump()
    row["crime_area"] = check.value(f"{where}.crime_area", values.clean_crime_area, charge.crime_area) or ""
    row["issuing_country"] = (
        check.value(f"{where}.issuing_country", values.clean_country, charge.issuing_country) or ""
    )
    return row


def _notice_row(check: _Checker, where: str, notice: NoticeIn) -> dict[str, Any]:
    check.term(f"{where}.kind", notice.kind, vocabulary().notice_kinds)
    if notice.issued_on and notice.expires_on and notice.expires_on < notice.issued_on:
        check.problems[f"{where}.expires_on"] = "expires before it was issued"
    return {**notice.model_dump(), "status": "active"}


def clean_subject(data: SubjectIn, actor: Actor) -> CleanSubject:
    """Check a subject's meaning (vocabularies, dates, countries); raise `Invalid` listing every problem."""
    vocab = vocabulary()
    check = _Checker()
    names = [_name_row(check, f"names.{i}", name) for i, name in enumerate(data.names)]
    birth_dates = []
    for i, text in enumerate(data.birth_dates):
        parsed = check.value(f"birth_dates.{i}", values.parse_birth_date, text)
        if parsed is not None:
            birth_dates.append(
                {
                    "value": parsed.value,
                    "precision": parsed.precision,
                    "year_from": parsed.year_from,
                    "year_to": parsed.year_to,
                }
            )
    nationalities = [
        check.value(f"nationalities.{i}", values.clean_country, c, allow_empty=False)
        for i, c in enumerate(data.nationalities)
    ]
    documents = [_document_row(check, f"documents.{i}", d) for i, d in enumerate(data.documents)]
    seen: set[tuple[str, str, str]] = set()
    for i, document in enumerate(documents):
        key = (document["number_key"], document["kind"], document["country"])
        if key in seen:
            check.problems[f"documents.{i}.number"] = f"document {document['number']} is given twice"
        seen.add(key)
    charges = [_charge_row(check, f"charges.{i}", c) for i, c in enumerate(data.charges)]
    notices = [_notice_row(check, f"notices.{i}", n) for i, n in enumerate(data.notices)]
    check.term("gender", data.gender, vocab.genders)
    believed = check.value("believed_country", values.clean_country, data.believed_country) or ""
    check.raise_if_any("The subject cannot be saved")
    primary = next((n for n in names if n["kind"] == "primary"), names[0])
    return CleanSubject(
        subject={
            "primary_name": primary["full_name"],
            "gender": data.gender,
            "birth_place": data.birth_place,
            "believed_country": believed,
            "description": data.description,
            "handling_code": data.handling_code,
            "owning_unit": actor.unit if data.owning_unit is None else data.owning_unit,
        },
        names=names,
        birth_dates=birth_dates,
        nationalities=list(dict.fromkeys(n for n in nationalities if n)),
        documents=documents,
        charges=charges,
        notices=notices,
    )


def parse_subject(payload: dict[str, Any], actor: Actor) -> CleanSubject:
    """A subject from a plain dict (an imported row): shape and meaning checked in one go."""
    try:
        data = SubjectIn.model_validate(payload)
    except ValidationError as error:
        raise Invalid.from_validation(
            error.errors(), "The row is not right: {faults}", whole="row"
        ) from error
    return clean_subject(data, actor)


# --- storing ---------------------------------------------------------------------------------


def _key_rows(subject_id: int, name_id: int, full_name: str) -> list[dict[str, Any]]:
    return [
        {"subject_id": subject_id, "name_id": name_id, "key": key} for key in sorted(stored_keys(full_name))
    ]


def document_owners(
    session: Session, keys: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str, str], int]:
    """Which subject holds each (number_key, kind, country) that is already stored."""
    wanted = set(keys)
    if not wanted:
        return {}
    rows = session.execute(
        select(
            SubjectDocument.number_key,
            SubjectDocument.kind,
            SubjectDocument.country,
            SubjectDocument.subject_id,
        ).where(SubjectDocument.number_key.in_({key[0] for key in wanted}))
    )
    return {(k, kind, c): owner for k, kind, c, owner in rows if (k, kind, c) in wanted}


def _insert_children(
    session: Session, rows_by_subject: Sequence[tuple[int, CleanSubject]], imported: bool
) -> None:
    """Insert names (returning ids for their keys) and every other child row, in bulk."""
    name_rows = [
        (sid, imported, *(name[column] for column in NAME_COLUMNS))
        for sid, clean in rows_by_subject
        for name in clean.names
    ]
    if name_rows:
        # Plain executemany and one query for the new ids: much faster on SQLite than RETURNING.
        _insert_plain(session, "subject_name", ("subject_id", "imported", *NAME_COLUMNS), name_rows)
        # The subjects are new, or their imported names were just removed: every name of theirs
        # with this `imported` flag is one inserted here.
        subject_ids = list({sid for sid, _ in rows_by_subject})
        inserted = session.execute(
            select(SubjectName.id, SubjectName.subject_id, SubjectName.full_name).where(
                SubjectName.subject_id.in_(subject_ids), SubjectName.imported == imported
            )
        )
        key_rows = [
            (sid, name_id, key)
            for name_id, sid, full_name in inserted
            for key in sorted(stored_keys(full_name))
        ]
        _insert_plain(session, "subject_name_key", ("subject_id", "name_id", "key"), key_rows)
    _insert_plain(
        session,
        "subject_nationality",
        ("subject_id", "country", "imported"),
        [(sid, n, imported) for sid, c in rows_by_subject for n in c.nationalities],
    )
    _insert_plain(
        session,
        "subject_birth_date",
        ("subject_id", "value", "precision", "year_from", "year_to", "imported"),
        [
            (sid, d["value"], d["precision"], d["year_from"], d["year_to"], imported)
            for sid, c in rows_by_subject
            for d in c.birth_dates
        ],
    )
    children: list[tuple[type[Any], list[dict[str, Any]]]] = [
        (SubjectDocument, [{**d, "subject_id": sid} for sid, c in rows_by_subject for d in c.documents]),
        (SubjectCharge, [{**d, "subject_id": sid} for sid, c in rows_by_subject for d in c.charges]),
        (
            Notice,
            [
                {**d, "subject_id": sid, "created_at": utcnow()}
                for sid, c in rows_by_subject
                for d in c.notices
            ],
        ),
    ]
    for table, rows in children:
        if rows:
            session.execute(table.__table__.insert(), [{**row, "imported": imported} for row in rows])


def _insert_plain(
    session: Session, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """A bulk insert of plain values (text, numbers, booleans) straight through the driver's
    executemany: for the tables with most rows, SQLAlchemy's per-row work cost more than SQLite's."""
    if not rows:
        return
    connection = session.connection()
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(connection.dialect.paramstyle)
    if marker is None:  # another driver: let SQLAlchemy do it
        target = Base.metadata.tables[table]
        session.execute(target.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    names = ", ".join(f'"{column}"' for column in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join([marker] * len(columns))})"
    connection.exec_driver_sql(sql, rows)


def _remove_imported_children(session: Session, subject_ids: list[int]) -> None:
    """Before a re-import: drop what the last import brought, keep what officers added."""
    imported_names = select(SubjectName.id).where(
        SubjectName.subject_id.in_(subject_ids), SubjectName.imported
    )
    session.execute(delete(SubjectNameKey).where(SubjectNameKey.name_id.in_(imported_names)))
    session.execute(delete(SubjectName).where(SubjectName.subject_id.in_(subject_ids), SubjectName.imported))
    for table in CHILD_TABLES:
        session.execute(delete(table).where(table.subject_id.in_(subject_ids), table.imported))


def store_subjects(
    session: Session,
    actor: Actor,
    source: str,
    items: Sequence[tuple[str | None, CleanSubject]],
    *,
    imported: bool,
) -> list[tuple[int, bool]]:
    """Create or update whole subjects in bulk, keyed by (source, source id); (id, created) for each.

    An existing subject keeps its status, history, links and the rows officers added; what the
    source says (names, dates, documents, charges, notices, particulars) replaces the last import.
    """
    keyed = [source_id for source_id, _ in items if source_id is not None]
    existing: dict[str, int] = {}
    if keyed:
        existing = {
            sid: subject_id
            for sid, subject_id in session.execute(
                select(Subject.source_id, Subject.id).where(
                    Subject.source == source, Subject.source_id.in_(keyed)
                )
            )
            if sid is not None
        }
    now, initial = utcnow(), vocabulary().initial_status
    updates = [(existing[sid], clean) for sid, clean in items if sid is not None and sid in existing]
    creates = [(sid, clean) for sid, clean in items if sid is None or sid not in existing]
    if updates:
        session.execute(
            update(Subject),
            [
                {**_updatable(clean.subject), "id": subject_id, "updated_at": now}
                for subject_id, clean in updates
            ],
        )
        _remove_imported_children(session, [subject_id for subject_id, _ in updates])
    created_ids: list[int] = []
    if creates:
        created_ids = _insert_subjects(
            session,
            source,
            [
                {**clean.subject, "source": source, "source_id": sid, "status": initial, "created_at": now,
                 "updated_at": now}
                for sid, clean in creates
            ],
        )  # fmt: skip
        session.execute(
            SubjectStatusChange.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "subject_id": i,
                    "from_status": "",
                    "to_status": initial,
                    "at": now,
                    "actor": actor.username,
                    "note": "" if source == MANUAL_SOURCE else f"imported from {source}",
                }
                for i in created_ids
            ],
        )
    pairs = list(zip(created_ids, (clean for _, clean in creates), strict=True)) + updates
    _insert_children(session, pairs, imported)
    by_item = dict(zip((id(clean) for _, clean in creates), created_ids, strict=True))
    publish(
        session,
        SubjectChanged(
            actor=actor.username, subject_ids=(*created_ids, *(i for i, _ in updates)), change="stored"
        ),
    )
    return [
        (existing[sid], False) if sid is not None and sid in existing else (by_item[id(clean)], True)
        for sid, clean in items
    ]


def _insert_subjects(session: Session, source: str, rows: list[dict[str, Any]]) -> list[int]:
    """Insert subject rows; their ids in the same order."""
    table: Any = Subject.__table__
    if any(row["source_id"] is None for row in rows):
        return [session.execute(table.insert().returning(table.c.id), row).scalar_one() for row in rows]
    session.execute(table.insert(), rows)
    ids = dict(
        session.execute(
            select(Subject.source_id, Subject.id).where(
                Subject.source == source, Subject.source_id.in_([row["source_id"] for row in rows])
            )
        ).all()
    )
    return [ids[row["source_id"]] for row in rows]


def _updatable(subject: dict[str, Any]) -> dict[str, Any]:
    """What an import may change on an existing subject (not its handling code or owning unit)."""
    return {k: v for k, v in subject.items() if k not in ("handling_code", "owning_unit")}


# --- reading ---------------------------------------------------------------------------------


def notice_status(notice: Notice, today: date | None = None) -> str:
    """active, withdrawn or expired: an active notice past its expiry date reads as expired."""
    today = today or utcnow().date()
    if notice.status == "active" and notice.expires_on is not None and notice.expires_on < today:
        return "expired"
    return notice.status


def active_notice(today: date | None = None) -> ColumnElement[bool]:
    """SQL for notices in force on `today` (the same rule as `notice_status`)."""
    today = today or utcnow().date()
    return and_(Notice.status == "active", or_(Notice.expires_on.is_(None), Notice.expires_on >= today))


def _load(session: Session, subject_id: int) -> Subject:
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFound("There is no subject {subject_id}.", subject_id=subject_id)
    return subject


def _readable(session: Session, actor: Actor, subject_id: int, action: str = READ) -> Subject:
    """A subject the actor's role may act on and the gate lets them read; hidden answers as missing."""
    ensure(actor, READ)
    if action != READ:
        ensure(actor, action)
    return gate.get_readable(session, actor, Subject, subject_id, "subject")


def _editable(session: Session, actor: Actor, subject_id: int) -> Subject:
    """A subject the actor may change: readable, and owned by this node (`ensure_owned_here`)."""
    subject = _readable(session, actor, subject_id, WRITE)
    ensure_owned_here(subject, actor)
    return subject


def ensure_owned_here(subject: Subject, actor: Actor) -> None:
    """A partner's copy (source `node:<owner>`) changes only by its owner's next share, made by
    the owner's node actor (`node:<owner>`): a local edit would be silently replaced by it."""
    owner = owner_node(subject)
    if owner is not None and actor.username != f"{PARTNER_SOURCE}{owner}":
        raise Conflict(
            "Person sought {subject_id} is owned by node {node}; ask its owner.",
            subject_id=subject.id,
            node=owner,
            allowed=[],
        )


def notice_out(notice: Notice) -> NoticeOut:
    kind = vocabulary().notice_kinds.get(notice.kind)
    return NoticeOut(
        id=notice.id,
        subject_id=notice.subject_id,
        kind=notice.kind,
        colour=kind.colour if kind else None,
        reference=notice.reference,
        issuer=notice.issuer,
        issued_on=notice.issued_on,
        expires_on=notice.expires_on,
        status=notice_status(notice),
        reason=notice.reason,
    )


def summary_out(subject: Subject) -> SubjectSummary:
    return SubjectSummary(
        id=subject.id,
        primary_name=subject.primary_name,
        status=subject.status,
        gender=subject.gender,
        believed_country=subject.believed_country,
        nationalities=[n.country for n in subject.nationalities],
        birth_dates=[b.value for b in subject.birth_dates],
        handling_code=subject.handling_code,
        source=subject.source,
        source_id=subject.source_id,
    )


def subject_out(subject: Subject) -> SubjectOut:
    return SubjectOut(
        **summary_out(subject).model_dump(),
        birth_place=subject.birth_place,
        description=subject.description,
        owning_unit=subject.owning_unit,
        names=subject.names,
        documents=subject.documents,
        charges=subject.charges,
        notices=[notice_out(n) for n in subject.notices],
        status_history=subject.status_changes,
        requests=subject.request_links,
        next_statuses=allowed_next(vocabulary().statuses, subject.status),
        proposals=[p for p in subject.status_proposals if not p.decision],
        created_at=subject.created_at,
        updated_at=subject.updated_at,
    )


def owner_node(subject: Subject) -> str | None:
    """The partner node that owns this subject (it shared its copy here), or None for our own."""
    source = subject.source or ""
    return source.removeprefix(PARTNER_SOURCE) if source.startswith(PARTNER_SOURCE) else None


def may_pass_on(subject: Subject) -> bool:
    """May this subject leave in an export? The receiver's rule (`gate.may_pass_on`): a partner's
    H2/H3 copy only once its provider allowed it."""
    return gate.may_pass_on(
        subject.handling_code,
        from_partner=owner_node(subject) is not None,
        permitted=subject.onward_permitted,
    )


def ensure_may_pass_on(session: Session, actor: Actor, subject: Subject) -> None:
    """Refuse (403, audited) to pass on a partner's restricted copy without its provider's permission."""
    if may_pass_on(subject):
        return
    audit.record(
        session, actor.username, "denied", "subject", subject.id,
        detail="export without the provider's permission", protected=subject,
    )  # fmt: skip
    raise Forbidden(
        "Person sought {subject_id} is {code} material of partner node {node}: it may not be "
        "passed on without the provider's permission.",
        subject_id=subject.id,
        code=subject.handling_code,
        node=owner_node(subject),
    )


def permit_onward(session: Session, actor: Actor, subject: Subject) -> None:
    """The provider allowed its copy here to be passed on (its node's envelope says so); audited."""
    if subject.onward_permitted:
        return
    subject.onward_permitted = True
    audit.record(
        session, actor.username, "update", "subject", subject.id, before={"onward_permitted": False},
        after={"onward_permitted": True}, detail=f"passing on permitted by {owner_node(subject)}",
        protected=subject,
    )  # fmt: skip


def get_subject(session: Session, actor: Actor, subject_id: int) -> Subject:
    """One subject, for an actor whose role and the subject's handling code allow it; audited."""
    subject = _readable(session, actor, subject_id)
    audit.record_read(session, actor.username, "subject", subject.id, protected=subject)
    return subject


@dataclass(frozen=True)
class SubjectQuery:
    """What to look for: any name form (`q`, also tried as a document number), a document
    number, a birth year, a status, a nationality, or an active notice of a kind."""

    q: str = ""
    document: str = ""
    birth_year: int | None = None
    status: str = ""
    nationality: str = ""
    notice_kind: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.q or self.document or self.birth_year or self.status or self.nationality or self.notice_kind
        )


def _ids_with_name(session: Session, query: str) -> list[int] | None:
    """Subjects with a name matching `query` as screening reads it (`names.search.query_terms`):
    for one reading of the query, one name of the subject holding a key of each of its terms, in
    any order. Each term is a range scan of the key index, intersected by name.

    Run once, as plain SQL, before the search's own statement, which takes the ids: a query
    gives a union of a few intersections of long `IN` lists, in a shape that differs from query
    to query, and having SQLAlchemy build and compile that (twice, for the page and the total)
    cost several times what the database spends running it."""
    readings = query_terms(query)
    if not readings:
        return None
    connection = session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    values: list[str] = []
    unions = []
    for number, terms in enumerate(readings):
        names = []
        for term in terms:
            values.extend(sorted(term))
            keys = ", ".join([marker] * len(term))
            names.append(f"SELECT name_id, subject_id FROM subject_name_key WHERE key IN ({keys})")
        unions.append(f"SELECT subject_id FROM ({' INTERSECT '.join(names)}) AS reading_{number}")
    return [row[0] for row in connection.exec_driver_sql(" UNION ".join(unions), tuple(values))]


def _ids_with_document(number: str) -> Select[Any] | None:
    key = values.document_key(number)
    if not key:
        return None
    return select(SubjectDocument.subject_id).where(SubjectDocument.number_key == key)


def search_query(session: Session, actor: Actor, query: SubjectQuery) -> Select[Any]:
    """The subjects the actor may read that match `query` (the name match is run already)."""
    statement = select(Subject).where(gate.readable(actor, Subject))
    if query.q:
        matches: list[ColumnElement[bool]] = []
        named = _ids_with_name(session, query.q)
        if named is not None:
            # the ids written into the SQL: no limit on bound values however many subjects match
            matches.append(Subject.id.in_(bindparam("named", named, expanding=True, literal_execute=True)))
        by_document = _ids_with_document(query.q)
        if by_document is not None:
            matches.append(Subject.id.in_(by_document))
        statement = statement.where(or_(*matches) if matches else false())
    if query.document:
        by_document = _ids_with_document(query.document)
        statement = statement.where(Subject.id.in_(by_document) if by_document is not None else false())
    if query.birth_year:
        statement = statement.where(
            Subject.id.in_(
                select(SubjectBirthDate.subject_id).where(
                    SubjectBirthDate.year_from <= query.birth_year,
                    SubjectBirthDate.year_to >= query.birth_year,
                )
            )
        )
    if query.status:
        statement = statement.where(Subject.status == query.status)
    if query.nationality:
        statement = statement.where(
            Subject.id.in_(
                select(SubjectNationality.subject_id).where(
                    SubjectNationality.country == query.nationality.upper()
                )
            )
        )
    if query.notice_kind:
        statement = statement.where(
            Subject.id.in_(select(Notice.subject_id).where(Notice.kind == query.notice_kind, active_notice()))
        )
    return statement


def search_subjects(
    session: Session,
    actor: Actor,
    query: SubjectQuery,
    *,
    limit: int = 50,
    offset: int = 0,
    sort: str | None = None,
) -> tuple[list[Subject], int]:
    """Subjects the actor may read that match `query`, a page at a time; the search is audited."""
    ensure(actor, READ)
    statement = apply_sort(search_query(session, actor, query), sort, SORTS, DEFAULT_SORT)
    statement = statement.options(selectinload(Subject.nationalities), selectinload(Subject.birth_dates))
    subjects, total = paginate(session, statement, limit, offset)
    detail = ", ".join(f"{k}={v}" for k, v in vars(query).items() if v) or "list"
    audit.record_read(
        session, actor.username, "subject", "*", detail=f"search {detail}: {total} found"[:500],
        protected=found_among(actor, subjects),
    )  # fmt: skip
    return subjects, total


def found_among(actor: Actor, subjects: Sequence[Subject]) -> gate.Referenced | None:
    """What a search or export event inherits: the strictest code among the subjects it found,
    owned by the searcher's unit, so the trail never tells another unit that a query hit a hidden
    subject. None when nothing restricted was found."""
    code = gate.strictest(*(s.handling_code for s in subjects))
    if not subjects or gate.scope_of(code) == "everyone":
        return None
    return gate.Referenced(0, actor.unit, code)


# --- changing --------------------------------------------------------------------------------


def _raise_duplicate_documents(
    session: Session, actor: Actor, clean: CleanSubject, subject_id: int | None = None
) -> None:
    owners = document_owners(session, clean.document_keys)
    taken = {key: owner for key, owner in owners.items() if owner != subject_id}
    if not taken:
        return
    (number_key, kind, country), owner = next(iter(taken.items()))
    document_kind = vocabulary().document_kinds.get(kind, kind)
    if may_name_holder(session, actor, owner):
        raise Conflict(
            "Document {kind} {number} ({country}) already belongs to subject {owner}.",
            kind=document_kind,
            number=number_key,
            country=country or "—",
            owner=owner,
            subject_id=owner,
        )
    raise Conflict(
        "Document {kind} {number} ({country}) is already recorded for another person sought.",
        kind=document_kind,
        number=number_key,
        country=country or "—",
    )


def may_name_holder(session: Session, actor: Actor, owner: int) -> bool:
    """Whether a conflict may name the subject holding a document: only one the actor may read, so
    a conflict is no oracle for a hidden person (no id, no unit)."""
    subject = session.get(Subject, owner)
    return subject is not None and gate.may_read(actor, subject)


def held_by(session: Session, actor: Actor, owner: int) -> str:
    """Who holds a document already, in an import's English report, as this actor may be told."""
    if may_name_holder(session, actor, owner):
        return f"already belongs to subject {owner}"
    return "is already recorded for another person sought"


def create_subject(session: Session, actor: Actor, data: SubjectIn) -> Subject:
    ensure(actor, WRITE)
    clean = clean_subject(data, actor)
    _raise_duplicate_documents(session, actor, clean)
    [(subject_id, _)] = store_subjects(session, actor, MANUAL_SOURCE, [(None, clean)], imported=False)
    subject = _load(session, subject_id)
    audit.record(
        session, actor.username, "create", "subject", subject_id, after=clean.subject, protected=subject
    )
    return subject


def update_subject(session: Session, actor: Actor, subject_id: int, patch: SubjectPatch) -> Subject:
    subject = _editable(session, actor, subject_id)
    check = _Checker()
    changes = patch.model_dump(exclude_none=True)
    if "gender" in changes:
        check.term("gender", changes["gender"], vocabulary().genders)
    if "believed_country" in changes:
        changes["believed_country"] = check.value(
            "believed_country", values.clean_country, changes["believed_country"]
        )
    check.raise_if_any("The subject cannot be changed")
    before = {key: getattr(subject, key) for key in changes}
    for key, value in changes.items():
        setattr(subject, key, value)
    audit.record(
        session,
        actor.username,
        "update",
        "subject",
        subject.id,
        before=before,
        after=changes,
        protected=subject,
    )
    publish(session, SubjectChanged(actor=actor.username, subject_ids=(subject.id,), change="update"))
    return subject


def _child_changed(
    session: Session,
    actor: Actor,
    subject: Subject,
    change: str,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> None:
    """A name, document or charge of the subject was added or corrected: the subject is changed
    (so it is screened again), audited and published."""
    subject.updated_at = utcnow()
    session.flush()
    audit.record(
        session, actor.username, change, "subject", subject.id, before=before, after=after, protected=subject
    )
    publish(session, SubjectChanged(actor=actor.username, subject_ids=(subject.id,), change=change))
    session.expire(subject)


def _child_added(session: Session, actor: Actor, subject: Subject, what: str, row: dict[str, Any]) -> None:
    _child_changed(session, actor, subject, f"add {what}", row)


def add_name(session: Session, actor: Actor, subject_id: int, data: NameIn) -> SubjectName:
    subject = _editable(session, actor, subject_id)
    check = _Checker()
    row = _name_row(check, "name", data)
    check.raise_if_any("The name cannot be added")
    name = SubjectName(subject_id=subject.id, **row)
    session.add(name)
    session.flush()
    session.execute(SubjectNameKey.__table__.insert(), _key_rows(subject.id, name.id, name.full_name))  # type: ignore[attr-defined]
    if data.kind == "primary":
        subject.primary_name = data.full_name
    _child_added(session, actor, subject, "name", row)
    return name


def _part(session: Session, subject: Subject, what: str, part_id: int) -> Any:
    """The subject's name, identity document or charge `part_id`; one of another file (or none)
    answers as missing."""
    model = PART_MODELS[what]
    row = cast("SubjectName | SubjectDocument | SubjectCharge | None", session.get(model, part_id))
    if row is None or row.subject_id != subject.id:
        raise NotFound(
            "Person sought {subject_id} has no {what} {part_id}.",
            subject_id=subject.id,
            what=Phrase(what),
            part_id=part_id,
        )
    return row


def correct_name(session: Session, actor: Actor, subject_id: int, name_id: int, data: NameIn) -> SubjectName:
    """Correct a name as written (a typo, the wrong kind or language): the name is re-keyed for
    search and screening at once, and the subject changes so its hits are screened again. The
    primary name stays primary, so the file always has one."""
    subject = _editable(session, actor, subject_id)
    name: SubjectName = _part(session, subject, "name", name_id)
    check = _Checker()
    row = _name_row(check, "name", data)
    if name.kind == "primary" and data.kind != "primary":
        check.problems["name.kind"] = "the primary name stays primary; add another name instead"
    check.raise_if_any("The name cannot be corrected")
    before = {column: getattr(name, column) for column in row}
    for column, value in row.items():
        setattr(name, column, value)
    session.execute(delete(SubjectNameKey).where(SubjectNameKey.name_id == name.id))
    session.execute(SubjectNameKey.__table__.insert(), _key_rows(subject.id, name.id, name.full_name))  # type: ignore[attr-defined]
    if name.kind == "primary":
        subject.primary_name = name.full_name
    _child_changed(session, actor, subject, "correct name", row, before)
    return name


def add_document(session: Session, actor: Actor, subject_id: int, data: DocumentIn) -> SubjectDocument:
    subject = _editable(session, actor, subject_id)
    check = _Checker()
    row = _document_row(check, "document", data)
    check.raise_if_any("The document cannot be added")
    clean = CleanSubject(subject={}, names=[], documents=[row])
    _raise_duplicate_documents(session, actor, clean)
    document = SubjectDocument(subject_id=subject.id, **row)
    session.add(document)
    _child_added(session, actor, subject, "document", row)
    return document


def correct_document(
    session: Session, actor: Actor, subject_id: int, document_id: int, data: DocumentIn
) -> SubjectDocument:
    """Correct an identity document (a mistyped number, the wrong kind, country or dates), all
    fields as when added: the subject changes so screening matches the corrected number at once.
    A number, kind and country another document already has (this subject's or another's) is a
    409, as when added."""
    subject = _editable(session, actor, subject_id)
    document: SubjectDocument = _part(session, subject, "document", document_id)
    check = _Checker()
    row = _document_row(check, "document", data)
    check.raise_if_any("The document cannot be corrected")
    clean = CleanSubject(subject={}, names=[], documents=[row])
    if clean.document_keys != [(document.number_key, document.kind, document.country)]:
        _raise_duplicate_documents(session, actor, clean)
    before = {column: getattr(document, column) for column in row}
    for column, value in row.items():
        setattr(document, column, value)
    _child_changed(session, actor, subject, "correct document", row, before)
    return document


def add_charge(session: Session, actor: Actor, subject_id: int, data: ChargeIn) -> SubjectCharge:
    subject = _editable(session, actor, subject_id)
    check = _Checker()
    row = _charge_row(check, "charge", data)
    check.raise_if_any("The charge cannot be added")
    charge = SubjectCharge(subject_id=subject.id, **row)
    session.add(charge)
    _child_added(session, actor, subject, "charge", row)
    return charge


def correct_charge(
    session: Session, actor: Actor, subject_id: int, charge_id: int, data: ChargeIn
) -> SubjectCharge:
    """Correct a charge (its offence, provision, authority or warrant), all fields as when added."""
    subject = _editable(session, actor, subject_id)
    charge: SubjectCharge = _part(session, subject, "charge", charge_id)
    check = _Checker()
    row = _charge_row(check, "charge", data)
    check.raise_if_any("The charge cannot be corrected")
    before = {column: getattr(charge, column) for column in row}
    for column, value in row.items():
        setattr(charge, column, value)
    _child_changed(session, actor, subject, "correct charge", row, before)
    return charge


MAX_REASON = 500


def _remove(session: Session, actor: Actor, subject_id: int, what: str, part_id: int, reason: str) -> Subject:
    """Take a name, identity document or charge recorded by mistake off a person sought, saying
    why: the audit trail keeps what it was, who removed it, when and why, and screening stops
    matching it. What came with an imported list is corrected in that list (its next import
    would bring it back); the primary name stays (it is corrected instead)."""
    model = PART_MODELS[what]
    subject = _editable(session, actor, subject_id)
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise Invalid(
            "Say why it is removed (1 to {maximum} characters).",
            maximum=MAX_REASON,
            fields={"reason": Phrase("1 to {maximum}", {"maximum": MAX_REASON})},
        )
    row: SubjectName | SubjectDocument | SubjectCharge = _part(session, subject, what, part_id)
    if row.imported:
        raise Conflict(
            "This {what} came with the list {source}: correct it in that list (its next import would "
            "bring it back).",
            what=what,
            source=subject.source,
        )
    before = snapshot(row, (column.key for column in model.__table__.columns if column.key != "id"))
    if isinstance(row, SubjectName) and row.kind == "primary":
        raise Conflict("The primary name stays on the file: correct it instead.")
    session.delete(row)
    subject.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor.username,
        f"remove {what}",
        "subject",
        subject.id,
        before=before,
        detail=reason,
        protected=subject,
    )
    publish(session, SubjectChanged(actor=actor.username, subject_ids=(subject.id,), change=f"remove {what}"))
    session.expire(subject)
    return subject


PART_MODELS: dict[str, type[SubjectName] | type[SubjectDocument] | type[SubjectCharge]] = {
    "name": SubjectName,
    "document": SubjectDocument,
    "charge": SubjectCharge,
}


def remove_name(session: Session, actor: Actor, subject_id: int, name_id: int, reason: str) -> Subject:
    return _remove(session, actor, subject_id, "name", name_id, reason)


def remove_document(
    session: Session, actor: Actor, subject_id: int, document_id: int, reason: str
) -> Subject:
    return _remove(session, actor, subject_id, "document", document_id, reason)


def remove_charge(session: Session, actor: Actor, subject_id: int, charge_id: int, reason: str) -> Subject:
    return _remove(session, actor, subject_id, "charge", charge_id, reason)


# the parts of a file the pages and the API remove, by the word in their paths
REMOVERS = {"names": remove_name, "documents": remove_document, "charges": remove_charge}


def add_birth_date(session: Session, actor: Actor, subject_id: int, text: str) -> SubjectBirthDate:
    subject = _editable(session, actor, subject_id)
    check = _Checker()
    parsed = check.value("birth_date", values.parse_birth_date, text)
    check.raise_if_any("The birth date cannot be added")
    row = {
        "value": parsed.value,
        "precision": parsed.precision,
        "year_from": parsed.year_from,
        "year_to": parsed.year_to,
    }
    birth_date = SubjectBirthDate(subject_id=subject.id, **row)
    session.add(birth_date)
    _child_added(session, actor, subject, "birth date", row)
    return birth_date


def add_nationality(session: Session, actor: Actor, subject_id: int, country: str) -> None:
    subject = _editable(session, actor, subject_id)
    check = _Checker()
    code = check.value("country", values.clean_country, country, allow_empty=False)
    check.raise_if_any("The nationality cannot be added")
    if session.get(SubjectNationality, (subject.id, code)) is None:
        session.add(SubjectNationality(subject_id=subject.id, country=code))
        _child_added(session, actor, subject, "nationality", {"country": code})


def add_notice(session: Session, actor: Actor, subject_id: int, data: NoticeIn) -> Notice:
    subject = _editable(session, actor, subject_id)
    check = _Checker()
    row = _notice_row(check, "notice", data)
    check.raise_if_any("The notice cannot be added")
    notice = Notice(subject_id=subject.id, **row)
    session.add(notice)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "notice",
        notice.id,
        after={**row, "subject_id": subject.id},
        protected=subject,
    )
    publish(session, SubjectChanged(actor=actor.username, subject_ids=(subject.id,), change="add notice"))
    return notice


def withdraw_notice(
    session: Session, actor: Actor, notice_id: int, reason: str = "", *, subject_id: int | None = None
) -> Notice:
    """Withdraw an active notice (of `subject_id`, when given)."""
    ensure(actor, WRITE)
    notice = session.get(Notice, notice_id) if 0 < notice_id < 2**63 else None
    subject = session.get(Subject, notice.subject_id) if notice is not None else None
    if (
        notice is None
        or subject is None
        or (subject_id is not None and notice.subject_id != subject_id)
        or not gate.may_read(actor, subject)  # a hidden subject's notice answers as missing
    ):
        if subject_id:
            raise NotFound(
                "There is no notice {notice_id} about subject {subject_id}.",
                notice_id=notice_id,
                subject_id=subject_id,
            )
        raise NotFound("There is no notice {notice_id}.", notice_id=notice_id)
    ensure_owned_here(subject, actor)
    current = notice_status(notice)
    if current != "active":
        raise Conflict(
            "The notice is {current}; only an active notice can be withdrawn.",
            current=Phrase(current),
            allowed=[],
        )
    notice.status = "withdrawn"
    notice.reason = reason or notice.reason
    audit.record(
        session,
        actor.username,
        "withdraw",
        "notice",
        notice.id,
        before={"status": "active"},
        after={"status": "withdrawn", "reason": reason},
        protected=subject,
    )
    publish(
        session,
        SubjectChanged(actor=actor.username, subject_ids=(notice.subject_id,), change="withdraw notice"),
    )
    return notice


def change_status(session: Session, actor: Actor, subject_id: int, status: str, note: str = "") -> Subject:
    """Move a subject to `status` when the vocabulary allows it from where it is; kept in its history."""
    subject = _editable(session, actor, subject_id)
    check_move(vocabulary().statuses, subject.status, status, "subject")
    session.add(
        SubjectStatusChange(
            subject_id=subject.id,
            from_status=subject.status,
            to_status=status,
            actor=actor.username,
            note=note,
        )
    )
    audit.record(
        session,
        actor.username,
        "change status",
        "subject",
        subject.id,
        before={"status": subject.status},
        after={"status": status, "note": note},
        protected=subject,
    )
    subject.status = status
    subject.updated_at = utcnow()
    session.flush()
    session.expire(subject, ["status_changes"])
    publish(session, SubjectChanged(actor=actor.username, subject_ids=(subject.id,), change="change status"))
    return subject


def link_request(session: Session, actor: Actor, subject_id: int, data: RequestLinkIn) -> SubjectRequestLink:
    subject = _readable(session, actor, subject_id, WRITE)
    gate.get_all_readable(session, actor, "request", [data.request_id], "request")
    if session.get(SubjectRequestLink, (subject.id, data.request_id)) is not None:
        raise Conflict(
            "Request {request_id} is already linked to subject {subject_id}.",
            request_id=data.request_id,
            subject_id=subject.id,
        )
    link = SubjectRequestLink(subject_id=subject.id, request_id=data.request_id, note=data.note)
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor.username,
        "link request",
        "subject",
        subject.id,
        after=data.model_dump(),
        protected=subject,
    )
    publish(session, SubjectChanged(actor=actor.username, subject_ids=(subject.id,), change="link request"))
    session.expire(subject, ["request_links"])
    return link


def subjects_for_request(session: Session, actor: Actor, request_id: int) -> list[Subject]:
    """Subjects linked to a request (for the requests capability's pages)."""
    ensure(actor, READ)
    statement = select(Subject).where(
        gate.readable(actor, Subject),
        Subject.id.in_(
            select(SubjectRequestLink.subject_id).where(SubjectRequestLink.request_id == request_id)
        ),
    )
    return list(session.scalars(statement.order_by(Subject.primary_name)))
