"""Pages of persons sought: list and search, a subject's file, and the forms that add to it.
Same service calls as the API; a refused form is shown again with the reason."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from liaison.capabilities import panels
from liaison.core.errors import DomainError
from liaison.core.models import User
from liaison.core.security.policy import handling_codes
from liaison.core.web import DbSession, Permission
from liaison.subjects import proposals, schemas, service
from liaison.subjects.vocabulary import crime_area_terms, vocabulary
from liaison.web.forms import PAGE_SIZE, PageNumber, SortQuery, attempt, form_values, pager, parse, redirect
from liaison.web.pickers import PICK_LIMIT, Field, FieldId, Search, choices_page, number_in
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)
NAV = (NavItem("Persons sought", "/subjects", service.READ, "g p"),)

Reader = Annotated[User, Depends(Permission(service.READ))]
Writer = Annotated[User, Depends(Permission(service.WRITE))]


def _context(**values: Any) -> dict[str, Any]:
    return {
        "vocab": vocabulary(),
        "crime_areas": crime_area_terms(),
        "codes": handling_codes().codes,
        **values,
    }


def _optional(values: dict[str, str], *keys: str) -> dict[str, str | None]:
    return {key: (values.get(key) or "").strip() or None for key in keys}


@router.get("/subjects", response_class=HTMLResponse)
def subject_list(
    request: Request,
    session: DbSession,
    user: Reader,
    q: Annotated[str, Query(max_length=300)] = "",
    birth_year: Annotated[str, Query(max_length=4)] = "",
    status: Annotated[str, Query(max_length=40)] = "",
    notice_kind: Annotated[str, Query(max_length=40)] = "",
    sort: SortQuery = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    year = int(birth_year) if birth_year.isdigit() else None
    query = service.SubjectQuery(q=q.strip(), birth_year=year, status=status, notice_kind=notice_kind)
    offset = (page - 1) * PAGE_SIZE
    subjects, total = service.search_subjects(
        session, user, query, limit=PAGE_SIZE, offset=offset, sort=sort or None
    )
    filters = {"q": q, "birth_year": birth_year, "status": status, "notice_kind": notice_kind, "sort": sort}
    listed = {"subjects": subjects, "total": total, "pager": pager(page, total), "filters": filters}
    context = _context(**listed, default_sort=service.DEFAULT_SORT)
    return render(request, "subjects/subject_list.html", context)


@router.get("/subjects/new", response_class=HTMLResponse)
def new_subject_page(request: Request, user: Writer) -> HTMLResponse:
    return render(request, "subjects/subject_new.html", _context(form={}))


def _list(text: str) -> list[str]:
    """Several values in one field, separated by ; or ,."""
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def _subject_from_form(values: dict[str, str]) -> schemas.SubjectIn:
    names = [
        {
            "full_name": values.get("full_name", ""),
            "kind": "primary",
            "language": values.get("language", ""),
            "given_name": values.get("given_name", ""),
            "family_name": values.get("family_name", ""),
        }
    ]
    if values.get("alias", "").strip():
        names.append(
            {"full_name": values["alias"], "kind": "alias", "language": values.get("alias_language", "")}
        )
    documents = []
    if values.get("document_number", "").strip():
        documents.append(
            {
                "kind": values.get("document_kind", "passport"),
                "number": values["document_number"],
                "country": values.get("document_country", ""),
            }
        )
    return parse(schemas.SubjectIn, {
        "names": names,
        "birth_dates": _list(values.get("birth_dates", "")),
        "birth_place": values.get("birth_place", ""),
        "gender": values.get("gender") or "unknown",
        "nationalities": _list(values.get("nationalities", "")),
        "documents": documents,
        "description": values.get("description", ""),
        "believed_country": values.get("believed_country", ""),
        "handling_code": values.get("handling_code") or "H0",
    })  # fmt: skip


@router.post("/subjects", response_class=HTMLResponse, response_model=None)
async def create_subject(
    request: Request, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    subject = attempt(session, lambda: service.create_subject(session, user, _subject_from_form(values)))
    if isinstance(subject, DomainError):
        detail = subject.detail
        return render(request, "subjects/subject_new.html", _context(form=values, error=detail),
                      status_code=subject.status)  # fmt: skip
    return redirect(f"/subjects/{subject.id}")


def _detail(
    request: Request, session: DbSession, user: User, subject_id: int, error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    record = service.get_subject(session, user, subject_id)
    subject = service.subject_out(record)
    context = _context(subject=subject, error=error.detail if error else None, form=form or {},
                       owner=service.owner_node(record),
                       panels=panels(session, user, record, lambda c: c.subject_view))  # fmt: skip
    return render(
        request, "subjects/subject_detail.html", context, status_code=error.status if error else 200
    )


@router.get("/subjects/{subject_id}", response_class=HTMLResponse)
def subject_detail(request: Request, subject_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _detail(request, session, user, subject_id)


async def _post(
    request: Request, session: DbSession, user: User, subject_id: int, action: Any
) -> HTMLResponse | RedirectResponse:
    """Run one form's service call; on a domain error show the subject again with the reason."""
    values = await form_values(request)
    outcome = attempt(session, lambda: action(values))
    if isinstance(outcome, DomainError):
        return _detail(request, session, user, subject_id, outcome, values)
    return redirect(f"/subjects/{subject_id}")


