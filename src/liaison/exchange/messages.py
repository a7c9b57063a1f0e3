"""Free-text messages to and from partner nodes: compose, reply, inbox and outbox, threads,
opening (evidence for the sender) and forwarding under the provider's handling code.

Composing writes the `Message` and asks `dispatch.request_dispatch` to send it: an H0/H1 message
leaves at once, an H2/H3 one waits for a supervisor. An incoming `message` envelope becomes an
inbox item through the handler registered here, keeping the provider's handling code, so the
one gate decides who on this node may read it. The first time each user opens an incoming
message, `opened` evidence (who, when) goes back to the sender through the same log.

The receiver's rule: H2 and H3 material is not passed on without the provider's permission
(`forward_permitted`, granted by the provider with a `message.permission` envelope); forwarding
refuses otherwise, in the API and on the pages alike.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from liaison.core.i18n import megabytes
from liaison.core.listing import paginate
from liaison.core.records import snapshot
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.exchange import attachment_store, dispatch, evidence, handlers, keys, receiver
from liaison.exchange.envelope import Attachment
from liaison.exchange.message_models import Dispatch, Message, MessageOpening
from liaison.exchange.message_schemas import MessageIn
from liaison.exchange.models import Evidence, IncomingEnvelope, OutgoingEnvelope, Peer

MESSAGE = "message"
PERMISSION = "message.permission"
EVALUATION = re.compile(r"^[ABCX][1-4]$")
SOURCES = ("A", "B", "C", "X")
INFORMATION = ("1", "2", "3", "4")
AUDITED = ("direction", "peer_id", "thread", "subject", "handling_code", "evaluation", "releasability")


def check_evaluation(value: str | None) -> str | None:
    """`B2`: source reliability A/B/C/X and information 1-4 (the 4×4 evaluation); empty is none."""
    if not value:
        return None
    code = value.strip().upper()
    if not EVALUATION.match(code):
        raise Invalid(
            "The evaluation is a source letter (A, B, C or X) and an information digit (1 to 4), such as B2.",
            fields={"evaluation": "source A/B/C/X and information 1-4"},
        )
    return code


def _peer(session: Session, peer_id: int) -> Peer:
    peer = session.get(Peer, peer_id) if 0 < peer_id < 2**63 else None
    if peer is None or peer.status == "removed":
        raise Invalid("There is no peer {peer_id}.", peer_id=peer_id, fields={"peer_id": "no such peer"})
    return peer


def compose(
    session: Session,
    actor: Actor,
    draft: MessageIn,
    attachments: Sequence[Attachment] = (),
    limit: int | None = None,
) -> Message:
    """Write an outgoing message and ask for its dispatch (sent now, or pending a supervisor).
    Attachments (each at most `limit` bytes) are kept in the store until the dispatch is sent."""
    ensure(actor, "exchange.compose")
    for item in attachments:
        if limit is not None and len(item.content) > limit:
            raise TooLarge(
                "The attachment is {size} MB; the limit is {limit} MB.",
                size=megabytes(len(item.content)),
                limit=megabytes(limit),
            )
    peer = _peer(session, draft.peer_id)
    if not draft.subject.strip():
        raise Invalid("A message needs a subject.", fields={"subject": "required"})
    parent = get_message(session, actor, draft.reply_to) if draft.reply_to else None
    if parent is not None and parent.peer_id != peer.id:
        raise Invalid(
            "A reply goes to the peer of the message it answers.",
            fields={"peer_id": "the peer of the thread"},
        )
    message = Message(
        direction="out",
        peer_id=peer.id,
        thread=parent.thread if parent is not None else str(uuid.uuid4()),
        in_reply_to=parent.message_id if parent is not None else None,
        subject=draft.subject.strip(),
        body=draft.body,
        evaluation=check_evaluation(draft.evaluation),
        releasability=",".join(dispatch.parse_releasability(draft.releasability)),
        handling_code=gate.check_handling_code(draft.handling_code),
        owning_unit=actor.unit,
        author=actor.username,
        created_at=utcnow(),
        attachments=[
            {
                "name": a.name,
                "media_type": a.media_type,
                "sha256": attachment_store.keep(a.content),
                "size_bytes": len(a.content),
            }
            for a in attachments
        ],
    )
    session.add(message)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "message",
        message.id,
        after=snapshot(message, AUDITED),
        protected=message,
    )
    _dispatch(session, actor, message, peer, draft.to_unit)
    return message


def _dispatch(session: Session, actor: Actor, message: Message, peer: Peer, to_unit: str = "") -> Dispatch:
    body = {
        "subject": message.subject,
        "body": message.body,
        "author": message.author,
        "to_unit": to_unit,
    }
    sent = dispatch.request_dispatch(
        session,
        actor,
        peer=peer,
        type=MESSAGE,
        body=body,
        handling_code=message.handling_code,
        owning_unit=message.owning_unit,
        source_type=MESSAGE,
        source_id=message.id,
        record=message,
        summary=message.subject,
        thread=message.thread,
        in_reply_to=message.in_reply_to,
        evaluation=message.evaluation,
        releasability=message.releasability,
        attachments=message.attachments,
    )
    message.dispatch_id = sent.id
    if sent.message_id:
        message.message_id = sent.message_id
    session.flush()
    return sent


@dispatch.on_sent(MESSAGE)
def _message_sent(session: Session, sent: Dispatch) -> None:
    """A sent message takes its envelope's id, so evidence and replies find it; a reply to a
    partner's message is `answered` evidence for that message, sent back to its provider."""
    message = session.get(Message, sent.source_id) if sent.source_id else None
    if message is None:
        return
    message.message_id = sent.message_id
    answered = (
        session.scalar(select(IncomingEnvelope).where(IncomingEnvelope.message_id == message.in_reply_to))
        if message.in_reply_to
        else None
    )
    if answered is not None:
        evidence.record_evidence(session, answered, "answered", message.author)


