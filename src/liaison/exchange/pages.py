"""Pages of the exchange: inbox and outbox with delivery state, a message with its chain of
evidence, a thread, composing (handling and evaluation codes), the supervisors' approval queue,
the correspondence log and the peers with their fingerprints. Same service calls as the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liaison.core.errors import DomainError
from liaison.core.i18n import megabytes
from liaison.core.models import User
from liaison.core.settings import get_settings
from liaison.core.web import DbSession, Permission
from liaison.exchange import correspondence, dispatch, keys, messages, peers, schemas, sharing_pages, uploads
from liaison.exchange.message_models import Message
from liaison.exchange.message_schemas import CorrespondenceIn, DecisionIn, ForwardIn, MessageIn
from liaison.exchange.models import Peer
from liaison.registry.agencies import agency_choices
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    attempt,
    form_values,
    one_page,
    optional_int,
    pager,
    parse,
    redirect,
)
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)
router.include_router(sharing_pages.router)  # sharing with partners and STIX bundles

NAV = (
    NavItem("Inbox", "/exchange/inbox", "exchange.messages", "g i"),
    NavItem("Outbox", "/exchange/outbox", "exchange.messages"),
    NavItem("Write a message", "/exchange/compose", "exchange.compose"),
    NavItem("Approvals", "/exchange/approvals", "exchange.approve", "g a"),
    NavItem("Correspondence", "/exchange/correspondence", "exchange.messages"),
    NavItem("Partner nodes", "/exchange/peers", "exchange.peers"),
    *sharing_pages.NAV,
)

Reader = Annotated[User, Depends(Permission("exchange.messages"))]
Composer = Annotated[User, Depends(Permission("exchange.compose"))]
Approver = Annotated[User, Depends(Permission("exchange.approve"))]
Recorder = Annotated[User, Depends(Permission("exchange.correspondence"))]
PeerAdmin = Annotated[User, Depends(Permission("exchange.peers"))]
Text = Annotated[str | None, Query(max_length=80)]
SOURCES = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "not usually reliable",
    "X": "cannot be judged",
}
INFORMATION = {
    "1": "known to be true without reservation",
    "2": "known personally to the source, not to the officer",
    "3": "not known personally to the source, corroborated",
    "4": "cannot be judged",
}


def show(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return render(request, f"exchange/{template}", context, status_code=status_code)


def _peer_names(session: Session) -> dict[int, str]:
    return {peer.id: peer.node_id for peer in session.query(Peer).all()}


def _box(request: Request, session: Session, user: User, direction: str, page: int) -> HTMLResponse:
    items, total = messages.mailbox(session, user, direction, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows = [(m, messages.delivery(session, m).status) for m in items]
    context = {
        "rows": rows,
        "direction": direction,
        "peers": _peer_names(session),
        "pager": pager(page, total),
        "filters": {},
    }
    return show(request, "box.html", context)


@router.get("/exchange/inbox", response_class=HTMLResponse)
def inbox(request: Request, session: DbSession, user: Reader, page: PageNumber = 1) -> HTMLResponse:
    return _box(request, session, user, "in", page)


@router.get("/exchange/outbox", response_class=HTMLResponse)
def outbox_page(request: Request, session: DbSession, user: Reader, page: PageNumber = 1) -> HTMLResponse:
    return _box(request, session, user, "out", page)


def _compose_context(session: Session, form: dict[str, Any], reply: Message | None = None) -> dict[str, Any]:
    return {
        "attachment_limit_mb": megabytes(get_settings().exchange_max_attachment_bytes),
        "form": form,
        "reply": reply,
        "peers": messages.peers_to_write_to(session),
        "sources": SOURCES,
        "information": INFORMATION,
    }


@router.get("/exchange/compose", response_class=HTMLResponse)
def compose_page(
    request: Request, session: DbSession, user: Composer, reply_to: int | None = None
) -> HTMLResponse:
    reply = messages.get_message(session, user, reply_to) if reply_to else None
    form: dict[str, Any] = {}
    if reply is not None:
        form = {
            "peer_id": str(reply.peer_id),
            "subject": reply.subject if reply.subject.lower().startswith("re:") else f"Re: {reply.subject}",
            "handling_code": reply.handling_code,
            "reply_to": str(reply.id),
        }
    return show(request, "compose.html", _compose_context(session, form, reply))


@router.post("/exchange/compose", response_class=HTMLResponse)
async def compose_post(request: Request, session: DbSession, user: Composer) -> Response:
    values = await form_values(request)
    files = [f for f in (await request.form()).getlist("attachment") if not isinstance(f, str)]
    limit = request.app.state.settings.exchange_max_attachment_bytes
    attachments = await run_in_threadpool(uploads.read_attachments, files, limit)
    source, information = values.get("source", ""), values.get("information", "")
    data = {
        "peer_id": optional_int(values.get("peer_id")) or 0,
        "subject": values.get("subject", ""),
        "body": values.get("body", ""),
        "handling_code": values.get("handling_code", "H1"),
        "evaluation": (source + information) if source or information else None,
        "releasability": values.get("releasability", ""),
        "reply_to": optional_int(values.get("reply_to")),
        "to_unit": values.get("to_unit", ""),
    }
    outcome = attempt(
        session, lambda: messages.compose(session, user, parse(MessageIn, data), attachments, limit)
    )
    if isinstance(outcome, DomainError):
        context = {**_compose_context(session, values), "error": outcome.detail}
        return show(request, "compose.html", context, status_code=outcome.status)
    return redirect(f"/exchange/messages/{outcome.id}")


def _message_page(
    request: Request, session: Session, user: User, message: Message, error: str = "", status_code: int = 200
) -> HTMLResponse:
    context = {
        "m": message,
        "state": messages.delivery(session, message),
        "peers": _peer_names(session),
        "forward_peers": [p for p in messages.peers_to_write_to(session) if p.id != message.peer_id],
        "may_forward": messages.may_forward(message),
        "error": error,
    }
    return show(request, "message.html", context, status_code=status_code)


@router.get("/exchange/messages/{message_pk}", response_class=HTMLResponse)
def message_page(request: Request, session: DbSession, user: Reader, message_pk: int) -> HTMLResponse:
    return _message_page(request, session, user, messages.open_message(session, user, message_pk))


@router.get("/exchange/messages/{message_pk}/attachments/{index}", response_class=Response)
def attachment_download(session: DbSession, user: Reader, message_pk: int, index: int) -> Response:
    name, media_type, content = messages.attachment(session, user, message_pk, index)
    disposition = f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@router.post("/exchange/messages/{message_pk}/forward", response_class=HTMLResponse)
async def forward_post(request: Request, session: DbSession, user: Composer, message_pk: int) -> Response:
    values = await form_values(request)
    data = {"peer_id": optional_int(values.get("peer_id")) or 0, "note": values.get("note", "")}
    outcome = attempt(
        session,
        lambda: messages.forward(session, user, message_pk, *_forward(parse(ForwardIn, data))),
    )
    if isinstance(outcome, DomainError):
        original = messages.get_message(session, user, message_pk)
        return _message_page(request, session, user, original, outcome.detail, outcome.status)
    return redirect(f"/exchange/messages/{outcome.id}")


def _forward(data: ForwardIn) -> tuple[int, str]:
    return data.peer_id, data.note


@router.post("/exchange/messages/{message_pk}/permit-forwarding", response_class=HTMLResponse)
async def permit_post(request: Request, session: DbSession, user: Composer, message_pk: int) -> Response:
    outcome = attempt(session, lambda: messages.permit_forwarding(session, user, message_pk))
    if isinstance(outcome, DomainError):
        original = messages.get_message(session, user, message_pk)
        return _message_page(request, session, user, original, outcome.detail, outcome.status)
    return redirect(f"/exchange/messages/{message_pk}")


@router.get("/exchange/threads/{thread}", response_class=HTMLResponse)
def thread_page(request: Request, session: DbSession, user: Reader, thread: str) -> HTMLResponse:
    items = messages.thread(session, user, thread)
    rows = [(m, messages.delivery(session, m).status) for m in items]
    return show(request, "thread.html", {"rows": rows, "thread": thread, "peers": _peer_names(session)})


def _approvals(
    request: Request, session: Session, user: User, error: str = "", status_code: int = 200, page: int = 1
) -> HTMLResponse:
    items, total = dispatch.approval_queue(session, user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    decided, _ = dispatch.approval_queue(session, user, status=dispatch.REFUSED, limit=20)
    context = {
        "items": items,
        "total": total,
        "pager": pager(page, total),
        "filters": {},
        "refused": decided,
        "peers": _peer_names(session),
        "error": error,
    }
    return show(request, "approvals.html", context, status_code=status_code)


@router.get("/exchange/approvals", response_class=HTMLResponse)
def approvals_page(
    request: Request, session: DbSession, user: Approver, page: PageNumber = 1
) -> HTMLResponse:
    return _approvals(request, session, user, page=page)


DECISIONS = {"approve": dispatch.approve, "refuse": dispatch.refuse}


@router.post("/exchange/dispatches/{dispatch_id}/approve", response_class=HTMLResponse)
@router.post("/exchange/dispatches/{dispatch_id}/refuse", response_class=HTMLResponse)
async def decide_post(request: Request, session: DbSession, user: Approver, dispatch_id: int) -> Response:
    """A supervisor's decision on a dispatch: the last part of the path says which."""
    decide = DECISIONS[request.url.path.rsplit("/", 1)[1]]
    values = await form_values(request)
    outcome = attempt(session, lambda: decide(session, user, dispatch_id, parse(DecisionIn, values).reason))
    if isinstance(outcome, DomainError):
        return _approvals(request, session, user, outcome.detail, outcome.status)
    return redirect("/exchange/approvals")


