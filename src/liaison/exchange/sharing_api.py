"""JSON routes of STIX bundles, sharing with partners and requests across nodes, under /api/v1
(x3's part of the exchange, included by `api.py`). Each parses, calls the service, answers."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from liaison.core.models import User
from liaison.core.schemas import HandlingCode
from liaison.core.web import DbSession, Permission
from liaison.exchange import requests_flow, sharing, stix
from liaison.exchange import sharing_schemas as schemas

router = APIRouter(tags=["exchange"])
StixExporter = Annotated[User, Depends(Permission(stix.EXPORT))]
StixImporter = Annotated[User, Depends(Permission(stix.IMPORT))]
Sharer = Annotated[User, Depends(Permission(sharing.SHARE))]
Asker = Annotated[User, Depends(Permission("requests.write"))]
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"


def _bundle_response(result: stix.ExportResult) -> Response:
    return Response(
        json.dumps(result.bundle, ensure_ascii=False),
        media_type=STIX_MEDIA_TYPE,
        headers={"content-disposition": 'attachment; filename="liaison-stix.json"'},
    )


@router.get(
    "/exchange/stix/export",
    response_class=Response,
    responses={200: {"description": "A STIX 2.1 bundle", "content": {STIX_MEDIA_TYPE: {}}}},
)
def export_stix(session: DbSession, user: StixExporter, hits: bool = True) -> Response:
    """Every person sought you may read, with notices and confirmed hits, as a STIX 2.1 bundle for
    MISP and OpenCTI; handling codes as TLP markings. Audited. POST chooses persons and adds notes."""
    return _bundle_response(stix.export_bundle(session, user, stix.ExportChoice(hits=hits)))


@router.post(
    "/exchange/stix/export",
    response_class=Response,
    responses={200: {"description": "A STIX 2.1 bundle", "content": {STIX_MEDIA_TYPE: {}}}},
)
def export_stix_with_notes(session: DbSession, user: StixExporter, body: schemas.StixExportIn) -> Response:
    """The same bundle, with free notes written into it. Audited."""
    return _bundle_response(stix.export_bundle(session, user, body.choice()))


@router.post("/exchange/stix/import", response_model=schemas.StixImportOut)
async def import_stix(
    session: DbSession,
    user: StixImporter,
    file: Annotated[UploadFile, File(description="A STIX 2.1 bundle (JSON).")],
    handling_code: Annotated[HandlingCode, Query()] = "H1",
) -> schemas.StixImportOut:
    """Import the persons sought (and their notices) of a STIX 2.1 bundle, validated whole by
    `stix2` first: a bad bundle is refused with the reason and changes nothing. Each person gets
    the strictest of `handling_code`, its TLP marking and its `x_liaison_handling_code`. Audited."""
    raw = await file.read(stix.MAX_BUNDLE_BYTES + 1)
    return schemas.StixImportOut.model_validate(vars(stix.import_bundle(session, user, raw, handling_code)))


@router.post("/exchange/share/subjects/{subject_id}", response_model=schemas.ShareOut, status_code=202)
def share_subject(
    session: DbSession, user: Sharer, subject_id: int, body: schemas.ShareIn
) -> schemas.ShareOut:
    """Share a person sought and their notices with a partner agency's node (after a supervisor's
    approval for H2/H3)."""
    sent = sharing.share_subject(session, user, subject_id, body.agency_id, body.releasability)
    return schemas.ShareOut(dispatch_id=sent.id, status=sent.status)


@router.post(
    "/exchange/share/subjects/{subject_id}/permission", response_model=schemas.ShareOut, status_code=202
)
def permit_passing_on(
    session: DbSession, user: Sharer, subject_id: int, body: schemas.ShareIn
) -> schemas.ShareOut:
    """Let the partner agency's node, which holds an H2/H3 person sought of ours, pass it on
    (export it); without this its exports leave the person out and refuse to name it."""
    sent = sharing.permit_passing_on(session, user, subject_id, body.agency_id)
    return schemas.ShareOut(dispatch_id=sent.id, status=sent.status)


@router.post("/exchange/share/engagements/{engagement_id}", response_model=schemas.ShareOut, status_code=202)
def share_engagement(
    session: DbSession, user: Sharer, engagement_id: int, body: schemas.ShareIn
) -> schemas.ShareOut:
    """Share an engagement's minutes and commitments with a partner agency that was present;
    follow-ups then travel both ways."""
    sent = sharing.share_engagement(session, user, engagement_id, body.agency_id, body.releasability)
    return schemas.ShareOut(dispatch_id=sent.id, status=sent.status)


@router.post("/exchange/requests/{request_id}/ask", status_code=204)
def ask_partner(session: DbSession, user: Asker, request_id: int, body: schemas.AskPartnerIn) -> Response:
    """Ask the partner's node for more information on a request that travelled there, or supply
    what it asked for: a comment on both sides."""
    requests_flow.ask_partner(session, user, request_id, body.text, body.kind)
    return Response(status_code=204)


Decider = Annotated[User, Depends(Permission(sharing.ALERT_DECIDE))]


@router.post("/exchange/alerts/{alert_id}/accept", response_model=schemas.AlertOut)
def accept_alert(
    session: DbSession, user: Decider, alert_id: int, body: schemas.AlertDecisionIn
) -> schemas.AlertOut:
    """Accept a partner's confirmed-hit alert on one of our persons sought: its believed country
    applies through the subjects service and its status proposal is confirmed. Audited."""
    return schemas.AlertOut.model_validate(sharing.accept_alert(session, user, alert_id, body.reason))


@router.post("/exchange/alerts/{alert_id}/refuse", response_model=schemas.AlertOut)
def refuse_alert(
    session: DbSession, user: Decider, alert_id: int, body: schemas.AlertRefusalIn
) -> schemas.AlertOut:
    """Refuse a partner's alert, saying why: its status proposal is dismissed, the person sought
    stays as it is. Audited."""
    return schemas.AlertOut.model_validate(sharing.refuse_alert(session, user, alert_id, body.reason))
