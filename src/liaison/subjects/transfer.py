"""Import and export of persons sought, shared by the CLI and the API.

An import reads the whole file's text first (refusing non-UTF-8 and files that are not the declared
format before anything is stored), then stores subjects in batches, each batch one transaction:
killed midway (even by SIGKILL) the database holds whole batches only, and running the same
import again updates what is there, keyed by (source, the source's own id), and adds the rest.
Rows that cannot be stored are rejected with their line and reason; the others go on.
Each batch writes one audit event ("import", with its counts) rather than one per subject.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.errors import Invalid, Phrase
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.names.search import load as load_name_tables
from liaison.names.search import prepare_keys
from liaison.subjects import service
from liaison.subjects.formats import ParsedRow, read_text
from liaison.subjects.formats import csv as csv_format
from liaison.subjects.formats import ftm as ftm_format
from liaison.subjects.formats import interpol as interpol_format
from liaison.subjects.models import Subject
from liaison.subjects.schemas import ImportReport, RejectedRow, SubjectOut

READERS: dict[str, ModuleType] = {"interpol": interpol_format, "ftm": ftm_format, "csv": csv_format}
WRITERS: dict[str, ModuleType] = {"ftm": ftm_format, "csv": csv_format}
BATCH_SIZE = 1000
DEFAULT_HANDLING_CODE = "H0"
EXPORT_CHUNK = 500

UnitOfWork = Callable[[], AbstractContextManager[Session]]


def reader_for(fmt: str) -> ModuleType:
    if fmt not in READERS:
        raise Invalid(
            "Unknown import format {fmt!r}.",
            fmt=fmt,
            fields={"format": Phrase("one of {choices}", {"choices": list(READERS)})},
        )
    return READERS[fmt]


@dataclass
class Prepared:
    """A row read from the file and checked on its own: its subject, or why it cannot be one."""

    row: ParsedRow
    clean: service.CleanSubject | None = None
    reason: str = ""


def prepare(row: ParsedRow, actor: Actor, handling_code: str = DEFAULT_HANDLING_CODE) -> Prepared:
    if row.error:
        return Prepared(row, reason=row.error)
    try:
        return Prepared(row, service.parse_subject({**row.payload, "handling_code": handling_code}, actor))
    except Invalid as error:
        return Prepared(row, reason=error.detail)


def _prepared_batches(
    text: str, fmt: str, actor: Actor, batch_size: int, handling_code: str
) -> Iterator[list[Prepared]]:
    """Rows read and checked a batch at a time, with their names' search keys worked out
    (`names.search.prepare_keys`) before the batch's transaction opens."""
    batch: list[Prepared] = []
    for row in reader_for(fmt).read(text):
        batch.append(prepare(row, actor, handling_code))
        if len(batch) >= batch_size:
            yield _keyed(batch)
            batch = []
    if batch:
        yield _keyed(batch)


def _keyed(batch: list[Prepared]) -> list[Prepared]:
    prepare_keys(name["full_name"] for item in batch if item.clean for name in item.clean.names)
    return batch


class _Batch:
    """Stores one batch's good rows; remembers ids and documents across batches."""

    def __init__(self, actor: Actor, source: str, report: ImportReport) -> None:
        self.actor, self.source, self.report = actor, source, report
        self.seen_ids: dict[str, int] = {}
        self.claimed_documents: dict[tuple[str, str, str], str] = {}

    def reject(self, row: ParsedRow, reason: str) -> None:
        self.report.rejected.append(RejectedRow(line=row.line, source_id=row.source_id, reason=reason))

    def store(self, session: Session, prepared: list[Prepared]) -> None:
        checked: list[tuple[ParsedRow, service.CleanSubject]] = []
        for item in prepared:
            row = item.row
            if item.clean is None:
                self.reject(row, item.reason)
                continue
            if row.source_id in self.seen_ids:
                self.reject(
                    row, f"source id {row.source_id} already given on line {self.seen_ids[row.source_id]}"
                )
                continue
            self.seen_ids[row.source_id] = row.line
            checked.append((row, item.clean))
        owners = service.document_owners(
            session, (key for _, clean in checked for key in clean.document_keys)
        )
        source_ids = [row.source_id for row, _ in checked]
        existing: dict[int, str | None] = {}
        hidden: set[str | None] = set()
        for subject in session.execute(
            select(Subject.id, Subject.source_id, Subject.owning_unit, Subject.handling_code).where(
                Subject.source == self.source, Subject.source_id.in_(source_ids)
            )
        ):
            existing[subject.id] = subject.source_id
            if not gate.may_read(self.actor, subject):
                hidden.add(subject.source_id)
        items: list[tuple[str | None, service.CleanSubject]] = []
        for row, clean in checked:
            if row.source_id in hidden:
                # A write touches only what its writer may read: never overwrite a hidden subject.
                self.reject(row, f"source id {row.source_id} cannot be imported by you into {self.source}")
                continue
            reason = self._document_taken(row, clean, owners, existing, session)
            if reason:
                self.reject(row, reason)
                continue
            for key in clean.document_keys:
                self.claimed_documents[key] = row.source_id
            items.append((row.source_id, clean))
        results = service.store_subjects(session, self.actor, self.source, items, imported=True)
        created = sum(1 for _, is_new in results if is_new)
        self.report.created += created
        self.report.updated += len(results) - created
        if prepared:
            counts = f"{created} created, {len(results) - created} updated"
            detail = f"lines {prepared[0].row.line}-{prepared[-1].row.line}: {counts}"
            audit.record(session, self.actor.username, "import", "subject", self.source, detail=detail)

    def _document_taken(
        self,
        row: ParsedRow,
        clean: service.CleanSubject,
        owners: dict[tuple[str, str, str], int],
        existing: dict[int, str | None],
        session: Session,
    ) -> str:
        for key in clean.document_keys:
            claimant = self.claimed_documents.get(key)
            if claimant is not None and claimant != row.source_id:
                return f"document {key[1]} {key[0]} is also given for {claimant} in this file"
            owner = owners.get(key)
            if owner is not None and existing.get(owner) != row.source_id:
                return f"document {key[1]} {key[0]} {service.held_by(session, self.actor, owner)}"
        return ""


