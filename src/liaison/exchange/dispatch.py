"""Approval before anything leaves: the one door from a business record to a partner's node.

Every outgoing thing (a message, a request — x3's `requests_flow` calls `request_dispatch` too —,
a shared person sought, a STIX bundle) asks `request_dispatch`. It checks, in this order:

1. the role: the actor may compose (`exchange.compose`);
2. the one record-access gate: the actor may read the record being sent (`gate.may_read`); a
   record they may not read answers the same `NotFound` as a missing one;
3. the peer: fingerprint verified and active (`outbox.enqueue` refuses the others too; asked
   here first so a dispatch never sits in the log for a peer that could not receive it). A step of
   a record that travelled (`wait_for_peer`: a request's) is not refused: it waits as `waiting`
   with the reason, and `release_waiting` sends it when an administrator makes the peer usable;
4. the releasability rule (`releasable_to`): material marked releasable to some countries only
   never goes to a peer of another country.

Then it decides whether a supervisor must approve: an H2/H3 dispatch and every outgoing request
does (`needs_approval`). Without approval the envelope is enqueued at once; with it, the
dispatch waits as `pending` and `approve` enqueues it **in the approving transaction** (so the
decision and the log entry commit together), while `refuse` closes it and nothing enters the
log. A supervisor never approves their own dispatch (four eyes). Everything is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Forbidden, Invalid, NotFound
from liaison.core.listing import paginate
from liaison.core.records import snapshot
from liaison.core.security import gate
from liaison.core.security.gate import ProtectedRecord
from liaison.core.security.policy import Actor, ensure
from liaison.exchange import attachment_store, outbox
from liaison.exchange.envelope import Attachment
from liaison.exchange.message_models import Dispatch
from liaison.exchange.models import Peer
from liaison.registry.models import Agency

PENDING, WAITING, SENT, REFUSED = "pending", "waiting", "sent", "refused"
AUDITED = ("status", "peer_id", "type", "handling_code", "decided_by", "reason", "message_id")

Sent = Callable[[Session, Dispatch], None]
_after_send: dict[str, list[Sent]] = {}


def on_sent(source_type: str) -> Callable[[Sent], Sent]:
    """Register what to do once a dispatch of `source_type` is enqueued (a message takes its
    envelope id); runs in the same transaction. Decorator, one per source type or more."""

    def register(callback: Sent) -> Sent:
        _after_send.setdefault(source_type, []).append(callback)
        return callback

    return register


def unusable_reason(peer: Peer) -> str:
    """Why the peer cannot receive now (`suspended_peer`, `unverified_peer` ...), empty when it can."""
    try:
        outbox.usable(peer)
    except Conflict as error:
        return str(error.extra.get("reason", "unusable_peer"))
    return ""


def _waiting(reason: str) -> str:
    """The reason a dispatch waits, as its page shows it: `waiting: peer suspended`."""
    return "waiting: peer " + reason.removesuffix("_peer").replace("_", " ")


def needs_approval(handling_code: str, always: bool = False) -> bool:
    """Material of a code not every reader may see (H2, H3, an unknown code) waits for a supervisor,
    and so does whatever the caller says always needs it (an outgoing request)."""
    return always or gate.scope_of(handling_code) != "everyone"


def parse_releasability(value: str | None) -> list[str]:
    """`"RU, LA"` → `["LA", "RU"]`: the country codes the material may be released to; empty is
    no restriction beyond the handling code."""
    codes = sorted(
        {part.strip().upper() for part in (value or "").replace(";", ",").split(",") if part.strip()}
    )
    bad = [code for code in codes if not (code.isalpha() and 2 <= len(code) <= 3)]
    if bad:
        raise Invalid(
            "Releasability lists the country codes the material may go to, separated by commas; "
            "{bad} is not one.",
            bad=bad[0],
            fields={"releasability": "country codes separated by commas"},
        )
    return codes


def peer_country(session: Session, peer: Peer) -> str:
    """The country code of the peer's agency (`INT` for an international one; empty without one)."""
    agency = session.get(Agency, peer.agency_id) if peer.agency_id is not None else None
    return (agency.country_code or "INT").upper() if agency is not None else ""


def releasability_for(session: Session, peer: Peer, chosen: str | None = None) -> str:
    """The releasability of a record leaving for `peer`: the one chosen for it (a message's, the
    officer's when sharing), else the country of the partner it is sent to, so every receiver's
    header says where the material may go. `request_dispatch` still applies `releasable_to`."""
    return ",".join(parse_releasability(chosen)) or peer_country(session, peer)