@router.post("/subjects/{subject_id}/names", response_class=HTMLResponse, response_model=None)
async def add_name(request: Request, subject_id: int, session: DbSession, user: Writer) -> Any:
    def action(values: dict[str, str]) -> object:
        name = parse(schemas.NameIn, {k: values.get(k, "") for k in ("full_name", "kind", "language")} |
                      {"kind": values.get("kind") or "alias"})  # fmt: skip
        return service.add_name(session, user, subject_id, name)

    return await _post(request, session, user, subject_id, action)


@router.post("/subjects/{subject_id}/names/{name_id}", response_class=HTMLResponse, response_model=None)
async def correct_name(
    request: Request, subject_id: int, name_id: int, session: DbSession, user: Writer
) -> Any:
    def action(values: dict[str, str]) -> object:
        fields = ("full_name", "kind", "language", "given_name", "family_name", "name_order")
        name = parse(schemas.NameIn, {k: values.get(k, "") for k in fields})
        return service.correct_name(session, user, subject_id, name_id, name)

    return await _post(request, session, user, subject_id, action)


CHARGE_FIELDS = ("crime_area", "description", "legal_provision", "issuing_authority", "issuing_country",
                 "warrant_reference", "warrant_date")  # fmt: skip


@router.post("/subjects/{subject_id}/charges/{charge_id}", response_class=HTMLResponse, response_model=None)
async def correct_charge(
    request: Request, subject_id: int, charge_id: int, session: DbSession, user: Writer
) -> Any:
    def action(values: dict[str, str]) -> object:
        fields = {k: values.get(k, "") for k in CHARGE_FIELDS}
        charge = parse(schemas.ChargeIn, fields | {"warrant_date": fields["warrant_date"] or None})
        return service.correct_charge(session, user, subject_id, charge_id, charge)

    return await _post(request, session, user, subject_id, action)


def _document_in(values: dict[str, str]) -> schemas.DocumentIn:
    data = {k: values.get(k, "") for k in ("kind", "number", "country")}
    return parse(schemas.DocumentIn, data | _optional(values, "issued_on", "expires_on"))


@router.post("/subjects/{subject_id}/documents", response_class=HTMLResponse, response_model=None)
async def add_document(request: Request, subject_id: int, session: DbSession, user: Writer) -> Any:
    def action(values: dict[str, str]) -> object:
        return service.add_document(session, user, subject_id, _document_in(values))

    return await _post(request, session, user, subject_id, action)


@router.post(
    "/subjects/{subject_id}/documents/{document_id}", response_class=HTMLResponse, response_model=None
)
async def correct_document(
    request: Request, subject_id: int, document_id: int, session: DbSession, user: Writer
) -> Any:
    def action(values: dict[str, str]) -> object:
        return service.correct_document(session, user, subject_id, document_id, _document_in(values))

    return await _post(request, session, user, subject_id, action)


@router.post("/subjects/{subject_id}/notices", response_class=HTMLResponse, response_model=None)
async def add_notice(request: Request, subject_id: int, session: DbSession, user: Writer) -> Any:
    def action(values: dict[str, str]) -> object:
        data = {k: values.get(k, "") for k in ("kind", "issuer", "reference", "reason")} | _optional(
            values, "issued_on", "expires_on"
        )
        return service.add_notice(session, user, subject_id, parse(schemas.NoticeIn, data))

    return await _post(request, session, user, subject_id, action)


