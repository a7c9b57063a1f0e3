"""Pages for sharing with partners and for STIX bundles (the same service calls as
`sharing_api.py`): share a person sought or an engagement's minutes and commitments with a partner
agency's node, see what was shared and where it stands (follow-ups of shared commitments travel by
themselves and are listed too), export a STIX 2.1 bundle and import one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from liaison.core.errors import DomainError
from liaison.core.models import User
from liaison.core.web import DbSession, Permission
from liaison.exchange import sharing, stix
from liaison.exchange.message_models import Dispatch
from liaison.exchange.models import Peer
from liaison.exchange.sharing_schemas import AlertDecisionIn, AlertRefusalIn, ShareRecordIn, StixExportForm
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    attempt,
    form_values,
    optional_int,
    pager,
    parse,
    redirect,
    safe_next,
)
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)
NAV = (
    NavItem("Share with partners", "/exchange/sharing", sharing.SHARE),
    NavItem("STIX bundles", "/exchange/stix", stix.EXPORT),
)
Sharer = Annotated[User, Depends(Permission(sharing.SHARE))]
StixExporter = Annotated[User, Depends(Permission(stix.EXPORT))]
StixImporter = Annotated[User, Depends(Permission(stix.IMPORT))]
RecordId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
SHARES: dict[str, Callable[[Session, User, ShareRecordIn], Dispatch]] = {
    "subject": lambda s, u, c: sharing.share_subject(s, u, c.number, c.agency_id, c.releasability),
    "engagement": lambda s, u, c: sharing.share_engagement(s, u, c.number, c.agency_id, c.releasability),
    "permission": lambda s, u, c: sharing.permit_passing_on(s, u, c.number, c.agency_id),
}


def _sharing_page(
    request: Request,
    session: Session,
    user: User,
    form: dict[str, Any],
    page: int = 1,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    items, total = sharing.shared(session, user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    context = {
        "items": items,
        "pager": pager(page, total),
        "filters": {},
        "agencies": sharing.partner_agencies(session),
        "peers": {p.id: p.node_id for p in session.query(Peer).all()},
        "form": form,
        "error": error,
    }
    return render(request, "exchange/sharing.html", context, status_code=status_code)


@router.get("/exchange/sharing", response_class=HTMLResponse)
def sharing_page(
    request: Request,
    session: DbSession,
    user: Sharer,
    subject_id: RecordId = None,
    engagement_id: RecordId = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    """`?subject_id=` / `?engagement_id=` fill in the record, so other pages can link here."""
    form = {"subject_id": subject_id or "", "engagement_id": engagement_id or ""}
    return _sharing_page(request, session, user, form, page)


@router.post("/exchange/sharing/subject", response_class=HTMLResponse)
@router.post("/exchange/sharing/engagement", response_class=HTMLResponse)
@router.post("/exchange/sharing/permission", response_class=HTMLResponse)
async def share_post(request: Request, session: DbSession, user: Sharer) -> Response:
    """Share the record named in the form, or let a partner pass one of our persons sought on;
    the last part of the path says which. Back to `next` (a page of ours) or the sharing page."""
    kind = request.url.path.rsplit("/", 1)[1]
    values = await form_values(request)
    data = {
        "number": optional_int(values.get(f"{kind}_id")) or 0,
        "agency_id": optional_int(values.get(f"{kind}_agency_id")) or 0,
        "releasability": values.get(f"{kind}_releasability", ""),
    }
    outcome = attempt(session, lambda: SHARES[kind](session, user, parse(ShareRecordIn, data)))
    if isinstance(outcome, DomainError):
        return _sharing_page(request, session, user, values, error=outcome.detail, status_code=outcome.status)
    return redirect(safe_next(values["next"]) if values.get("next") else "/exchange/sharing")


def _stix_page(
    request: Request,
    form: dict[str, Any],
    report: stix.ImportReport | None = None,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    context = {"form": form, "report": report, "error": error}
    return render(request, "exchange/stix.html", context, status_code=status_code)


@router.get("/exchange/stix", response_class=HTMLResponse)
def stix_page(request: Request, user: StixExporter) -> HTMLResponse:
    return _stix_page(request, {"hits": "on"})


def _export_choice(values: dict[str, str]) -> stix.ExportChoice:
    """The export form as the API's input (numbers separated by commas or spaces, one note)."""
    ids = [optional_int(part) for part in values.get("subject_ids", "").replace(",", " ").split()]
    data = {
        "subject_ids": ids,
        "hits": values.get("hits") == "on",
        "note": values.get("note", ""),
        "note_handling_code": values.get("note_handling_code", "H0"),
    }
    return parse(StixExportForm, data).choice()


@router.post("/exchange/stix/export", response_class=Response)
async def stix_export_post(request: Request, session: DbSession, user: StixExporter) -> Response:
    """The bundle as a file to save (audited), or the form again with what was wrong."""
    values = await form_values(request)
    outcome = attempt(session, lambda: stix.export_bundle(session, user, _export_choice(values)))
    if isinstance(outcome, DomainError):
        return _stix_page(request, values, error=outcome.detail, status_code=outcome.status)
    return Response(
        json.dumps(outcome.bundle, ensure_ascii=False),
        media_type="application/stix+json;version=2.1",
        headers={"content-disposition": 'attachment; filename="liaison-stix.json"'},
    )


@router.post("/exchange/stix/import", response_class=HTMLResponse)
async def stix_import_post(request: Request, session: DbSession, user: StixImporter) -> HTMLResponse:
    """Import an uploaded bundle; the page shows what it created, updated and skipped."""
    form = await request.form()
    values = await form_values(request)
    upload = form.get("bundle")
    raw = (
        await upload.read(stix.MAX_BUNDLE_BYTES + 1)
        if upload is not None and not isinstance(upload, str)
        else b""
    )
    code = values.get("handling_code", "H1")
    outcome = attempt(session, lambda: stix.import_bundle(session, user, raw, code))
    if isinstance(outcome, DomainError):
        return _stix_page(request, values, error=outcome.detail, status_code=outcome.status)
    return _stix_page(request, {"hits": "on"}, report=outcome)


Decider = Annotated[User, Depends(Permission(sharing.ALERT_DECIDE))]


@router.post("/exchange/alerts/{alert_id}/accept", response_class=HTMLResponse, response_model=None)
async def accept_alert(request: Request, alert_id: int, session: DbSession, user: Decider) -> Any:
    """Accept a partner's alert from the person sought's page; back to that page."""
    values = await form_values(request)
    outcome = attempt(
        session,
        lambda: sharing.accept_alert(
            session, user, alert_id, parse(AlertDecisionIn, {"reason": values.get("reason", "")}).reason
        ),
    )
    if isinstance(outcome, DomainError):
        raise outcome
    return redirect(f"/subjects/{outcome.subject_id}#alert-{outcome.id}")


@router.post("/exchange/alerts/{alert_id}/refuse", response_class=HTMLResponse, response_model=None)
async def refuse_alert(request: Request, alert_id: int, session: DbSession, user: Decider) -> Any:
    """Refuse a partner's alert, with the reason; back to the person sought's page."""
    values = await form_values(request)
    outcome = attempt(
        session,
        lambda: sharing.refuse_alert(
            session, user, alert_id, parse(AlertRefusalIn, {"reason": values.get("reason", "")}).reason
        ),
    )
    if isinstance(outcome, DomainError):
        raise outcome
    return redirect(f"/subjects/{outcome.subject_id}#alert-{outcome.id}")
