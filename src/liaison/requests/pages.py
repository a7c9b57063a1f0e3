"""Pages of cooperation requests: the list with filters, overdue and due-soon lists, the guided
creation form per kind, a request's page with its timeline and the transitions the user may make
now, and statistics. Same service calls as the API; errors are shown on the page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liaison.capabilities import panels
from liaison.core.db import utcnow
from liaison.core.errors import DomainError, Invalid
from liaison.core.i18n import current_language
from liaison.core.models import User
from liaison.core.vocab import label
from liaison.core.web import DbSession, Permission
from liaison.registry.models import Agreement
from liaison.registry.vocabulary import crime_areas
from liaison.requests import deadlines, service
from liaison.requests.schemas import (
    CommentIn,
    DocumentWithdrawIn,
    LegalBasisIn,
    RequestIn,
    RequestPatch,
    TransitionIn,
)
from liaison.requests.statistics import request_statistics
from liaison.requests.views import document_response, request_out
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    SortQuery,
    attempt,
    form_values,
    optional_int,
    pager,
    parse,
    redirect,
    texts_in_two_languages,
)
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)

NAV = (
    NavItem("Requests", "/requests", "requests.read", "g r"),
    NavItem("Overdue requests", "/requests/overdue", "requests.read", "g o"),
    NavItem("Request statistics", "/requests/statistics", "requests.statistics"),
)

Reader = Annotated[User, Depends(Permission("requests.read"))]
Writer = Annotated[User, Depends(Permission("requests.write"))]
Mover = Annotated[User, Depends(Permission("requests.transition"))]
DocumentReader = Annotated[User, Depends(Permission("requests.documents"))]
Statistician = Annotated[User, Depends(Permission("requests.statistics"))]
Text = Annotated[str | None, Query(max_length=80)]
PERSON_ROWS = 3


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _labels() -> dict[str, Any]:
    vocabulary = service.kinds()
    return {
        "kinds": vocabulary.kinds,
        "states": vocabulary.states(),
        "crime_areas": crime_areas(),
        "label": label,
        "lang": current_language.get(),
    }


@router.get("/requests", response_class=HTMLResponse)
def request_list(
    request: Request,
    session: DbSession,
    user: Reader,
    kind: Text = None,
    partner: Text = None,
    direction: Text = None,
    status: Text = None,
    overdue: Text = None,
    sort: SortQuery = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    filters = service.Filters(
        kind=kind or None,
        partner_agency_id=_int(partner),
        direction=direction if direction in ("incoming", "outgoing") else None,
        status=status or None,
        overdue=bool(overdue),
    )
    items, total = service.list_requests(
        session, user, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, sort=sort or None
    )
    context = {
        "items": items,
        "total": total,
        "pager": pager(page, total),
        "filters": {
            "kind": kind,
            "partner": partner,
            "direction": direction,
            "status": status,
            "overdue": overdue,
            "sort": sort,
        },
        "default_sort": service.default_sort(filters),
        "agencies": service.agency_choices(session),
        "now": utcnow(),
        **_labels(),
    }
    return render(request, "requests/list.html", context)


@router.get("/requests/overdue", response_class=HTMLResponse)
def overdue_page(
    request: Request, session: DbSession, user: Reader, partner: Text = None, page: PageNumber = 1
) -> HTMLResponse:
    """What is overdue and what falls due soon, nearest deadline first; a page holds the next
    `PAGE_SIZE` of each (the pager counts the longer of the two)."""
    partner_id = _int(partner)
    offset = (page - 1) * PAGE_SIZE
    overdue, overdue_total = service.overdue_requests(
        session, user, partner_id, limit=PAGE_SIZE, offset=offset
    )
    soon, soon_total = service.list_requests(
        session, user, service.Filters(partner_agency_id=partner_id, due_soon=True), PAGE_SIZE, offset
    )
    context = {
        "pager": pager(page, max(overdue_total, soon_total)),
        "filters": {"partner": partner},
        "overdue": overdue,
        "overdue_total": overdue_total,
        "soon": soon,
        "soon_total": soon_total,
        "partner": partner,
        "agencies": service.agency_choices(session),
        "due_soon_days": service.kinds().due_soon_days,
        **_labels(),
    }
    return render(request, "requests/overdue.html", context)


@router.get("/requests/statistics", response_class=HTMLResponse)
def statistics_page(request: Request, session: DbSession, user: Statistician) -> HTMLResponse:
    stats = request_statistics(session, user)
    peak = max((point.open for point in stats.backlog), default=0) or 1
    return render(request, "requests/statistics.html", {"stats": stats, "peak": peak, **_labels()})


def _new_context(
    session: DbSession, kind: str | None, direction: str | None, form: dict[str, Any]
) -> dict[str, Any]:
    vocabulary = service.kinds()
    spec = vocabulary.kind(kind) if kind else None
    return {
        "kind": kind if spec else None,
        "spec": spec,
        "direction": direction if direction in ("incoming", "outgoing") else "outgoing",
        "agencies": service.agency_choices(session),
        "form": form,
        "person_rows": range(PERSON_ROWS),
        "time_zone": deadlines.time_zone(vocabulary.calendar).key,
        **_labels(),
    }


@router.get("/requests/new", response_class=HTMLResponse)
def new_request(
    request: Request, session: DbSession, user: Writer, kind: Text = None, direction: Text = None
) -> HTMLResponse:
    return render(request, "requests/new.html", _new_context(session, kind, direction, {}))


@router.get("/requests/new/legal-basis", response_class=HTMLResponse)
def legal_basis_preview(
    request: Request,
    session: DbSession,
    user: Reader,
    kind: Text = None,
    requesting_agency_id: Text = None,
    requested_agency_id: Text = None,
    request_date: Text = None,
) -> HTMLResponse:
    """The legal basis Liaison will propose, shown in the creation form as the agencies are chosen."""
    requesting, requested = _int(requesting_agency_id), _int(requested_agency_id)
    basis, error = None, None
    if kind and requesting and requested:
        try:
            on = date.fromisoformat(request_date) if request_date else service.local_today()
            basis = service.propose_legal_basis(session, kind, requesting, requested, on)
        except (DomainError, ValueError) as problem:
            error = getattr(problem, "detail", str(problem))
    return render(request, "requests/_basis.html", {"basis": basis, "basis_error": error})


def _local_instant(value: str) -> datetime | None:
    """A `datetime-local` form value, read in the node's time zone."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=deadlines.time_zone(service.kinds().calendar))
    except ValueError:
        raise Invalid(
            "The time received is not a date and time.", fields={"received_at": "date and time"}
        ) from None


