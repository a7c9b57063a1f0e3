"""Requests across nodes: an outgoing request on node A becomes an incoming request on node B,
and what either side does to it moves the other side's request.

How it travels:

- **Sending.** When an outgoing request is submitted (`RequestTransitioned`, transition `submit`)
  and its requested agency has a peer (not removed), this module links the request to a new
  thread (`requests.service.link_remote_thread`) and asks for dispatch (`dispatch.request_dispatch`,
  `always_approve=True`): a supervisor approves it before anything leaves, and approval enqueues
  the `request.create` envelope with the request's documents, in the approving transaction.
  Without a peer the request stays a local record, as before. While the peer is suspended or its
  fingerprints are not verified yet, every step is kept (`waiting`, reason `waiting: peer
  suspended`, shown on the request's page) and leaves when an administrator makes the peer usable
  (`dispatch.release_waiting`), in order: a step is never silently lost.
- **Receiving.** `request.create` creates an INCOMING request through the requests service
  (`create_request`, received at the envelope's arrival), so its clocks start from *this* node's
  request kinds and calendar; the documents are attached through `attach_document`. It is linked
  to the sender's by the thread (`remote_thread`) and the sender's reference (`their_reference`).
- **Moving.** Every later workflow step on a linked request (`request.update`) — acknowledgement,
  grant, refusal, the answer, execution, withdrawal — travels to the other side, which makes the
  matching step of its own workflow (`PARTNER_STEPS`: B's `answer` is A's `record_answer`, A's
  `withdraw` is B's `withdraw` ...), through `transition_request`, so its clocks are met or
  cancelled by its own rules. A step with no counterpart there, or not possible from the state
  that side is in, becomes a comment on that side's request: nothing is lost, nothing is forced.
  Requests for more information and the information supplied (`request.info`) travel as comments
  with their documents (`ask_partner`).
- **Evidence.** The request the partner sent has its chain of evidence, as messages do: the first
  time each user here opens the incoming request (`RequestOpened`, published by the requests
  service's `show_request`), `opened` evidence (who, when) goes back signed; B's answer
  (the step that is A's `record_answer`) sends `answered`. A's request page shows both.
- **No echo.** What a partner's envelope does to a request here is done while
  `session.info[APPLYING]` names the peer; the subscriber sends nothing for those steps, so a step
  never bounces back and forth.

The partner's steps are made by a node actor (`node:<peer node id>`, a supervisor's role, the
request's owning unit), so the history and the audit trail say the partner's node did them.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session

from liaison.core.accounts import User
from liaison.core.errors import Conflict, Invalid, NotFound
from liaison.core.events import InTransaction, RequestOpened, RequestTransitioned
from liaison.core.security.policy import Actor, SystemActor
from liaison.core.settings import get_settings
from liaison.exchange import dispatch, evidence, keys, receiver
from liaison.exchange.handlers import Handler, handle
from liaison.exchange.message_models import Dispatch
from liaison.exchange.models import Evidence, IncomingEnvelope, Peer
from liaison.registry.models import Agency
from liaison.requests import service as requests
from liaison.requests.models import CooperationRequest, RequestDocument
from liaison.requests.schemas import PersonIn, RequestIn, RequestPatch

REQUEST_CREATE = "request.create"
REQUEST_UPDATE = "request.update"
REQUEST_INFO = "request.info"
APPLYING = "liaison.exchange.applying"
ANSWER = "record_answer"  # the step on the sender's side that B's answer makes: `answered` evidence
NODE_ROLE = "supervisor"
NODE_PREFIX = "node:"

# The step a partner's step makes here, by the direction of the request here. A step not listed
# (B closing its own file, A closing its own) is shown as a comment.
PARTNER_STEPS: dict[str, dict[str, str]] = {
    "outgoing": {  # what B did to its incoming request → A's outgoing request
        "acknowledge": "acknowledge",
        "grant": "grant",
        "refuse": "refuse",
        "execute": "execute",
        "answer": "record_answer",
        "record_arrest": "record_arrest",
        "record_release": "record_release",
    },
    "incoming": {  # what A did to its outgoing request → B's incoming request
        "withdraw": "withdraw",
        "send_formal_request": "receive_formal_request",
    },
}


# ---------------------------------------------------------------- who acts


def node_actor(peer: Peer, unit: str | None = None) -> SystemActor:
    """The partner's node acting on this side: named after it, within the unit of the record it
    acts on (by default the unit that takes in what partners send)."""
    unit = get_settings().exchange_inbox_unit if unit is None else unit
    return SystemActor(username=f"{NODE_PREFIX}{peer.node_id}", role=NODE_ROLE, unit=unit)


def user_of(session: Session, username: str) -> Actor:
    """The user who made a step (an event carries only the name); the CLI's system actor otherwise."""
    user = session.scalar(select(User).where(User.username == username))
    return user if user is not None else SystemActor(username=username)