@router.post("/subjects/{subject_id}/charges", response_class=HTMLResponse, response_model=None)
async def add_charge(request: Request, subject_id: int, session: DbSession, user: Writer) -> Any:
    def action(values: dict[str, str]) -> object:
        fields = ("crime_area", "description", "legal_provision", "issuing_authority", "issuing_country")
        data = {k: values.get(k, "") for k in (*fields, "warrant_reference")} | _optional(
            values, "warrant_date"
        )
        return service.add_charge(session, user, subject_id, parse(schemas.ChargeIn, data))

    return await _post(request, session, user, subject_id, action)


@router.post(
    "/subjects/{subject_id}/{part}/{part_id}/remove", response_class=HTMLResponse, response_model=None
)
async def remove_part(
    request: Request,
    subject_id: int,
    part: Literal["names", "documents", "charges"],
    part_id: int,
    session: DbSession,
    user: Writer,
) -> Any:
    """Remove a name, document or charge entered by mistake, with the reason; a refusal shows the
    file again with why."""
    remove = service.REMOVERS[part]
    return await _post(
        request,
        session,
        user,
        subject_id,
        lambda values: remove(session, user, subject_id, part_id, values.get("reason", "")),
    )


@router.post(
    "/subjects/{subject_id}/notices/{notice_id}/withdraw", response_class=HTMLResponse, response_model=None
)
async def withdraw_notice(
    request: Request, subject_id: int, notice_id: int, session: DbSession, user: Writer
) -> Any:
    def action(values: dict[str, str]) -> object:
        return service.withdraw_notice(
            session, user, notice_id, values.get("reason", ""), subject_id=subject_id
        )

    return await _post(request, session, user, subject_id, action)


@router.post("/subjects/{subject_id}/status", response_class=HTMLResponse, response_model=None)
async def change_status(request: Request, subject_id: int, session: DbSession, user: Writer) -> Any:
    def action(values: dict[str, str]) -> object:
        return service.change_status(
            session, user, subject_id, values.get("status", ""), values.get("note", "")
        )

    return await _post(request, session, user, subject_id, action)


@router.post(
    "/subjects/{subject_id}/proposals/{proposal_id}", response_class=HTMLResponse, response_model=None
)
async def decide_proposal(
    request: Request, subject_id: int, proposal_id: int, session: DbSession, user: Writer
) -> Any:
    def action(values: dict[str, str]) -> object:
        data = parse(schemas.ProposalDecisionIn, {"decision": values.get("decision", "")})
        return proposals.decide(session, user, subject_id, proposal_id, data.decision)

    return await _post(request, session, user, subject_id, action)


@router.post("/subjects/{subject_id}/requests", response_class=HTMLResponse, response_model=None)
async def link_request(request: Request, subject_id: int, session: DbSession, user: Writer) -> Any:
    def action(values: dict[str, str]) -> object:
        request_id = values.get("request_id", "")
        data = {"request_id": int(request_id) if request_id.isdigit() else 0, "note": values.get("note", "")}
        return service.link_request(session, user, subject_id, parse(schemas.RequestLinkIn, data))

    return await _post(request, session, user, subject_id, action)


@router.get("/pick/subjects", response_class=HTMLResponse)
def pick_subject(
    request: Request, session: DbSession, user: Reader, field: Field, field_id: FieldId, q: Search = ""
) -> HTMLResponse:
    """The type-ahead picker of persons sought (`liaison.web.pickers`): those this reader may read
    with a name (in any script) matching `q`, or the one whose number was typed."""
    found: list[Any] = []
    number = number_in(q)
    if number is not None:
        exact = attempt(session, lambda: service.get_subject(session, user, number))
        found = [] if isinstance(exact, DomainError) else [exact]
    elif q.strip():
        found, _ = service.search_subjects(session, user, service.SubjectQuery(q=q), limit=PICK_LIMIT)
    labels = (
        (s.id, f"{s.primary_name}{' · ' + s.birth_dates[0].value if s.birth_dates else ''} (#{s.id})")
        for s in found
    )
    return choices_page(request, field, field_id, labels)