def releasable_to(session: Session, releasability: str | None, peer: Peer) -> None:
    """Refuse material whose releasability does not name the peer's country."""
    allowed = parse_releasability(releasability)
    if not allowed:
        return
    country = peer_country(session, peer)
    if country not in allowed:
        raise Forbidden(
            "This material is releasable to {allowed} only; {peer} is not among them.",
            allowed=", ".join(allowed),
            peer=peer.node_id,
        )


def request_dispatch(
    session: Session,
    actor: Actor,
    *,
    peer: Peer,
    type: str,
    body: dict[str, Any],
    handling_code: str,
    owning_unit: str,
    source_type: str,
    source_id: int | None = None,
    record: ProtectedRecord | None = None,
    summary: str = "",
    thread: str | None = None,
    in_reply_to: str | None = None,
    evaluation: str | None = None,
    releasability: str | None = None,
    attachments: Sequence[dict[str, Any]] = (),
    always_approve: bool = False,
    wait_for_peer: bool = False,
) -> Dispatch:
    """Ask to send `body` as an envelope of `type` to `peer`: sent at once, or pending approval.

    For x3 (requests, sharing, STIX): pass the record being sent as `record` (the gate checks the
    actor may read it, and the dispatch inherits its code and owning unit), `source_type` /
    `source_id` naming it, and `always_approve=True` for an outgoing request. Register
    `@on_sent("request")` to learn the envelope's message id when it is enqueued. Raises
    `NotFound` (record hidden or missing), `Forbidden` (role, releasability), `Conflict` (peer
    not able to receive). `attachments` are `{"name", "media_type", "sha256", "size_bytes"}` of
    content put in the store with `attachment_store.keep` (kept while the dispatch waits).
    `wait_for_peer=True` (a step of a record that travelled): a peer suspended or not verified
    yet does not refuse it; the dispatch waits (`waiting`, reason `waiting: peer suspended`) and
    leaves when the peer is usable again (`release_waiting`), after approval when it needs one.
    """
    ensure(actor, "exchange.compose")
    if record is not None:
        gate.ensure_readable(actor, record, source_type, source_id)
    gate.check_handling_code(handling_code)
    unusable = unusable_reason(peer)
    if unusable and not wait_for_peer:
        outbox.usable(peer)  # refuses, with the reason
    releasable_to(session, releasability, peer)
    dispatch = Dispatch(
        peer_id=peer.id,
        type=type,
        summary=summary[:300],
        source_type=source_type,
        source_id=source_id,
        body=body,
        attachments=list(attachments),
        thread=thread,
        in_reply_to=in_reply_to,
        evaluation=evaluation,
        releasability=",".join(parse_releasability(releasability)),
        handling_code=handling_code,
        owning_unit=owning_unit,
        status=PENDING,
        requested_by=actor.username,
        requested_at=utcnow(),
        waits_for_peer=wait_for_peer,
    )
    if record is not None:
        gate.inherit(dispatch, record)
    if not gate.may_read(actor, dispatch):
        raise Forbidden("You could not read what you are sending; choose a handling code your unit may read.")
    session.add(dispatch)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "dispatch",
        dispatch.id,
        after=snapshot(dispatch, AUDITED),
        detail=f"{type} to {peer.node_id}",
        protected=dispatch,
    )
    if not needs_approval(dispatch.handling_code, always_approve):
        if unusable:
            _wait(session, actor.username, dispatch, unusable)
        else:
            _send(session, actor.username, dispatch, peer)
    return dispatch


def _wait(session: Session, actor: str, dispatch: Dispatch, unusable: str) -> None:
    """Keep a dispatch cleared to leave until its peer is usable again, saying why; audited."""
    before = snapshot(dispatch, AUDITED)
    dispatch.status = WAITING
    dispatch.reason = "; ".join(part for part in (dispatch.reason, _waiting(unusable)) if part)
    session.flush()
    audit.record(
        session, actor, "update", "dispatch", dispatch.id, before=before, after=snapshot(dispatch, AUDITED),
        detail=dispatch.reason, protected=dispatch,
    )  # fmt: skip


def release_waiting(session: Session, actor: str, peer: Peer) -> list[Dispatch]:
    """Send, oldest first, what waited for this peer, now that it is usable (an administrator
    verified or reactivated it: `peers.verify`, `peers.set_status`); in that transaction."""
    if unusable_reason(peer):
        return []
    waiting = list(
        session.scalars(
            select(Dispatch)
            .where(Dispatch.peer_id == peer.id, Dispatch.status == WAITING)
            .order_by(Dispatch.id)
        )
    )
    for dispatch in waiting:
        releasable_to(session, dispatch.releasability, peer)
        _send(session, dispatch.decided_by or dispatch.requested_by, dispatch, peer)
    return waiting


