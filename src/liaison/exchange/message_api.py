"""JSON routes for messages, their approval and the correspondence log, under /api/v1/exchange.

Included by the exchange API router (`exchange/api.py`). Each route parses, calls the service
(`messages`, `dispatch`, `correspondence`) and answers a schema; errors are problem+json."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlalchemy.orm import Session

from liaison.core.models import User
from liaison.core.schemas import Page
from liaison.core.web import DbSession, Permission
from liaison.exchange import correspondence, dispatch, messages, uploads
from liaison.exchange.message_models import Correspondence, Dispatch, Message
from liaison.exchange.message_schemas import (
    CorrespondenceIn,
    CorrespondenceOut,
    DecisionIn,
    DispatchOut,
    EvidenceOut,
    ForwardIn,
    MessageIn,
    MessageOut,
    MessageWithAttachmentsIn,
)

router = APIRouter(tags=["exchange messages"])

Reader = Annotated[User, Depends(Permission("exchange.messages"))]
Composer = Annotated[User, Depends(Permission("exchange.compose"))]
Approver = Annotated[User, Depends(Permission("exchange.approve"))]
Recorder = Annotated[User, Depends(Permission("exchange.correspondence"))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


def message_out(session: Session, message: Message, with_chain: bool = False) -> MessageOut:
    """A message with its delivery state (and, on its own page, the chain of evidence)."""
    state = messages.delivery(session, message)
    fields = {name: getattr(message, name) for name in MessageOut.model_fields if hasattr(message, name)}
    return MessageOut.model_validate(
        {
            **fields,
            "delivery": state.status,
            "dispatch": DispatchOut.model_validate(state.dispatch) if state.dispatch else None,
            "evidence": [EvidenceOut.model_validate(e) for e in state.evidence] if with_chain else [],
        }
    )


@router.post("/exchange/messages", response_model=MessageOut, status_code=201)
def compose_message(data: MessageIn, session: DbSession, user: Composer) -> MessageOut:
    """Compose a message to a peer (or a reply). H0/H1 leave at once; H2/H3 wait for a supervisor's
    approval (`delivery` is then `pending`). Refused: a peer not active or not verified (409), a
    releasability that excludes the peer's country (403), a code the composer could not read (403)."""
    return message_out(session, messages.compose(session, user, data))


@router.post(uploads.API_ROUTE, response_model=MessageOut, status_code=201)
def compose_message_with_attachments(
    data: Annotated[MessageWithAttachmentsIn, Form(media_type="multipart/form-data")],
    request: Request,
    session: DbSession,
    user: Composer,
) -> MessageOut:
    """Compose a message with attachments, as the compose page does: the fields of
    `POST /exchange/messages` as form fields, one `attachment` part per file, each up to the
    exchange's attachment limit (a larger form is refused with 413 before it is read). Delivery
    and approval as for a message without files."""
    limit = request.app.state.settings.exchange_max_attachment_bytes
    attachments = uploads.read_attachments(data.attachment, limit)
    return message_out(session, messages.compose(session, user, data, attachments, limit))


@router.get("/exchange/messages", response_model=Page[MessageOut])
def list_messages(
    session: DbSession,
    user: Reader,
    box: Literal["inbox", "outbox"] = "inbox",
    peer_id: int | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[MessageOut]:
    """The inbox or the outbox, newest first, with each message's delivery state; only the messages
    the caller may read under their handling code are listed or counted."""
    direction = "in" if box == "inbox" else "out"
    items, total = messages.mailbox(session, user, direction, peer_id=peer_id, limit=limit, offset=offset)
    return Page(items=[message_out(session, m) for m in items], total=total, limit=limit, offset=offset)


@router.get("/exchange/messages/{message_pk}", response_model=MessageOut)
def open_message(message_pk: int, session: DbSession, user: Reader) -> MessageOut:
    """One message with its chain of evidence (submitted, accepted, delivered, opened ...). Opening
    an incoming message the first time sends `opened` evidence (who, when) back to its sender."""
    return message_out(session, messages.open_message(session, user, message_pk), with_chain=True)


@router.get("/exchange/threads/{thread}", response_model=list[MessageOut])
def thread(thread: str, session: DbSession, user: Reader) -> list[MessageOut]:
    """The messages of one thread the caller may read, oldest first."""
    return [message_out(session, m) for m in messages.thread(session, user, thread)]


@router.post("/exchange/messages/{message_pk}/forward", response_model=MessageOut, status_code=201)
def forward_message(message_pk: int, data: ForwardIn, session: DbSession, user: Composer) -> MessageOut:
    """Pass a message on to another peer. H2/H3 material received from a partner is refused (403)
    unless its provider permitted forwarding."""
    return message_out(session, messages.forward(session, user, message_pk, data.peer_id, data.note))


@router.post("/exchange/messages/{message_pk}/permit-forwarding", response_model=DispatchOut, status_code=201)
def permit_forwarding(message_pk: int, session: DbSession, user: Composer) -> Dispatch:
    """As the provider, let the recipient pass this sent message on (a `message.permission` envelope)."""
    return messages.permit_forwarding(session, user, message_pk)


@router.get("/exchange/dispatches", response_model=Page[DispatchOut])
def list_dispatches(
    session: DbSession,
    user: Reader,
    status: Literal["pending", "sent", "refused"] = "pending",
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[DispatchOut]:
    """Dispatches by state, oldest first: `pending` is the supervisors' approval queue."""
    items, total = dispatch.approval_queue(session, user, status=status, limit=limit, offset=offset)
    return Page(items=[DispatchOut.model_validate(d) for d in items], total=total, limit=limit, offset=offset)


@router.post("/exchange/dispatches/{dispatch_id}/approve", response_model=DispatchOut)
def approve_dispatch(dispatch_id: int, data: DecisionIn, session: DbSession, user: Approver) -> Dispatch:
    """Approve a pending dispatch: it enters the peer's outgoing log in this same transaction. The
    supervisor who asked for it may not approve it (403); an already decided one is 409."""
    return dispatch.approve(session, user, dispatch_id, data.reason)


@router.post("/exchange/dispatches/{dispatch_id}/refuse", response_model=DispatchOut)
def refuse_dispatch(dispatch_id: int, data: DecisionIn, session: DbSession, user: Approver) -> Dispatch:
    """Refuse a pending dispatch, with a reason (422 without one); nothing enters the outgoing log."""
    return dispatch.refuse(session, user, dispatch_id, data.reason)


@router.post("/exchange/correspondence", response_model=CorrespondenceOut, status_code=201)
def record_correspondence(data: CorrespondenceIn, session: DbSession, user: Recorder) -> Correspondence:
    """Log a note verbale or a letter, in or out."""
    return correspondence.record(session, user, data)


@router.get("/exchange/correspondence", response_model=Page[CorrespondenceOut])
def list_correspondence(
    session: DbSession,
    user: Reader,
    direction: Literal["in", "out"] | None = None,
    agency_id: int | None = None,
    q: Annotated[str, Query(max_length=80)] = "",
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[CorrespondenceOut]:
    """The correspondence log, newest first, by direction, agency (either side) or reference/subject text."""
    items, total = correspondence.log(
        session, user, direction=direction, agency_id=agency_id, text=q, limit=limit, offset=offset
    )
    return Page(
        items=[CorrespondenceOut.model_validate(c) for c in items], total=total, limit=limit, offset=offset
    )


@router.get("/exchange/correspondence/{item_id}", response_model=CorrespondenceOut)
def get_correspondence(item_id: int, session: DbSession, user: Reader) -> Correspondence:
    """One entry of the correspondence log."""
    return correspondence.get(session, user, item_id)