def refuse_malformed(handler: Handler) -> Handler:
    """A handler whose envelope lacks what it needs (a missing key, a wrong type) refuses it with
    a reason, as a domain error the receiver answers `handler_refused`, never as a crash."""

    @functools.wraps(handler)
    def checked(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
        try:
            handler(session, peer, incoming)
        except (KeyError, TypeError, ValueError) as error:
            raise Invalid(
                "The partner's {type} envelope cannot be applied: {reason}.",
                type=incoming.type,
                reason=f"{type(error).__name__}: {error}",
            ) from error

    return checked


@contextmanager
def applying(session: Session, peer: Peer) -> Iterator[None]:
    """Mark what runs inside as the partner's doing, so the subscriber does not send it back."""
    previous = session.info.get(APPLYING)
    session.info[APPLYING] = peer.node_id
    try:
        yield
    finally:
        if previous is None:
            session.info.pop(APPLYING, None)
        else:
            session.info[APPLYING] = previous


def home_agency(session: Session) -> Agency:
    """This node's own agency, as `liaison node init --agency` named it (an id or a registry ref)."""
    reference = keys.load().agency
    agency = None
    if reference.isdigit():
        agency = session.get(Agency, int(reference))
    if agency is None and reference:
        agency = session.scalar(select(Agency).where(Agency.ref == reference))
    if agency is None:
        raise Conflict(
            "This node's home agency {agency} is not in the registry; run `liaison node init --agency` "
            "with an agency id or reference.",
            agency=reference or "?",
        )
    return agency


def home_agency_or_none(session: Session) -> Agency | None:
    """This node's own agency when `liaison node init --agency` named one."""
    try:
        return home_agency(session)
    except Conflict:
        return None


# ---------------------------------------------------------------- what travels


def _unsent_documents(session: Session, request: CooperationRequest) -> list[RequestDocument]:
    """The request's documents the partner does not have yet: not withdrawn, not among those
    already dispatched for it, and not among those its node sent (which would echo back)."""
    sent = {
        item.get("sha256")
        for items in session.scalars(
            select(Dispatch.attachments).where(
                Dispatch.source_type == "request",
                Dispatch.source_id == request.id,
                Dispatch.status != dispatch.REFUSED,
            )
        )
        for item in items
    }
    return [
        d
        for d in requests.current_documents(request)
        if d.sha256 not in sent and not d.uploaded_by.startswith(NODE_PREFIX)
    ]


def _documents(documents: list[RequestDocument]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the body's list, the dispatch's attachments, in the same order) of these documents."""
    listed = [
        {"document_type": d.document_type, "filename": d.filename, "sha256": d.sha256} for d in documents
    ]
    attached = [
        {"name": d.filename, "media_type": d.content_type, "sha256": d.sha256, "size_bytes": d.size_bytes}
        for d in documents
    ]
    return listed, attached


def _described(agency: Agency) -> dict[str, Any]:
    return {"ref": agency.ref, "name": agency.name, "country": agency.country_code}


def _agency_here(session: Session, described: Any) -> Agency | None:
    """The agency of this registry the sender described (by its registry reference)."""
    ref = described.get("ref") if isinstance(described, dict) else None
    return session.scalar(select(Agency).where(Agency.ref == ref)) if ref else None


def request_body(request: CooperationRequest, documents: list[dict[str, Any]]) -> dict[str, Any]:
    """What the partner needs to register the request on its side (its documents travel as
    attachments, in the order of `documents`). Local ids (persons sought, agreements) stay here:
    the partner proposes its own legal basis from its own agreements."""
    return {
        "kind": request.kind,
        "title": request.title,
        "language": request.language,
        "translations": request.translations,
        "reference": request.our_reference,
        "urgency": request.urgency,
        "crime_areas": list(request.crime_areas),
        "facts": request.facts,
        "details": dict(request.details),
        "persons": [{k: p.get(k) for k in ("name", "birth_date", "nationality")} for p in request.persons],
        "request_date": request.request_date.isoformat(),
        "requesting_agency": _described(request.requesting_agency),
        "requested_agency": _described(request.requested_agency),
        "documents": documents,
    }


def _incoming_data(
    body: dict[str, Any], requesting: int, requested: int, received: Any, code: str
) -> RequestIn:
    try:
        return RequestIn(
            kind=body["kind"],
            direction="incoming",
            requesting_agency_id=requesting,
            requested_agency_id=requested,
            title=body.get("title", ""),
            language=body.get("language", "en"),
            translations=body.get("translations", {}),
            their_reference=body.get("reference", ""),
            urgency=body.get("urgency", "standard"),
            crime_areas=body.get("crime_areas", []),
            facts=body.get("facts", ""),
            details=body.get("details", {}),
            persons=[PersonIn(**p) for p in body.get("persons", [])],
            request_date=body.get("request_date"),
            received_at=received,
            handling_code=code,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise Invalid("The partner's request cannot be registered: {reason}.", reason=str(error)) from error


# ---------------------------------------------------------------- sending


def _dispatch(
    session: Session, actor: Actor, peer: Peer, request: CooperationRequest, type: str, body: dict[str, Any],
    attachments: list[dict[str, Any]], summary: str, *, always_approve: bool = False,
) -> None:  # fmt: skip
    dispatch.request_dispatch(
        session,
        actor,
        peer=peer,
        type=type,
        body=body,
        handling_code=request.handling_code,
        owning_unit=request.owning_unit,
        source_type="request",
        source_id=request.id,
        record=request,
        summary=summary,
        thread=request.remote_thread,
        attachments=attachments,
        always_approve=always_approve,
        releasability=dispatch.releasability_for(session, peer),
        wait_for_peer=True,
    )


def _peer_of(session: Session, request: CooperationRequest) -> Peer | None:
    """The partner agency's node: an active, verified one first, else one suspended or not
    verified yet (the request's steps wait for it, `waiting: peer suspended`); a removed peer is
    no partner node any more."""
    usable = case((and_(Peer.status == "active", Peer.fingerprint_verified.is_(True)), 0), else_=1)
    return session.scalar(
        select(Peer)
        .where(Peer.agency_id == request.partner_agency_id, Peer.status != "removed")
        .order_by(usable, Peer.id)
        .limit(1)
    )


def on_request_transitioned(session: Session, event: RequestTransitioned) -> None:
    """Send a submitted outgoing request to the partner's node (after approval), and every later
    step of a request that travelled; never a step a partner's envelope made (no echo)."""
    if session.info.get(APPLYING):
        return
    request = session.get(CooperationRequest, event.request_id)
    if request is None:
        return
    if request.remote_thread is None:
        if request.direction != "outgoing" or event.transition != "submit":
            return
        peer = _peer_of(session, request)
        if peer is None:
            return
        actor = user_of(session, event.actor)
        requests.link_remote_thread(session, actor, request.id, str(uuid.uuid4()))
        documents, attachments = _documents(_unsent_documents(session, request))
        body = request_body(request, documents)
        _dispatch(session, actor, peer, request, REQUEST_CREATE, body, attachments,
                  f"{request.kind}: {request.title}", always_approve=True)  # fmt: skip
        return
    if request.direction == "incoming" and PARTNER_STEPS["outgoing"].get(event.transition) == ANSWER:
        _return_evidence(session, request, "answered", event.actor)
    peer = _peer_of(session, request)
    if peer is None:
        return
    step = request.history[-1]
    documents, attachments = _documents(_unsent_documents(session, request))
    body = {
        "transition": event.transition,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": step.reason,
        "reference": request.our_reference,
        "documents": documents,
    }
    _dispatch(session, user_of(session, event.actor), peer, request, REQUEST_UPDATE, body, attachments,
              f"{event.transition}: {request.title}")  # fmt: skip


def _created_by(session: Session, request: CooperationRequest) -> IncomingEnvelope | None:
    """The partner's `request.create` envelope an incoming request was registered from."""
    return session.scalar(
        select(IncomingEnvelope)
        .where(IncomingEnvelope.thread == request.remote_thread, IncomingEnvelope.type == REQUEST_CREATE)
        .limit(1)
    )


def _return_evidence(session: Session, request: CooperationRequest, stage: str, user: str) -> None:
    """`stage` evidence (opened, answered) about the partner's request, signed and sent back to its
    node once per user: the sender's request page shows it in that request's chain of evidence."""
    incoming = _created_by(session, request)
    if incoming is None:
        return
    seen = session.scalar(
        select(Evidence.id).where(
            Evidence.message_id == incoming.message_id, Evidence.stage == stage, Evidence.user == user
        )
    )
    if seen is None:
        evidence.record_evidence(session, incoming, stage, user)


def on_request_opened(session: Session, event: RequestOpened) -> None:
    """A user here opened an incoming request that came from a partner's node: `opened` evidence
    (who, when) goes back to that node, the first time each user opens it."""
    if event.direction != "incoming" or event.actor.startswith(NODE_PREFIX):
        return
    request = session.get(CooperationRequest, event.request_id)
    if request is None or request.remote_thread is None:
        return
    _return_evidence(session, request, "opened", event.actor)


def ask_partner(session: Session, actor: Actor, request_id: int, text: str, kind: str = "question") -> None:
    """Ask the partner for more information about a request that travelled (`question`), or give
    what it asked for (`information`): a comment here, and the same comment on the partner's side."""
    if kind not in ("question", "information"):
        raise Invalid("Unknown kind {kind!r}.", kind=kind, fields={"kind": "question or information"})
    request = requests.get_request(session, actor, request_id, action="requests.write")
    peer = _peer_of(session, request) if request.remote_thread else None
    if peer is None:
        raise Conflict(
            "Request {request_id} did not travel to a partner's node; there is no one to ask.",
            request_id=request.id,
            allowed=[],
        )
    requests.add_comment(session, actor, request.id, text)
    _dispatch(session, actor, peer, request, REQUEST_INFO, {"kind": kind, "text": text}, [],
              f"{kind}: {request.title}")  # fmt: skip


# ---------------------------------------------------------------- receiving


def sent_body(incoming: IncomingEnvelope) -> dict[str, Any]:
    """What the sender put in the envelope (the stored body also lists the attachments)."""
    body = incoming.body.get("body")
    return body if isinstance(body, dict) else {}


def _linked(
    session: Session, peer: Peer, incoming: IncomingEnvelope
) -> tuple[CooperationRequest, dict[str, Any], SystemActor]:
    """The request an envelope of its thread is about, what the partner sent, and the partner's
    node acting on it."""
    request = requests.by_remote_thread(session, incoming.thread or "")
    if request is None:
        raise NotFound("There is no request on thread {thread}.", thread=incoming.thread or "?")
    return request, sent_body(incoming), node_actor(peer, request.owning_unit)


def _attach(
    session: Session,
    actor: Actor,
    request: CooperationRequest,
    body: dict[str, Any],
    incoming: IncomingEnvelope,
) -> None:
    """Attach the documents that came with the envelope, each under its document type; a request
    closed here takes no more documents, so a comment names them (the partner still holds them)."""
    listed = body.get("documents", [])
    if not listed:
        return
    if requests.kinds().workflow(request.kind, request.direction).is_final(request.status):
        names = ", ".join(str(item.get("filename", "?")) for item in listed)
        requests.add_comment(
            session, actor, request.id, f"The partner sent documents after closing: {names}."
        )
        return
    settings, identity = get_settings(), keys.load()
    kind = requests.kinds().kinds[request.kind]
    for index, item in enumerate(listed):
        document_type = item.get("document_type", "other")
        if document_type != "other" and kind.document(document_type) is None:
            document_type = "other"
        name, _, content = receiver.attachment(session, identity, incoming, index)
        requests.attach_document(
            session, actor, request.id, document_type, item.get("filename") or name, content,
            settings.documents_dir, settings.exchange_max_attachment_bytes,
        )  # fmt: skip


@handle(REQUEST_CREATE)
@refuse_malformed
def receive_request(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A partner's outgoing request, registered here as an incoming one with this node's clocks."""
    if requests.by_remote_thread(session, incoming.thread or "") is not None:
        return
    body = sent_body(incoming)
    requesting = peer.agency_id or getattr(_agency_here(session, body.get("requesting_agency")), "id", None)
    if requesting is None:
        raise Conflict("Partner node {node_id} has no agency in the registry.", node_id=peer.node_id)
    requested = _agency_here(session, body.get("requested_agency")) or home_agency(session)
    actor = node_actor(peer)
    data = _incoming_data(body, requesting, requested.id, incoming.received_at, incoming.handling_code)
    with applying(session, peer):
        request = requests.create_request(session, actor, data, remote_thread=incoming.thread)
        _attach(session, actor, request, body, incoming)


@handle(REQUEST_UPDATE)
@refuse_malformed
def receive_step(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A step the partner made on its side: the matching step here, or a comment when there is none."""
    request, body, actor = _linked(session, peer, incoming)
    transition = PARTNER_STEPS[request.direction].get(body.get("transition", ""))
    reason = body.get("reason") or ""
    with applying(session, peer):
        reference = body.get("reference") or ""
        if reference and not request.their_reference:
            requests.update_request(
                session, actor, request.id, RequestPatch(their_reference=reference), version=request.version
            )
        possible = requests.may_transition(actor, request)
        if transition is not None and transition in possible:
            requests.transition_request(
                session, actor, request.id, transition, reason=reason or f"{transition} by {peer.node_id}",
                now=incoming.received_at,
            )  # fmt: skip
        else:
            note = f"Partner node {peer.node_id}: {body.get('transition')} ({body.get('to_state')})"
            requests.add_comment(session, actor, request.id, f"{note}. {reason}".strip())
        _attach(session, actor, request, body, incoming)


@handle(REQUEST_INFO)
@refuse_malformed
def receive_info(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A question from the partner, or the information it supplied: a comment on the request."""
    request, body, actor = _linked(session, peer, incoming)
    label = "Partner asks" if body.get("kind") == "question" else "Partner supplies"
    with applying(session, peer):
        requests.add_comment(session, actor, request.id, f"{label}: {body.get('text', '')}")
        _attach(session, actor, request, body, incoming)


SUBSCRIPTIONS = (
    InTransaction(RequestTransitioned, on_request_transitioned),
    InTransaction(RequestOpened, on_request_opened),
)