def get_message(session: Session, actor: Actor, message_pk: int | None) -> Message:
    ensure(actor, "exchange.messages")
    return gate.get_readable(session, actor, Message, message_pk or 0, "message")


def open_message(session: Session, actor: Actor, message_pk: int) -> Message:
    """Read one message; an incoming one's first opening by this user is evidence for the sender."""
    message = get_message(session, actor, message_pk)
    audit.record_read(session, actor.username, "message", message.id, protected=message)
    if message.direction != "in":
        return message
    seen = session.scalar(
        select(MessageOpening.id).where(
            MessageOpening.message_pk == message.id, MessageOpening.username == actor.username
        )
    )
    if seen is None:
        now = utcnow()
        session.add(MessageOpening(message_pk=message.id, username=actor.username, at=now))
        if message.first_opened_at is None:
            message.first_opened_at = now
        incoming = session.scalar(
            select(IncomingEnvelope).where(IncomingEnvelope.message_id == message.message_id)
        )
        if incoming is not None:
            evidence.record_evidence(session, incoming, "opened", actor.username)
        session.flush()
    return message


def mailbox(
    session: Session,
    actor: Actor,
    direction: str,
    *,
    peer_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Message], int]:
    """The inbox (`in`) or outbox (`out`) this actor may read, newest first."""
    ensure(actor, "exchange.messages")
    where = [Message.direction == direction, gate.readable(actor, Message)]
    if peer_id is not None:
        where.append(Message.peer_id == peer_id)
    query: Select[Any] = select(Message).where(*where).order_by(Message.created_at.desc(), Message.id.desc())
    return paginate(session, query, limit, offset)


def thread(session: Session, actor: Actor, thread_id: str) -> list[Message]:
    """The messages of a thread this actor may read, oldest first; none readable is `NotFound`."""
    ensure(actor, "exchange.messages")
    items = list(
        session.scalars(
            select(Message)
            .where(Message.thread == thread_id, gate.readable(actor, Message))
            .order_by(Message.created_at, Message.id)
        )
    )
    if not items:
        raise NotFound("There is no thread {thread}.", thread=thread_id)
    return items


