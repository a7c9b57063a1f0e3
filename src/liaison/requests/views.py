"""Shapes shared by the API and the pages: a request with what the viewer may do with it now."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Response

from liaison.core.db import utcnow
from liaison.core.security.policy import Actor
from liaison.requests import deadlines, service
from liaison.requests.models import CooperationRequest, RequestDocument
from liaison.requests.schemas import DeadlineOut, RequestOut


def deadline_rows(request: CooperationRequest) -> list[DeadlineOut]:
    now = utcnow()
    vocabulary = service.kinds()
    clocks = vocabulary.kinds[request.kind].clocks
    rows = []
    for deadline in request.deadlines:
        row = DeadlineOut.model_validate(deadline)
        row.label = clocks[deadline.clock].en if deadline.clock in clocks else deadline.clock
        row.standing = deadlines.standing(
            deadline.due_at,
            now,
            vocabulary.due_soon_days,
            met=deadline.met_at is not None,
            cancelled=deadline.cancelled_at is not None,
        ).value
        rows.append(row)
    return rows


def request_out(actor: Actor, request: CooperationRequest) -> RequestOut:
    out = RequestOut.model_validate(request)
    out.deadlines = deadline_rows(request)
    out.allowed_transitions = service.may_transition(actor, request)
    out.missing_fields, out.missing_documents = service.missing_requirements(request)
    out.warnings = service.warnings(request)
    return out


def document_response(document: RequestDocument, content: bytes) -> Response:
    """A document's bytes as an attachment under its (UTF-8, percent-encoded) file name."""
    disposition = f"attachment; filename*=UTF-8''{quote(document.filename, safe='')}"
    return Response(content, media_type=document.content_type, headers={"Content-Disposition": disposition})