def _request_in(form: dict[str, Any], details: dict[str, Any], persons: list[dict[str, Any]]) -> RequestIn:
    values: dict[str, Any] = {
        "kind": form.get("kind", ""),
        "direction": form.get("direction", ""),
        "requesting_agency_id": _int(form.get("requesting_agency_id")) or 0,
        "requested_agency_id": _int(form.get("requested_agency_id")) or 0,
        "title": form.get("title", ""),
        "our_reference": form.get("our_reference", ""),
        "their_reference": form.get("their_reference", ""),
        "urgency": form.get("urgency") or "standard",
        "crime_areas": form.get("crime_areas", []),
        "facts": form.get("facts", ""),
        "details": details,
        "persons": persons,
        "received_at": _local_instant(form.get("received_at", "")),
        "request_date": form.get("request_date") or None,
        "handling_code": form.get("handling_code") or "H0",
        "engagement_id": _int(form.get("engagement_id")),
        "commitment_id": _int(form.get("commitment_id")),
        **texts_in_two_languages(form, service.REQUEST_TEXTS),
    }
    return parse(RequestIn, values)


async def _posted(request: Request) -> tuple[dict[str, Any], list[Any]]:
    """The posted text fields (`form_values`), the chosen crime areas as a list, and the files."""
    values: dict[str, Any] = await form_values(request)
    form = await request.form()  # parsed once by Starlette; read again for the multi-valued fields
    values["crime_areas"] = [v for v in form.getlist("crime_areas") if isinstance(v, str) and v]
    files = [v for v in form.getlist("file") if not isinstance(v, str)]
    return values, files