@dataclass(frozen=True)
class Delivery:
    """Where an outgoing message stands: its dispatch, its envelope in the log, its evidence."""

    status: str  # pending | refused | queued | accepted | rejected | delivered | opened | answered | received
    dispatch: Dispatch | None
    envelope: OutgoingEnvelope | None
    evidence: list[Evidence]


STAGE_ORDER = ("submitted", "accepted", "rejected", "delivered", "opened", "answered")


def delivery(session: Session, message: Message) -> Delivery:
    """The delivery state and the chain of evidence of a message (read after the gate said yes)."""
    sent = session.get(Dispatch, message.dispatch_id) if message.dispatch_id else None
    envelope = (
        session.scalar(select(OutgoingEnvelope).where(OutgoingEnvelope.message_id == message.message_id))
        if message.message_id and message.direction == "out"
        else None
    )
    chain = evidence.chain(session, message.message_id) if message.message_id else []
    if message.direction == "in":
        return Delivery("opened" if message.first_opened_at else "received", None, None, chain)
    if sent is not None and sent.status != dispatch.SENT:
        return Delivery(sent.status, sent, None, chain)
    stages = {e.stage for e in chain}
    status = next(
        (s for s in ("answered", "opened", "delivered", "rejected", "accepted") if s in stages), "queued"
    )
    if envelope is not None and envelope.state == "rejected":
        status = "rejected"
    return Delivery(status, sent, envelope, chain)


def attachment(session: Session, actor: Actor, message_pk: int, index: int) -> tuple[str, str, bytes]:
    """One attachment of a message this actor may read: name, media type, content (read audited)."""
    message = get_message(session, actor, message_pk)
    if not 0 <= index < len(message.attachments):
        raise NotFound("Message {message} has no attachment {index}.", message=message_pk, index=index)
    item = message.attachments[index]
    audit.record_read(
        session, actor.username, "message", message.id, detail=f"attachment {index}", protected=message
    )
    return item["name"], item["media_type"], attachment_store.read(item["sha256"])


def may_forward(message: Message) -> bool:
    """The receiver's rule: H2/H3 material from a partner is passed on only with its provider's permission."""
    return gate.may_pass_on(
        message.handling_code, from_partner=message.direction == "in", permitted=message.forward_permitted
    )


def forward(session: Session, actor: Actor, message_pk: int, peer_id: int, note: str = "") -> Message:
    """Pass an incoming message on to another peer: refused for H2/H3 material unless its
    provider permitted it; the copy keeps the provider's code and goes through dispatch."""
    ensure(actor, "exchange.compose")
    original = get_message(session, actor, message_pk)
    if not may_forward(original):
        audit.record(
            session,
            actor.username,
            "denied",
            "message",
            original.id,
            detail="forward without the provider's permission",
            protected=original,
        )
        raise Forbidden(
            "This message is {code}: it may not be passed on without the provider's permission.",
            code=original.handling_code,
        )
    peer = _peer(session, peer_id)
    if peer.id == original.peer_id and original.direction == "in":
        raise Invalid(
            "The message came from this peer; reply to it instead.", fields={"peer_id": "another peer"}
        )
    copy = Message(
        direction="out",
        peer_id=peer.id,
        thread=str(uuid.uuid4()),
        subject=original.subject,
        body=(note + "\n\n" if note else "") + original.body,
        evaluation=original.evaluation,
        releasability=original.releasability,
        handling_code=original.handling_code,
        owning_unit=actor.unit or original.owning_unit,
        author=actor.username,
        created_at=utcnow(),
        forwarded_from=original.id,
        attachments=list(original.attachments),
    )
    gate.inherit(copy, original)
    session.add(copy)
    session.flush()
    audit.record(
        session,
        actor.username,
        "forward",
        "message",
        copy.id,
        after=snapshot(copy, AUDITED),
        detail=f"from message {original.id}",
        protected=copy,
    )
    _dispatch(session, actor, copy, peer)
    return copy