def _store_all(
    unit_of_work: UnitOfWork,
    actor: Actor,
    batches: Iterator[list[Prepared]],
    source: str,
    progress: Callable[[int], None] | None,
) -> ImportReport:
    report = ImportReport(created=0, updated=0, rejected=[])
    storing = _Batch(actor, source, report)
    with _young_collections_only():
        for number, batch in enumerate(batches, start=1):
            with unit_of_work() as session:
                storing.store(session, batch)
            if number % 10 == 0:
                gc.collect(1)
            if progress:
                progress(len(batch))
    return report


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """Python's full garbage collections walk every object alive, and the name caches hold many:
    during an import they took half the CPU time. Collect only young objects, every ten batches."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_text(
    unit_of_work: UnitOfWork,
    actor: Actor,
    text: str,
    fmt: str,
    *,
    source: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    handling_code: str = DEFAULT_HANDLING_CODE,
) -> ImportReport:
    """Import `text` in format `fmt`, one transaction per batch from `unit_of_work()`, in this process.
    New subjects get `handling_code` (a list's own sensitivity); re-imported ones keep theirs."""
    ensure(actor, service.IMPORT)
    reader_for(fmt)
    gate.check_handling_code(handling_code)
    batches = _prepared_batches(text, fmt, actor, batch_size, handling_code)
    return _store_all(unit_of_work, actor, batches, source or fmt, progress)


def import_file(
    unit_of_work: UnitOfWork,
    actor: Actor,
    path: Path,
    fmt: str,
    *,
    source: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int | None], None] | None = None,
    handling_code: str = DEFAULT_HANDLING_CODE,
) -> ImportReport:
    """Import a file: what `liaison subjects import` runs; `on_total` hears how many rows to expect.

    (Reading and checking rows in a second process was tried: sending the checked rows between
    processes cost about as much as checking them, so one process does it all.)"""
    ensure(actor, service.IMPORT)
    reader_for(fmt)
    text = read_text(path)
    load_name_tables()  # outside the batches' transactions
    if on_total is not None:
        on_total(reader_for(fmt).estimate(text))
    return import_text(
        unit_of_work, actor, text, fmt, source=source, batch_size=batch_size, progress=progress,
        handling_code=handling_code,
    )  # fmt: skip


def writer_for(fmt: str) -> ModuleType:
    if fmt not in WRITERS:
        raise Invalid(
            "Unknown export format {fmt!r}.",
            fmt=fmt,
            fields={"format": Phrase("one of {choices}", {"choices": list(WRITERS)})},
        )
    return WRITERS[fmt]


def _readable_subjects(
    session: Session, actor: Actor, query: service.SubjectQuery, seen: list[Subject], withheld: list[int]
) -> Iterator[SubjectOut]:
    """What the actor may read and may pass on; a partner's restricted copy without its provider's
    permission stays here (its id in `withheld`)."""
    last_id = 0
    base = service.search_query(session, actor, query).order_by(Subject.id)
    while True:
        chunk = list(
            session.scalars(
                base.where(Subject.id > last_id)
                .limit(EXPORT_CHUNK)
                .options(*(selectinload(getattr(Subject, rel)) for rel in service.SUBJECT_RELATIONS))
            )
        )
        if not chunk:
            return
        for subject in chunk:
            if not service.may_pass_on(subject):
                withheld.append(subject.id)
                continue
            if gate.scope_of(subject.handling_code) != "everyone":
                seen.append(subject)
            yield service.subject_out(subject)
        last_id = chunk[-1].id
        session.expunge_all()


def export_subjects(
    session: Session, actor: Actor, fmt: str, out: TextIO, query: service.SubjectQuery | None = None
) -> int:
    """Write every subject the actor may read (and `query` selects) to `out`, but a partner's
    H2/H3 copy its provider did not allow to pass on (`service.may_pass_on`); audited as one read,
    which inherits the strictest handling code exported and names how many were withheld."""
    ensure(actor, service.EXPORT)
    writer = writer_for(fmt)
    query = query or service.SubjectQuery()
    restricted: list[Subject] = []
    withheld: list[int] = []
    count = int(writer.write(_readable_subjects(session, actor, query, restricted, withheld), out))
    kept = f"; {len(withheld)} partner's restricted withheld" if withheld else ""
    audit.record_read(
        session, actor.username, "subject", "*", detail=f"export {fmt}: {count} subjects{kept}",
        protected=service.found_among(actor, restricted),
    )  # fmt: skip
    return count