def _log_context(
    session: Session, user: User, page: int, direction: str | None, form: dict[str, Any]
) -> dict[str, Any]:
    items, total = correspondence.log(
        session, user, direction=direction, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    agencies = agency_choices(session)
    return {
        "items": items,
        "pager": pager(page, total),
        "filters": {"direction": direction},
        "agencies": agencies,
        "agency_names": {a.id: a.name for a in agencies},
        "form": form,
        "today": date.today(),
    }


@router.get("/exchange/correspondence", response_class=HTMLResponse)
def correspondence_page(
    request: Request, session: DbSession, user: Reader, direction: Text = None, page: PageNumber = 1
) -> HTMLResponse:
    chosen = direction if direction in correspondence.DIRECTIONS else None
    return show(request, "correspondence.html", _log_context(session, user, page, chosen, {}))


@router.post("/exchange/correspondence", response_class=HTMLResponse)
async def correspondence_post(request: Request, session: DbSession, user: Recorder) -> Response:
    values = await form_values(request)
    data = {
        "direction": values.get("direction", ""),
        "kind": values.get("kind", ""),
        "reference": values.get("reference", ""),
        "dated": values.get("dated") or None,
        "from_agency_id": optional_int(values.get("from_agency_id")) or 0,
        "to_agency_id": optional_int(values.get("to_agency_id")) or 0,
        "subject": values.get("subject", ""),
        "summary": values.get("summary", ""),
        "handling_code": values.get("handling_code", "H0"),
    }
    outcome = attempt(session, lambda: correspondence.record(session, user, parse(CorrespondenceIn, data)))
    if isinstance(outcome, DomainError):
        context = {**_log_context(session, user, 1, None, values), "error": outcome.detail}
        return show(request, "correspondence.html", context, status_code=outcome.status)
    return redirect("/exchange/correspondence")


# Partner nodes (the administrator's page over x1's `peers` service)


def _peers_page(
    request: Request,
    session: Session,
    user: User,
    form: dict[str, Any],
    error: str = "",
    status_code: int = 200,
    page: int = 1,
) -> HTMLResponse:
    listed, shown = one_page(peers.list_peers(session, user), page)
    context = {
        "peers": [peers.describe(p) for p in listed],
        "pager": shown,
        "filters": {},
        "agencies": agency_choices(session),
        "me": keys.load().describe() if keys.exists() else None,
        "form": form,
        "error": error,
    }
    return show(request, "peers.html", context, status_code=status_code)


@router.get("/exchange/peers", response_class=HTMLResponse)
def peers_page(request: Request, session: DbSession, user: PeerAdmin, page: PageNumber = 1) -> HTMLResponse:
    return _peers_page(request, session, user, {}, page=page)


@router.post("/exchange/peers", response_class=HTMLResponse)
async def add_peer_post(request: Request, session: DbSession, user: PeerAdmin) -> Response:
    values = await form_values(request)

    def add() -> Peer:
        data = parse(
            schemas.PeerIn,
            {
                "node_id": values.get("node_id", ""),
                "base_url": values.get("base_url", ""),
                "signing_key": values.get("signing_key", ""),
                "encryption_key": values.get("encryption_key", ""),
                "agency": values.get("agency_id") or None,
            },
        )
        return peers.add(
            session,
            user,
            node_id=data.node_id,
            base_url=data.base_url,
            signing_key=data.signing_key,
            encryption_key=data.encryption_key,
            agency=data.agency,
        )

    outcome = attempt(session, add)
    if isinstance(outcome, DomainError):
        return _peers_page(request, session, user, values, outcome.detail, outcome.status)
    return redirect("/exchange/peers")


@router.post("/exchange/peers/{node_id}/verify", response_class=HTMLResponse)
async def verify_peer_post(request: Request, session: DbSession, user: PeerAdmin, node_id: str) -> Response:
    values = await form_values(request)
    outcome = attempt(
        session,
        lambda: peers.verify(
            session,
            user,
            node_id,
            parse(
                schemas.VerifyIn, {"signing_fingerprint": values.get("fingerprint", "")}
            ).signing_fingerprint,
        ),
    )
    if isinstance(outcome, DomainError):
        return _peers_page(request, session, user, {}, outcome.detail, outcome.status)
    return redirect("/exchange/peers")


@router.post("/exchange/peers/{node_id}/status", response_class=HTMLResponse)
async def peer_status_post(request: Request, session: DbSession, user: PeerAdmin, node_id: str) -> Response:
    values = await form_values(request)

    def change() -> Peer:
        data = parse(
            schemas.StatusIn, {"status": values.get("status", ""), "reason": values.get("reason", "")}
        )
        return peers.set_status(session, user, node_id, data.status, data.reason)

    outcome = attempt(session, change)
    if isinstance(outcome, DomainError):
        return _peers_page(request, session, user, {}, outcome.detail, outcome.status)
    return redirect("/exchange/peers")