@router.post("/requests", response_class=HTMLResponse, response_model=None)
async def create_request(
    request: Request, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    form, _ = await _posted(request)
    details = {k.removeprefix("detail_"): v for k, v in form.items() if k.startswith("detail_") and v}
    persons = [
        {
            "name": form[f"person_{i}_name"],
            "birth_date": form.get(f"person_{i}_birth_date") or None,
            "nationality": form.get(f"person_{i}_nationality", "").upper(),
            "subject_id": _int(form.get(f"person_{i}_subject_id")),
        }
        for i in range(PERSON_ROWS)
        if form.get(f"person_{i}_name", "").strip()
    ]
    created = attempt(
        session, lambda: service.create_request(session, user, _request_in(form, details, persons))
    )
    if isinstance(created, DomainError):
        context = _new_context(session, form.get("kind"), form.get("direction"), form)
        context["error"] = created.detail
        return render(request, "requests/new.html", context, status_code=created.status)
    return redirect(f"/requests/{created.id}")


def detail_context(session: DbSession, user: User, record: Any) -> dict[str, Any]:
    vocabulary = service.kinds()
    spec = vocabulary.kinds[record.kind]
    workflow = vocabulary.workflow(record.kind, record.direction)
    out = request_out(user, record)
    basis = service.current_legal_basis(session, user, record.id)
    chosen = (
        session.get(Agreement, record.legal_basis_agreement_id) if record.legal_basis_agreement_id else None
    )
    timeline: list[dict[str, Any]] = (
        [{"at": h.happened_at, "recorded": h.at, "kind": "transition", "item": h} for h in record.history]
        + [{"at": c.happened_at, "recorded": c.at, "kind": "comment", "item": c} for c in record.comments]
        + [
            {"at": d.uploaded_at, "recorded": d.uploaded_at, "kind": "document", "item": d}
            for d in record.documents
        ]
        + [
            {"at": d.withdrawn_at, "recorded": d.withdrawn_at, "kind": "withdrawal", "item": d}
            for d in record.documents
            if d.withdrawn_at is not None
        ]
    )
    timeline.sort(key=lambda entry: entry["at"])
    attached = {d.document_type for d in service.current_documents(record)}
    return {
        "r": record,
        "out": out,
        "spec": spec,
        "workflow": workflow,
        "transitions": [(name, workflow.transitions[name]) for name in out.allowed_transitions],
        "basis": basis,
        "basis_summary": service.legal_basis_summary(basis),
        "chosen": chosen,
        "timeline": timeline,
        "checklist": [(doc, doc.code in attached) for doc in spec.documents],
        "is_final": workflow.is_final(record.status),
        "panels": panels(session, user, record, lambda c: c.request_view),
        "today": service.local_today(),
        "local_day": service.local_today,
        **_labels(),
    }


def _show(
    request: Request, session: DbSession, user: User, request_id: int, error: DomainError | None
) -> Response:
    record = service.show_request(session, user, request_id)
    context = detail_context(session, user, record)
    if error is not None:
        context["error"] = error.detail
        context["error_fields"] = getattr(error, "fields", {})
    return render(request, "requests/detail.html", context, status_code=error.status if error else 200)


def _back_to_request(
    request: Request, session: DbSession, user: User, request_id: int, outcome: object
) -> Response:
    """After a form on the request page: the page again with the error, or back to it (post/redirect/get)."""
    if isinstance(outcome, DomainError):
        return _show(request, session, user, request_id, outcome)
    return redirect(f"/requests/{request_id}")


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, session: DbSession, user: Reader, request_id: int) -> Response:
    return _show(request, session, user, request_id, None)


