"""JSON routes for cooperation requests, under /api/v1/requests. Each parses, calls the service
and answers a schema; the docstrings are the API documentation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, Response, UploadFile
from pydantic import WithJsonSchema

from liaison import capabilities
from liaison.core.errors import Invalid
from liaison.core.listing import sorted_by
from liaison.core.models import User
from liaison.core.schemas import LinkedOut, Page
from liaison.core.web import DbSession, Permission
from liaison.requests import service
from liaison.requests.legal_basis import LegalBasis
from liaison.requests.models import CooperationRequest
from liaison.requests.schemas import (
    CommentIn,
    CommentOut,
    CoverageIn,
    DeadlineOverrideIn,
    DocumentOut,
    DocumentWithdrawIn,
    KindOut,
    LegalBasisIn,
    LegalBasisOut,
    ProposalOut,
    RequestIn,
    RequestKind,
    RequestOut,
    RequestPatch,
    RequestSummary,
    StatisticsOut,
    TransitionIn,
)
from liaison.requests.statistics import request_statistics
from liaison.requests.views import document_response, request_out

router = APIRouter(tags=["requests"])

Reader = Annotated[User, Depends(Permission("requests.read"))]
Writer = Annotated[User, Depends(Permission("requests.write"))]
Mover = Annotated[User, Depends(Permission("requests.transition"))]
DocumentReader = Annotated[User, Depends(Permission("requests.documents"))]
Statistician = Annotated[User, Depends(Permission("requests.statistics"))]
Configurer = Annotated[User, Depends(Permission("requests.configure"))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


IF_MATCH = r'^(W/)?"?[0-9]{1,18}"?$'
# The version of the request edited: `"3"`, `W/"3"` or `3` (absent: no check).
IfMatch = Annotated[str | None, Header(), WithJsonSchema({"type": "string", "pattern": IF_MATCH})]


def _if_match(value: str | None) -> int | None:
    """The version in an If-Match header (`"3"`, `W/"3"` or `3`)."""
    if value is None:
        return None
    digits = value.strip().removeprefix("W/").strip('"')
    if not digits.isdigit():
        raise Invalid("If-Match must carry the request's version.", fields={"If-Match": "a version number"})
    return int(digits)


def _versioned(response: Response, user: User, request: CooperationRequest) -> RequestOut:
    """The request, with its version as ETag for the next If-Match."""
    response.headers["ETag"] = f'"{request.version}"'
    return request_out(user, request)


def _page(items: list[CooperationRequest], total: int, limit: int, offset: int) -> Page[RequestSummary]:
    return Page(
        items=[RequestSummary.model_validate(r) for r in items], total=total, limit=limit, offset=offset
    )


def _basis_out(basis: LegalBasis) -> LegalBasisOut:
    return LegalBasisOut(
        proposals=[
            ProposalOut(
                agreement_id=p.agreement_id,
                title=p.title,
                kind=p.kind,
                is_multilateral=p.is_multilateral,
                amended_by=list(p.amended_by),
            )
            for p in basis.proposals
        ],
        is_reciprocity=basis.is_reciprocity,
        summary=service.legal_basis_summary(basis),
    )


@router.get("/requests/kinds", response_model=list[KindOut])
def list_kinds(user: Reader) -> list[KindOut]:
    """The request kinds this node knows: fields, required documents, clocks and workflows."""
    return [
        KindOut(
            code=code,
            label=kind.en,
            fields=[f.model_dump() for f in kind.fields],
            documents=[{"code": d.code, "label": d.en} for d in kind.documents],
            clocks={name: c.model_dump() for name, c in kind.clocks.items()},
            workflows=dict(kind.workflows),
        )
        for code, kind in service.kinds().kinds.items()
    ]


@router.get("/requests", response_model=Page[RequestSummary])
def list_requests(
    session: DbSession,
    user: Reader,
    kind: Annotated[RequestKind | None, Query(max_length=60)] = None,
    partner_agency_id: int | None = None,
    partner_country: Annotated[str | None, Query(max_length=2)] = None,
    direction: Literal["outgoing", "incoming"] | None = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
    overdue: bool = False,
    due_soon: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(service.SORTS)] = None,
) -> Page[RequestSummary]:
    """Requests, filtered by kind, partner agency or country, direction, status, overdue or due soon."""
    filters = service.Filters(
        kind=kind,
        partner_agency_id=partner_agency_id,
        partner_country_code=partner_country,
        direction=direction,
        status=status,
        overdue=overdue,
        due_soon=due_soon,
    )
    return _page(*service.list_requests(session, user, filters, limit, offset, sort), limit, offset)


@router.get("/requests/overdue", response_model=Page[RequestSummary])
def overdue(
    session: DbSession,
    user: Reader,
    partner_agency_id: int | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[RequestSummary]:
    """Requests with a deadline already past, most overdue first; optionally for one partner agency."""
    return _page(
        *service.overdue_requests(session, user, partner_agency_id, limit=limit, offset=offset), limit, offset
    )


@router.get("/requests/due-soon", response_model=Page[RequestSummary])
def due_soon(
    session: DbSession,
    user: Reader,
    partner_agency_id: int | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[RequestSummary]:
    """Requests whose next deadline falls within the next few days (the vocabulary's `due_soon_days`)."""
    filters = service.Filters(partner_agency_id=partner_agency_id, due_soon=True)
    return _page(*service.list_requests(session, user, filters, limit, offset), limit, offset)


@router.get("/requests/statistics", response_model=StatisticsOut)
def statistics(
    session: DbSession,
    user: Statistician,
    since: date | None = None,
    until: date | None = None,
    direction: Literal["outgoing", "incoming"] | None = None,
    weeks: Annotated[int, Query(ge=1, le=104)] = 12,
) -> StatisticsOut:
    """Counts by kind, partner and status; median and 90th-percentile response times (days) by
    partner and kind; the backlog of open requests at the end of each of the last `weeks` weeks."""
    return request_statistics(session, user, since, until, direction, weeks)


@router.get("/requests/legal-basis", response_model=LegalBasisOut)
def propose_legal_basis(
    session: DbSession,
    user: Reader,
    kind: Annotated[RequestKind, Query(max_length=60)],
    requesting_agency_id: int,
    requested_agency_id: int,
    request_date: date | None = None,
    crime_areas: Annotated[list[str] | None, Query(max_length=20)] = None,
) -> LegalBasisOut:
    """The agreements in force between the two agencies' countries on the date that cover the
    kind (bilateral first, then multilateral); none means reciprocity."""
    basis = service.propose_legal_basis(
        session,
        kind,
        requesting_agency_id,
        requested_agency_id,
        request_date or service.local_today(),
        crime_areas or [],
    )
    return _basis_out(basis)


@router.post("/requests/agreement-terms/deadline-overrides", status_code=201)
def override_deadline(session: DbSession, user: Configurer, body: DeadlineOverrideIn) -> dict[str, object]:
    """Set an agreement's own period for a clock (e.g. 40 days for a provisional arrest's formal request)."""
    override = service.set_deadline_override(
        session, user, body.agreement_id, body.request_kind, body.clock, body.days, body.day_kind
    )
    return {"id": override.id, **body.model_dump()}


@router.post("/requests/agreement-terms/coverage", status_code=201)
def add_coverage(session: DbSession, user: Configurer, body: CoverageIn) -> dict[str, object]:
    """Record that an agreement covers a further scope (a multilateral convention covering extradition)."""
    coverage = service.add_coverage(session, user, body.agreement_id, body.scope)
    return {"id": coverage.id, **body.model_dump()}


@router.post("/requests", response_model=RequestOut, status_code=201)
def create_request(session: DbSession, user: Writer, body: RequestIn, response: Response) -> RequestOut:
    """Register a request. The legal basis is proposed from the agreements in force on the request
    date; choosing another, or reciprocity, needs `legal_basis_reason`. Deadlines already past (an
    incoming request entered late) are accepted and reported in `warnings`."""
    request = service.create_request(session, user, body)
    response.headers["Location"] = f"/api/v1/requests/{request.id}"
    return _versioned(response, user, request)


@router.get("/requests/{request_id}", response_model=RequestOut)
def get_request(session: DbSession, user: Reader, request_id: int, response: Response) -> RequestOut:
    """One request with its deadlines, history, comments, documents, what the user may do now, and
    the records of other capabilities linked to it (`linked`: the screening hit that opened it)."""
    request = service.show_request(session, user, request_id)
    out = _versioned(response, user, request)
    linked = capabilities.record_links(session, user, request, lambda c: c.request_links)
    out.linked = [LinkedOut.model_validate(link) for link in linked]
    return out


@router.patch("/requests/{request_id}", response_model=RequestOut)
def update_request(
    session: DbSession,
    user: Writer,
    request_id: int,
    body: RequestPatch,
    response: Response,
    if_match: IfMatch = None,
) -> RequestOut:
    """Edit a request. Send the version you edited (`version` or `If-Match`); if someone changed
    it meanwhile the answer is 409 and nothing is overwritten."""
    request = service.update_request(session, user, request_id, body, _if_match(if_match))
    return _versioned(response, user, request)


@router.post("/requests/{request_id}/transitions", response_model=RequestOut)
def transition(
    session: DbSession,
    user: Mover,
    request_id: int,
    body: TransitionIn,
    response: Response,
    if_match: IfMatch = None,
) -> RequestOut:
    """Move the request: 409 with `allowed` when the transition is not possible now; 422 naming
    the missing fields and documents when it checks them (submission). `happened_on` dates a step
    that happened before today (an acknowledgement received last week): the clocks count from it;
    422 when it is in the future or before the request's previous event."""
    version = body.version if body.version is not None else _if_match(if_match)
    request = service.transition_request(
        session, user, request_id, body.transition, body.reason, version, happened_on=body.happened_on
    )
    return _versioned(response, user, request)


@router.put("/requests/{request_id}/legal-basis", response_model=RequestOut)
def choose_legal_basis(session: DbSession, user: Writer, request_id: int, body: LegalBasisIn) -> RequestOut:
    """Choose the legal basis: one of the proposed agreements, another one, or reciprocity (with a reason)."""
    return request_out(user, service.set_legal_basis(session, user, request_id, body))


@router.get("/requests/{request_id}/legal-basis", response_model=LegalBasisOut)
def request_legal_basis(session: DbSession, user: Reader, request_id: int) -> LegalBasisOut:
    """The legal basis Liaison proposes for this request today (agreements in force on its date)."""
    return _basis_out(service.current_legal_basis(session, user, request_id))


@router.post("/requests/{request_id}/comments", response_model=CommentOut, status_code=201)
def add_comment(session: DbSession, user: Writer, request_id: int, body: CommentIn) -> CommentOut:
    """Add a follow-up to the request, dated `happened_on` when it happened before today."""
    return CommentOut.model_validate(
        service.add_comment(session, user, request_id, body.body, body.happened_on)
    )


@router.post("/requests/{request_id}/documents", response_model=DocumentOut, status_code=201)
async def upload_document(
    request: Request,
    session: DbSession,
    user: Writer,
    request_id: int,
    file: Annotated[UploadFile, File()],
    document_type: Annotated[str, Form(max_length=60)] = "other",
) -> DocumentOut:
    """Attach a document (multipart `file` and `document_type`). Its type is sniffed from the
    bytes; it is refused when over the size limit or when its content disagrees with its name."""
    settings = request.app.state.settings
    content = await file.read(settings.max_upload_bytes + 1)
    document = service.attach_document(
        session,
        user,
        request_id,
        document_type,
        file.filename or "document",
        content,
        settings.documents_dir,
        settings.max_upload_bytes,
    )
    return DocumentOut.model_validate(document)


@router.post("/requests/{request_id}/documents/{document_id}/withdraw", response_model=DocumentOut)
def withdraw_document(
    session: DbSession, user: Writer, request_id: int, document_id: int, body: DocumentWithdrawIn
) -> DocumentOut:
    """Withdraw a document attached by mistake, with the reason (required). It is never deleted:
    it stays on the request with who withdrew it, when and why, and no longer counts as attached,
    travels to the partner or is exported; 409 when it is already withdrawn."""
    return DocumentOut.model_validate(
        service.withdraw_document(session, user, request_id, document_id, body.reason)
    )


@router.get(
    "/requests/{request_id}/documents/{document_id}",
    response_class=Response,
    responses={200: {"description": "The document's bytes", "content": {"application/octet-stream": {}}}},
)
def download_document(
    request: Request, session: DbSession, user: DocumentReader, request_id: int, document_id: int
) -> Response:
    """Download a document's bytes; every download is recorded in the audit trail."""
    document, content = service.open_document(
        session, user, request_id, document_id, request.app.state.settings.documents_dir
    )
    return document_response(document, content)
