"""JSON routes of persons sought, under /api/v1. Each parses, calls the service, answers."""

from __future__ import annotations

import io
from contextlib import nullcontext
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from liaison import capabilities
from liaison.core.listing import sorted_by
from liaison.core.models import User
from liaison.core.schemas import HandlingCode, LinkedOut, Page
from liaison.core.web import DbSession, Permission, upload_text
from liaison.subjects import proposals, schemas, service, transfer

router = APIRouter(tags=["subjects"])

Reader = Annotated[User, Depends(Permission(service.READ))]
Writer = Annotated[User, Depends(Permission(service.WRITE))]
Importer = Annotated[User, Depends(Permission(service.IMPORT))]
Exporter = Annotated[User, Depends(Permission(service.EXPORT))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Text = Annotated[str, Query(max_length=300)]
Code = Annotated[str, Query(max_length=40)]
MEDIA_TYPES = {"ftm": "application/x-ndjson", "csv": "text/csv"}


@router.get("/subjects", response_model=Page[schemas.SubjectSummary])
def search_subjects(
    session: DbSession,
    user: Reader,
    q: Text = "",
    document: Text = "",
    birth_year: Annotated[int | None, Query(ge=1800, le=2200)] = None,
    status: Code = "",
    nationality: Code = "",
    notice_kind: Code = "",
    sort: Annotated[str | None, Query(max_length=40), sorted_by(service.SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.SubjectSummary]:
    """Persons sought you may read. `q` finds any name form across scripts (with or without
    Vietnamese diacritics, Cyrillic or Latin, Chinese characters or pinyin) or a document number;
    filter by `document`, `birth_year`, `status`, `nationality` or an active notice of `notice_kind`.
    Sort by `name`, `status`, `id` or `updated` (prefix `-` for descending). Audited."""
    query = service.SubjectQuery(q, document, birth_year, status, nationality, notice_kind)
    rows, total = service.search_subjects(session, user, query, limit=limit, offset=offset, sort=sort)
    return Page(items=[service.summary_out(s) for s in rows], total=total, limit=limit, offset=offset)


@router.post("/subjects", response_model=schemas.SubjectOut, status_code=201)
def create_subject(body: schemas.SubjectIn, session: DbSession, user: Writer) -> schemas.SubjectOut:
    """Add a person sought with names, birth dates, documents, charges and notices in one go."""
    return service.subject_out(service.create_subject(session, user, body))


@router.get(
    "/subjects/export",
    response_class=Response,
    responses={200: {"description": "The subjects", "content": {t: {} for t in MEDIA_TYPES.values()}}},
)
def export_subjects(session: DbSession, user: Exporter, format: Literal["ftm", "csv"] = "ftm") -> Response:
    """Every subject you may read, as FollowTheMoney JSON lines (`ftm`) or CSV. Audited."""
    out = io.StringIO()
    transfer.export_subjects(session, user, format, out)
    extension = "jsonl" if format == "ftm" else "csv"
    return Response(
        out.getvalue(),
        media_type=MEDIA_TYPES[format],
        headers={"content-disposition": f'attachment; filename="subjects.{extension}"'},
    )


@router.post("/subjects/import", response_model=schemas.ImportReport)
async def import_subjects(
    session: DbSession,
    user: Importer,
    file: Annotated[UploadFile, File(description="The list, UTF-8.")],
    format: Literal["interpol", "ftm", "csv"] = "ftm",
    source: Annotated[str | None, Query(max_length=60)] = None,
    handling_code: Annotated[HandlingCode, Query(max_length=2)] = transfer.DEFAULT_HANDLING_CODE,
) -> schemas.ImportReport:
    """Import a list (INTERPOL notice JSON, FollowTheMoney JSON lines or CSV) in this request's
    transaction: created / updated counts and every rejected row with its line and reason. New
    subjects get `handling_code`; `source` names the list (re-imports are keyed by it)."""
    text = await upload_text(file)

    # The request's one transaction holds every batch: an upload is stored whole or not at all.
    return transfer.import_text(
        lambda: nullcontext(session), user, text, format, source=source, handling_code=handling_code
    )


@router.get("/subjects/{subject_id}", response_model=schemas.SubjectOut)
def get_subject(subject_id: int, session: DbSession, user: Reader) -> schemas.SubjectOut:
    """One subject with all names in their scripts, documents, charges, notices (with their status
    as of today), status history, linked requests, proposed changes of status and the records of
    other capabilities linked to it (`linked`: requests naming it, confirmed hits). Audited."""
    subject = service.get_subject(session, user, subject_id)
    linked = capabilities.linked(capabilities.panels(session, user, subject, lambda c: c.subject_view))
    return service.subject_out(subject).model_copy(
        update={"linked": [LinkedOut.model_validate(link) for link in linked]}
    )


@router.patch("/subjects/{subject_id}", response_model=schemas.SubjectOut)
def update_subject(
    subject_id: int, body: schemas.SubjectPatch, session: DbSession, user: Writer
) -> schemas.SubjectOut:
    """Change a subject's particulars (birth place, gender, description, believed location, handling code)."""
    return service.subject_out(service.update_subject(session, user, subject_id, body))


@router.post("/subjects/{subject_id}/names", response_model=schemas.NameOut, status_code=201)
def add_name(subject_id: int, body: schemas.NameIn, session: DbSession, user: Writer) -> schemas.NameOut:
    """Add a name (alias, native script, transliteration); its script is detected."""
    return schemas.NameOut.model_validate(service.add_name(session, user, subject_id, body))


@router.put("/subjects/{subject_id}/names/{name_id}", response_model=schemas.NameOut)
def correct_name(
    subject_id: int, name_id: int, body: schemas.NameIn, session: DbSession, user: Writer
) -> schemas.NameOut:
    """Correct a name (all its fields, as when added); it is re-keyed for search and screening.
    The primary name stays primary (422)."""
    return schemas.NameOut.model_validate(service.correct_name(session, user, subject_id, name_id, body))


@router.post("/subjects/{subject_id}/documents", response_model=schemas.DocumentOut, status_code=201)
def add_document(
    subject_id: int, body: schemas.DocumentIn, session: DbSession, user: Writer
) -> schemas.DocumentOut:
    """Add an identity document; 409 when another subject already holds that number."""
    return schemas.DocumentOut.model_validate(service.add_document(session, user, subject_id, body))


@router.put("/subjects/{subject_id}/documents/{document_id}", response_model=schemas.DocumentOut)
def correct_document(
    subject_id: int, document_id: int, body: schemas.DocumentIn, session: DbSession, user: Writer
) -> schemas.DocumentOut:
    """Correct an identity document (all its fields, as when added); screening matches the
    corrected number at once. 409 when another document already has that number."""
    return schemas.DocumentOut.model_validate(
        service.correct_document(session, user, subject_id, document_id, body)
    )


@router.put("/subjects/{subject_id}/charges/{charge_id}", response_model=schemas.ChargeOut)
def correct_charge(
    subject_id: int, charge_id: int, body: schemas.ChargeIn, session: DbSession, user: Writer
) -> schemas.ChargeOut:
    """Correct a charge (all its fields, as when added)."""
    return schemas.ChargeOut.model_validate(
        service.correct_charge(session, user, subject_id, charge_id, body)
    )


@router.post("/subjects/{subject_id}/charges", response_model=schemas.ChargeOut, status_code=201)
def add_charge(
    subject_id: int, body: schemas.ChargeIn, session: DbSession, user: Writer
) -> schemas.ChargeOut:
    """Add a charge: crime area, legal provision, issuing authority, warrant."""
    return schemas.ChargeOut.model_validate(service.add_charge(session, user, subject_id, body))


@router.post("/subjects/{subject_id}/birth-dates", response_model=schemas.BirthDateOut, status_code=201)
def add_birth_date(
    subject_id: int, body: schemas.BirthDateIn, session: DbSession, user: Writer
) -> schemas.BirthDateOut:
    """Add a birth date as precise as known; an impossible date (1985-02-30) is refused."""
    return schemas.BirthDateOut.model_validate(service.add_birth_date(session, user, subject_id, body.value))


@router.post("/subjects/{subject_id}/nationalities", response_model=schemas.SubjectOut, status_code=201)
def add_nationality(
    subject_id: int, body: schemas.NationalityIn, session: DbSession, user: Writer
) -> schemas.SubjectOut:
    """Add a nationality (ISO 3166-1 alpha-2); an unknown code is refused."""
    service.add_nationality(session, user, subject_id, body.country)
    return service.subject_out(service.get_subject(session, user, subject_id))


@router.post("/subjects/{subject_id}/notices", response_model=schemas.NoticeOut, status_code=201)
def add_notice(
    subject_id: int, body: schemas.NoticeIn, session: DbSession, user: Writer
) -> schemas.NoticeOut:
    """Add a notice (kinds mirror INTERPOL's colours: arrest = red, locate = blue, missing = yellow ...)."""
    return service.notice_out(service.add_notice(session, user, subject_id, body))


@router.post("/notices/{notice_id}/withdraw", response_model=schemas.NoticeOut)
def withdraw_notice(
    notice_id: int, body: schemas.NoticeWithdrawIn, session: DbSession, user: Writer
) -> schemas.NoticeOut:
    """Withdraw an active notice, with the reason; 409 when it is already withdrawn or expired."""
    return service.notice_out(service.withdraw_notice(session, user, notice_id, body.reason))


@router.post("/subjects/{subject_id}/{part}/{part_id}/remove", response_model=schemas.SubjectOut)
def remove_part(
    subject_id: int,
    part: Literal["names", "documents", "charges"],
    part_id: int,
    body: schemas.RemovalIn,
    session: DbSession,
    user: Writer,
) -> schemas.SubjectOut:
    """Take a name, identity document or charge recorded by mistake off the file, with the reason
    (kept in the audit trail with what it was); 409 for what came with an imported list (correct
    it there) and for the primary name (correct it instead)."""
    remove = service.REMOVERS[part]
    return service.subject_out(remove(session, user, subject_id, part_id, body.reason))


@router.post("/subjects/{subject_id}/status", response_model=schemas.SubjectOut)
def change_status(
    subject_id: int, body: schemas.StatusChangeIn, session: DbSession, user: Writer
) -> schemas.SubjectOut:
    """Move the subject along its status workflow; 409 lists the statuses allowed from here."""
    return service.subject_out(service.change_status(session, user, subject_id, body.status, body.note))


@router.post("/subjects/{subject_id}/proposals/{proposal_id}", response_model=schemas.SubjectOut)
def decide_proposal(
    subject_id: int, proposal_id: int, body: schemas.ProposalDecisionIn, session: DbSession, user: Writer
) -> schemas.SubjectOut:
    """Confirm or dismiss a proposed change of status (a confirmed hit proposes located, an
    executed extradition surrendered); confirming moves the subject, each step in its history."""
    proposals.decide(session, user, subject_id, proposal_id, body.decision)
    return service.subject_out(service.get_subject(session, user, subject_id))


@router.post("/subjects/{subject_id}/requests", response_model=schemas.RequestLinkOut, status_code=201)
def link_request(
    subject_id: int, body: schemas.RequestLinkIn, session: DbSession, user: Writer
) -> schemas.RequestLinkOut:
    """Record that a request (extradition, locate, MLA ...) concerns this subject."""
    return schemas.RequestLinkOut.model_validate(service.link_request(session, user, subject_id, body))