def _send(session: Session, actor: str, dispatch: Dispatch, peer: Peer) -> None:
    envelope = outbox.enqueue(
        session,
        peer=peer,
        type=dispatch.type,
        body=dispatch.body,
        handling_code=dispatch.handling_code,
        owning_unit=dispatch.owning_unit,
        actor=actor,
        thread=dispatch.thread,
        in_reply_to=dispatch.in_reply_to,
        evaluation=dispatch.evaluation,
        releasability=dispatch.releasability or None,
        attachments=outbox_attachments(dispatch),
    )
    before = snapshot(dispatch, AUDITED)
    dispatch.status, dispatch.message_id = SENT, str(envelope.message_id)
    session.flush()
    audit.record(
        session,
        actor,
        "send",
        "dispatch",
        dispatch.id,
        before=before,
        after=snapshot(dispatch, AUDITED),
        protected=dispatch,
    )
    for callback in _after_send.get(dispatch.source_type, []):
        callback(session, dispatch)


def outbox_attachments(dispatch: Dispatch) -> list[Attachment]:
    """The dispatch's attachments as the outbox takes them (content read from the store)."""
    return [
        Attachment(item["name"], attachment_store.read(item["sha256"]), item["media_type"])
        for item in dispatch.attachments
    ]


def get_dispatch(session: Session, actor: Actor, dispatch_id: int) -> Dispatch:
    return gate.get_readable(session, actor, Dispatch, dispatch_id, "dispatch")


def _pending(session: Session, actor: Actor, dispatch_id: int) -> tuple[Dispatch, Peer]:
    ensure(actor, "exchange.approve")
    dispatch = get_dispatch(session, actor, dispatch_id)
    if dispatch.status != PENDING:
        raise Conflict(
            "Dispatch {dispatch_id} was already decided ({status}).",
            dispatch_id=dispatch_id,
            status=dispatch.status,
            current=dispatch.status,
        )
    if dispatch.requested_by == actor.username:
        raise Forbidden(
            "A dispatch is approved or refused by a supervisor other than the one who asked for it."
        )
    peer = session.get(Peer, dispatch.peer_id)
    if peer is None:
        raise NotFound("There is no peer {peer_id}.", peer_id=dispatch.peer_id)
    return dispatch, peer


def approve(session: Session, actor: Actor, dispatch_id: int, reason: str = "") -> Dispatch:
    """A supervisor lets a pending dispatch leave: it is enqueued in this same transaction."""
    dispatch, peer = _pending(session, actor, dispatch_id)
    unusable = unusable_reason(peer)
    if unusable and not dispatch.waits_for_peer:
        outbox.usable(peer)
    releasable_to(session, dispatch.releasability, peer)
    before = _decide(session, actor, dispatch, PENDING, reason)
    after = snapshot(dispatch, AUDITED)
    audit.record(
        session,
        actor.username,
        "approve",
        "dispatch",
        dispatch.id,
        before=before,
        after=after,
        protected=dispatch,
    )
    if unusable:
        _wait(session, actor.username, dispatch, unusable)
    else:
        _send(session, actor.username, dispatch, peer)
    return dispatch


def refuse(session: Session, actor: Actor, dispatch_id: int, reason: str) -> Dispatch:
    """A supervisor stops a pending dispatch; nothing enters the outgoing log."""
    if not reason.strip():
        raise Invalid("Say why the dispatch is refused.", fields={"reason": "required"})
    dispatch, _ = _pending(session, actor, dispatch_id)
    before = _decide(session, actor, dispatch, REFUSED, reason.strip())
    after = snapshot(dispatch, AUDITED)
    audit.record(
        session,
        actor.username,
        "decline",
        "dispatch",
        dispatch.id,
        before=before,
        after=after,
        protected=dispatch,
    )
    return dispatch


def _decide(session: Session, actor: Actor, dispatch: Dispatch, status: str, reason: str) -> dict[str, Any]:
    """Record who decided, when and why; the dispatch as it was before, for the audit event."""
    before = snapshot(dispatch, AUDITED)
    dispatch.status, dispatch.decided_by = status, actor.username
    dispatch.decided_at, dispatch.reason = utcnow(), reason
    session.flush()
    return before


def approval_queue(
    session: Session, actor: Actor, *, status: str = PENDING, limit: int = 50, offset: int = 0
) -> tuple[list[Dispatch], int]:
    """Dispatches in this state that this actor may read, oldest first (the supervisor's queue)."""
    ensure(actor, "exchange.messages")
    where = (Dispatch.status == status, gate.readable(actor, Dispatch))
    query: Select[Any] = select(Dispatch).where(*where).order_by(Dispatch.requested_at, Dispatch.id)
    return paginate(session, query, limit, offset)