def permit_forwarding(session: Session, actor: Actor, message_pk: int) -> Dispatch:
    """The provider lets the recipient pass an outgoing H2 message on: a `message.permission`
    envelope, through dispatch like any other."""
    ensure(actor, "exchange.compose")
    message = get_message(session, actor, message_pk)
    if message.direction != "out" or not message.message_id:
        raise Conflict("Only a message this node has sent can be released for forwarding.")
    return dispatch.request_dispatch(
        session,
        actor,
        peer=_peer(session, message.peer_id),
        type=PERMISSION,
        body={"message_id": message.message_id, "by": actor.username},
        handling_code="H0",
        owning_unit=message.owning_unit,
        source_type="message.permission",
        source_id=message.id,
        summary=message.subject,
        thread=message.thread,
        in_reply_to=message.message_id,
    )


# --- receiving -----------------------------------------------------------------------------------


def _text(body: dict[str, Any], key: str, limit: int) -> str:
    value = body.get(key, "")
    return value[:limit] if isinstance(value, str) else ""


@handlers.handle(MESSAGE)
def receive_message(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """An accepted `message` envelope becomes an inbox item under the provider's handling code."""
    body = _content(incoming)
    header: dict[str, Any] = incoming.header if isinstance(incoming.header, dict) else {}
    message = Message(
        direction="in",
        peer_id=peer.id,
        message_id=str(incoming.message_id),
        thread=incoming.thread or str(incoming.message_id),
        in_reply_to=incoming.in_reply_to,
        subject=_text(body, "subject", 300) or "—",
        body=_text(body, "body", 1_000_000),
        attachments=_keep_attachments(session, incoming),
        evaluation=_evaluation(header.get("evaluation")),
        releasability=str(header.get("releasability") or "")[:200],
        handling_code=incoming.handling_code,
        owning_unit=_text(body, "to_unit", 80) or incoming.owning_unit,
        author=f"{_text(body, 'author', 60)}@{peer.node_id}"[:80],
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    audit.record(
        session,
        audit.SYSTEM_ACTOR,
        "receive",
        "message",
        message.id,
        after=snapshot(message, AUDITED),
        detail=f"from {peer.node_id}",
        protected=message,
    )


def _content(incoming: IncomingEnvelope) -> dict[str, Any]:
    """What the sender gave `enqueue` as body (the envelope holds it beside the attachment manifest)."""
    opened = incoming.body if isinstance(incoming.body, dict) else {}
    content = opened.get("body")
    return content if isinstance(content, dict) else {}


def _keep_attachments(session: Session, incoming: IncomingEnvelope) -> list[dict[str, Any]]:
    """Each attachment's content, digest checked by the receiver, kept in the store for download."""
    manifest = incoming.body.get("attachments") if isinstance(incoming.body, dict) else None
    kept = []
    for index in range(len(manifest) if isinstance(manifest, list) else 0):
        name, media_type, content = receiver.attachment(session, keys.load(), incoming, index)
        kept.append(
            {
                "name": name[:255],
                "media_type": media_type[:120],
                "sha256": attachment_store.keep(content),
                "size_bytes": len(content),
            }
        )
    return kept


def _evaluation(value: Any) -> str | None:
    """The header's evaluation as `B2`, whether sent as text or as {source, information}."""
    if isinstance(value, dict):
        value = f"{value.get('source', '')}{value.get('information', '')}"
    text = str(value or "").strip().upper()
    return text if EVALUATION.match(text) else None


@handlers.handle(PERMISSION)
def receive_permission(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """The provider lets this node pass one of its messages on."""
    body = _content(incoming)
    message = session.scalar(
        select(Message).where(
            Message.message_id == str(body.get("message_id", "")),
            Message.peer_id == peer.id,
            Message.direction == "in",
        )
    )
    if message is None:
        return
    message.forward_permitted = True
    audit.record(
        session,
        audit.SYSTEM_ACTOR,
        "update",
        "message",
        message.id,
        before={"forward_permitted": False},
        after={"forward_permitted": True},
        detail=f"forwarding permitted by {peer.node_id}",
        protected=message,
    )


def peers_to_write_to(session: Session) -> Sequence[Peer]:
    """The peers a message can go to: active and verified."""
    return list(
        session.scalars(
            select(Peer)
            .where(Peer.status == "active", Peer.fingerprint_verified.is_(True))
            .order_by(Peer.node_id)
        )
    )