@router.post("/requests/{request_id}/transition", response_class=HTMLResponse, response_model=None)
async def transition(request: Request, session: DbSession, user: Mover, request_id: int) -> Response:
    form, _ = await _posted(request)
    values = {
        "transition": form.get("transition", ""),
        "reason": form.get("reason", ""),
        "version": optional_int(form.get("version")),
        "happened_on": form.get("happened_on") or None,
    }

    def move() -> object:
        data = parse(TransitionIn, values)
        return service.transition_request(
            session,
            user,
            request_id,
            data.transition,
            data.reason,
            data.version,
            happened_on=data.happened_on,
        )

    outcome = attempt(session, move)
    return _back_to_request(request, session, user, request_id, outcome)


@router.post("/requests/{request_id}/edit", response_class=HTMLResponse, response_model=None)
async def edit(request: Request, session: DbSession, user: Writer, request_id: int) -> Response:
    form, _ = await _posted(request)
    values = {key: form.get(key) for key in ("title", "facts", "their_reference", "our_reference")}
    values["version"] = optional_int(form.get("version"))
    values |= texts_in_two_languages(form, service.REQUEST_TEXTS)
    outcome = attempt(
        session, lambda: service.update_request(session, user, request_id, parse(RequestPatch, values))
    )
    return _back_to_request(request, session, user, request_id, outcome)


@router.post("/requests/{request_id}/documents", response_class=HTMLResponse, response_model=None)
async def upload(request: Request, session: DbSession, user: Writer, request_id: int) -> Response:
    form, files = await _posted(request)
    settings = request.app.state.settings
    upload_file: UploadFile | None = files[0] if files else None
    data = await upload_file.read(settings.max_upload_bytes + 1) if upload_file else b""
    outcome = attempt(
        session,
        lambda: service.attach_document(
            session, user, request_id, form.get("document_type", "other"),
            (upload_file.filename if upload_file else "") or "document", data,
            settings.documents_dir, settings.max_upload_bytes,
        ),
    )  # fmt: skip
    return _back_to_request(request, session, user, request_id, outcome)


@router.post(
    "/requests/{request_id}/documents/{document_id}/withdraw",
    response_class=HTMLResponse,
    response_model=None,
)
async def withdraw_document(
    request: Request, session: DbSession, user: Writer, request_id: int, document_id: int
) -> Response:
    form, _ = await _posted(request)

    def withdraw() -> object:
        data = parse(DocumentWithdrawIn, {"reason": form.get("reason", "")})
        return service.withdraw_document(session, user, request_id, document_id, data.reason)

    outcome = attempt(session, withdraw)
    return _back_to_request(request, session, user, request_id, outcome)


@router.get("/requests/{request_id}/documents/{document_id}")
def download(
    request: Request, session: DbSession, user: DocumentReader, request_id: int, document_id: int
) -> Response:
    document, content = service.open_document(
        session, user, request_id, document_id, request.app.state.settings.documents_dir
    )
    return document_response(document, content)


@router.post("/requests/{request_id}/comments", response_class=HTMLResponse, response_model=None)
async def comment(request: Request, session: DbSession, user: Writer, request_id: int) -> Response:
    form, _ = await _posted(request)
    values = {"body": form.get("body", ""), "happened_on": form.get("happened_on") or None}

    def follow_up() -> object:
        data = parse(CommentIn, values)
        return service.add_comment(session, user, request_id, data.body, data.happened_on)

    outcome = attempt(session, follow_up)
    return _back_to_request(request, session, user, request_id, outcome)


@router.post("/requests/{request_id}/legal-basis", response_class=HTMLResponse, response_model=None)
async def legal_basis(request: Request, session: DbSession, user: Writer, request_id: int) -> Response:
    form, _ = await _posted(request)
    choice = form.get("choice", "")
    values = {
        "agreement_id": _int(choice),
        "reciprocity": choice == "reciprocity",
        "reason": form.get("reason", ""),
        "version": optional_int(form.get("version")),
    }
    outcome = attempt(
        session, lambda: service.set_legal_basis(session, user, request_id, parse(LegalBasisIn, values))
    )
    return _back_to_request(request, session, user, request_id, outcome)
