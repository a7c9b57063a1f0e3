"""Sharing with a partner's node: persons sought and their notices, the alert of a confirmed
screening hit, engagement minutes with their commitments, and commitments' follow-ups both ways.

Every record has one owner node (`stix.NODE_SOURCE`, `ref` prefixes below): the owner shares it,
partners keep a copy that names where it came from and send back what they learn (a confirmed
hit, a follow-up), which the owner applies through its own services. Nothing is resolved by
comparing timestamps; a partner's copy is never shared onwards by the partner.

- `subject.share`, sent when an officer shares a person sought they may read (`share_subject`):
  the receiver stores the person and notices from the STIX bundle (`stix.store_people`) under
  source `node:<sender>`, keyed by the sender's id, so a second share updates.
- `hit.alert`, sent when a screening hit on a person a partner shared is confirmed
  (`HitDecided`; like a follow-up, it waits while the partner is suspended or unverified): the
  owner records it (`HitAlert`: the partner's message, believed in the reporting partner's
  country) and proposes "located" as a subjects status proposal (`proposals.propose`, naming the
  alert); its own officer accepts (`accept_alert`: the country through the subjects service, the
  proposal confirmed by `proposals.decide`) or refuses it (`refuse_alert`: the proposal
  dismissed); the partner never changes it directly.
- `engagement.share`, sent when an officer shares an engagement with a partner that was present
  (`share_engagement`): the receiver records the engagement and its commitments, `ref`
  `<sender>:engagement:<id>` and `<sender>:commitment:<id>`.
- `commitment.follow_up`, sent when a commitment of a shared engagement is followed up on either
  side (`CommitmentChanged`). On a partner's copy the owner's follow-up is recorded as it is (the
  status too, when the vocabulary allows the move: the owner is authoritative). On the owner, the
  partner's note is recorded as its follow-up but a status it carries (the copy's follow-up kept
  it as `proposed_status`) becomes a proposal (`engagements.proposals.propose`, naming the node
  and the envelope) that an officer of the owning unit accepts (the status moves and is shared
  back with every partner) or refuses (a follow-up note saying why goes back to the proposer
  only: `CommitmentChanged.for_node`). A partner's copy is not edited locally
  (`engagements.service.ensure_owned_here`).

Everything outgoing goes through `dispatch.request_dispatch`: the role, the record-access gate on
the record sent (`may_read`; the STIX bundle itself is built through `gate.readable`), the peer and
the releasability rule (each carries one: the officer's choice, else the partner's country —
`dispatch.releasability_for` — so the receiver's header says where it may go), and a supervisor's
approval for H2/H3. What a partner's envelope changes
here is made by the node actor (`requests_flow.node_actor`) while `requests_flow.applying` marks
it, so it is never sent back (no echo).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Invalid, NotFound
from liaison.core.events import CommitmentChanged, HitDecided, InTransaction
from liaison.core.listing import paginate
from liaison.core.records import snapshot
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import allowed_next
from liaison.engagements import proposals as commitment_proposals
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements import service as engagements
from liaison.engagements.models import Commitment, Engagement
from liaison.engagements.vocabulary import vocabulary as engagement_vocabulary
from liaison.exchange import dispatch, outbox, requests_flow, stix
from liaison.exchange.handlers import handle
from liaison.exchange.message_models import Dispatch, HitAlert
from liaison.exchange.models import IncomingEnvelope, Peer
from liaison.registry.models import Agency
from liaison.screening.models import Hit
from liaison.subjects import proposals
from liaison.subjects import service as subjects
from liaison.subjects.models import Subject, SubjectStatusProposal
from liaison.subjects.schemas import SubjectPatch

SHARE = "exchange.share"
SUBJECT_SHARE = "subject.share"
SUBJECT_PERMISSION = "subject.permission"
HIT_ALERT = "hit.alert"
ENGAGEMENT_SHARE = "engagement.share"
FOLLOW_UP = "commitment.follow_up"
ALERT_DECIDE = "subjects.write"  # who decides on a partner's alert: who may change the person sought
ALERT_AUDITED = ("subject_id", "proposed_status", "proposed_country", "proposed_by", "decision", "reason")
ENGAGEMENT_HANDLING = "H1"  # minutes of a meeting both sides attended: law-enforcement use


def _peer(session: Session, agency_id: int) -> Peer:
    peer = outbox.peer_for_agency(session, agency_id)
    if peer is None:
        raise Conflict(
            "Agency {agency_id} has no active, verified partner node to share with.",
            agency_id=agency_id,
            allowed=[],
        )
    return peer


def _peer_named(session: Session, node_id: str) -> Peer | None:
    return session.scalar(select(Peer).where(Peer.node_id == node_id))


def _owner_node(source: str) -> str | None:
    return source.removeprefix(stix.NODE_SOURCE) if source.startswith(stix.NODE_SOURCE) else None


# ---------------------------------------------------------------- persons sought and notices


def share_subject(
    session: Session, actor: Actor, subject_id: int, agency_id: int, releasability: str | None = None
) -> Dispatch:
    """Share a person sought (with their notices) this node owns and the actor may read with the
    partner agency's node; a supervisor approves H2/H3 first. `releasability` (country codes)
    defaults to the partner's country; one that excludes it is refused."""
    ensure(actor, SHARE)
    subject = gate.get_readable(session, actor, Subject, subject_id, "subject")
    owner = _owner_node(subject.source)
    if owner is not None:
        raise Conflict(
            "Person sought {subject_id} was shared by partner node {node_id}; only that node shares it.",
            subject_id=subject.id,
            node_id=owner,
            allowed=[],
        )
    peer = _peer(session, agency_id)
    result, _ = stix.build_bundle(session, actor, stix.ExportChoice(subject_ids=(subject.id,), hits=False,
                                                                     producer=stix.this_node()))  # fmt: skip
    return dispatch.request_dispatch(
        session, actor, peer=peer, type=SUBJECT_SHARE, body={"bundle": result.bundle},
        handling_code=subject.handling_code, owning_unit=subject.owning_unit, source_type="subject",
        source_id=subject.id, record=subject, summary=subject.primary_name,
        releasability=dispatch.releasability_for(session, peer, releasability),
    )  # fmt: skip


@handle(SUBJECT_SHARE)
@requests_flow.refuse_malformed
def receive_subject(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A partner's person sought: stored as its copy, keyed by the partner's id (a re-share updates)."""
    bundle = stix.parse_bundle(json.dumps(requests_flow.sent_body(incoming)["bundle"]))
    actor = requests_flow.node_actor(peer)
    with requests_flow.applying(session, peer):
        stix.store_people(
            session, actor, bundle, incoming.handling_code, f"{stix.NODE_SOURCE}{peer.node_id}",
            lambda person: str(person.get("x_liaison_subject_id") or ""),
        )  # fmt: skip


def permit_passing_on(session: Session, actor: Actor, subject_id: int, agency_id: int) -> Dispatch:
    """The provider lets the partner it shared an H2/H3 person sought with pass its copy on
    (export it): a `subject.permission` envelope, as `messages.permit_forwarding` does for a
    message; the partner's exports then include it (`subjects.may_pass_on`)."""
    ensure(actor, SHARE)
    subject = gate.get_readable(session, actor, Subject, subject_id, "subject")
    if _owner_node(subject.source) is not None:
        raise Conflict(
            "Person sought {subject_id} was shared by partner node {node_id}; only that node permits "
            "passing it on.",
            subject_id=subject.id,
            node_id=_owner_node(subject.source),
            allowed=[],
        )
    peer = _peer(session, agency_id)
    body = {"subject_id": subject.id, "by": actor.username}
    return dispatch.request_dispatch(
        session, actor, peer=peer, type=SUBJECT_PERMISSION, body=body, handling_code="H0",
        owning_unit=subject.owning_unit, source_type="subject.permission", source_id=subject.id,
        summary=subject.primary_name, releasability=dispatch.releasability_for(session, peer),
    )  # fmt: skip


@handle(SUBJECT_PERMISSION)
@requests_flow.refuse_malformed
def receive_permission(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """The owner lets this node pass its copy of a person sought on."""
    source_id = str(int(requests_flow.sent_body(incoming)["subject_id"]))
    copy = session.scalar(
        select(Subject).where(
            Subject.source == f"{stix.NODE_SOURCE}{peer.node_id}", Subject.source_id == source_id
        )
    )
    if copy is None:
        raise NotFound("There is no copy of partner subject {subject_id}.", subject_id=source_id)
    subjects.permit_onward(session, requests_flow.node_actor(peer, copy.owning_unit), copy)


# ---------------------------------------------------------------- hit alerts


def on_hit_decided(session: Session, event: HitDecided) -> None:
    """A confirmed hit on a person a partner shared goes to that partner as an alert."""
    if event.decision != "confirm" or session.info.get(requests_flow.APPLYING):
        return
    subject = session.get(Subject, event.subject_id)
    hit = session.get(Hit, event.hit_id)
    owner_id = subject.source_id if subject is not None else None
    if subject is None or hit is None or owner_id is None or not owner_id.isdigit():
        return
    owner = _owner_node(subject.source)
    peer = _peer_named(session, owner) if owner else None
    if peer is None or peer.status == "removed":
        return
    actor = requests_flow.user_of(session, event.actor)
    record = hit.record
    body = {
        "subject_id": int(owner_id),
        "hit_id": hit.id,
        "score": round(hit.score, 4),
        "matched_name": hit.matched_name,
        "decided_at": (hit.decided_at or hit.created_at).isoformat(),
        "decided_by": hit.decided_by,
        "reason": hit.reason,
        "record": {  # the traveller as screened here
            "name": record.name,
            "birth_date": record.birth_date,
            "nationality": record.nationality,
            "document_number": record.document_number,
            "gender": record.gender,
        },
    }
    dispatch.request_dispatch(
        session, actor, peer=peer, type=HIT_ALERT, body=body, handling_code=subject.handling_code,
        owning_unit=subject.owning_unit, source_type="screening_hit", source_id=hit.id, record=subject,
        summary=f"confirmed hit on {subject.primary_name}",
        releasability=dispatch.releasability_for(session, peer), wait_for_peer=True,
    )  # fmt: skip


@handle(HIT_ALERT)
@requests_flow.refuse_malformed
def receive_alert(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A partner confirmed a hit on one of our persons sought: a proposal (located, believed in
    its country) for our officer to accept or refuse; our record is not changed by the partner."""
    body = requests_flow.sent_body(incoming)
    subject = session.get(Subject, int(body["subject_id"]))
    if subject is None or _owner_node(subject.source) is not None:
        raise NotFound("There is no subject {subject_id}.", subject_id=body["subject_id"])
    actor = requests_flow.node_actor(peer, subject.owning_unit)
    note = (
        f"Confirmed screening hit on partner node {peer.node_id} at {body.get('decided_at')} "
        f"(score {body.get('score')}, matched {body.get('matched_name')!r}): {body.get('reason') or ''}"
    ).strip()
    partner = session.get(Agency, peer.agency_id) if peer.agency_id is not None else None
    country = (partner.country_code or "") if partner is not None else ""
    alert = HitAlert(
        peer_id=peer.id, subject_id=subject.id, message_id=str(incoming.message_id), note=note[:5000],
        alert=body, proposed_country=country if country != subject.believed_country else "",
        proposed_by=actor.username, proposed_at=utcnow(),
    )  # fmt: skip
    gate.inherit(alert, subject)
    session.add(alert)
    session.flush()
    # the status is proposed as every other change of status is: one proposal, decided by `decide`
    proposal = proposals.propose(session, actor.username, subject.id, "located", note, alert_id=alert.id)
    alert.proposed_status = proposal.status if proposal is not None else ""
    session.flush()
    audit.record(
        session, actor.username, "alert", "subject", subject.id, after=snapshot(alert, ALERT_AUDITED),
        detail=note, protected=subject,
    )  # fmt: skip


def alerts_about(session: Session, actor: Actor, subject: Subject) -> list[HitAlert]:
    """The partners' alerts on one of our persons sought the actor may read, newest first."""
    return list(
        session.scalars(
            select(HitAlert)
            .where(HitAlert.subject_id == subject.id, gate.readable(actor, HitAlert))
            .order_by(HitAlert.id.desc())
        )
    )


@dataclass(frozen=True)
class SharedWith:
    """A partner one of our persons sought went to, and whether it may pass the person on."""

    peer: Peer
    permitted: bool  # a `subject.permission` was asked for this partner (sent or awaiting approval)


def subject_shared_with(session: Session, actor: Actor, subject: Subject) -> list[SharedWith]:
    """The partners this person sought was shared with (dispatches the actor may read, not
    refused), oldest first, each with whether passing on was permitted."""
    asked: dict[str, set[int]] = {"subject": set(), "subject.permission": set()}
    for source_type, peer_id in session.execute(
        select(Dispatch.source_type, Dispatch.peer_id).where(
            Dispatch.source_type.in_(tuple(asked)),
            Dispatch.source_id == subject.id,
            Dispatch.status != dispatch.REFUSED,
            gate.readable(actor, Dispatch),
        )
    ):
        asked[source_type].add(peer_id)
    return [
        SharedWith(peer, peer.id in asked["subject.permission"])
        for peer in session.scalars(select(Peer).where(Peer.id.in_(asked["subject"])).order_by(Peer.id))
    ]


def _open_alert(session: Session, actor: Actor, alert_id: int) -> HitAlert:
    ensure(actor, ALERT_DECIDE)
    alert = gate.get_readable(session, actor, HitAlert, alert_id, "hit alert")
    if alert.decision:
        raise Conflict(
            "Alert {alert_id} was already {decision}.", alert_id=alert.id, decision=alert.decision, allowed=[]
        )
    return alert


def _decide_proposal(session: Session, actor: Actor, alert: HitAlert, decision: str) -> None:
    """Confirm or dismiss the status proposal the alert made, if still open (`proposals.decide`:
    the subjects' one rule for deciding a proposed change, audited there)."""
    proposal = session.scalar(
        select(SubjectStatusProposal).where(
            SubjectStatusProposal.alert_id == alert.id, SubjectStatusProposal.decision == ""
        )
    )
    if proposal is not None:
        proposals.decide(session, actor, alert.subject_id, proposal.id, decision)


def _decided(session: Session, actor: Actor, alert: HitAlert, decision: str, reason: str) -> dict[str, Any]:
    """Record who decided what, when and why; the alert as it was, for the audit event."""
    before = snapshot(alert, ALERT_AUDITED)
    alert.decision, alert.decided_by, alert.decided_at = decision, actor.username, utcnow()
    alert.reason = reason
    session.flush()
    return before


def accept_alert(session: Session, actor: Actor, alert_id: int, reason: str = "") -> HitAlert:
    """Our officer accepts a partner's alert: the proposed country through the subjects service,
    the proposed status by confirming the alert's status proposal; audited."""
    alert = _open_alert(session, actor, alert_id)
    subject = subjects.get_subject(session, actor, alert.subject_id)
    if alert.proposed_country and alert.proposed_country != subject.believed_country:
        subjects.update_subject(
            session, actor, subject.id, SubjectPatch(believed_country=alert.proposed_country)
        )
    _decide_proposal(session, actor, alert, "confirm")
    before = _decided(session, actor, alert, "accepted", reason.strip())
    audit.record(
        session, actor.username, "accept alert", "hit_alert", alert.id, before=before,
        after=snapshot(alert, ALERT_AUDITED), protected=alert,
    )  # fmt: skip
    return alert


def refuse_alert(session: Session, actor: Actor, alert_id: int, reason: str) -> HitAlert:
    """Our officer refuses a partner's alert, saying why: its status proposal is dismissed and the
    person sought stays as it is; audited."""
    if not reason.strip():
        raise Invalid("Say why the alert is refused.", fields={"reason": "required"})
    alert = _open_alert(session, actor, alert_id)
    _decide_proposal(session, actor, alert, "dismiss")
    before = _decided(session, actor, alert, "refused", reason.strip())
    audit.record(
        session, actor.username, "refuse alert", "hit_alert", alert.id, before=before,
        after=snapshot(alert, ALERT_AUDITED), protected=alert,
    )  # fmt: skip
    return alert


# ---------------------------------------------------------------- engagements and commitments


def _commitment_body(commitment: Commitment, origin: str) -> dict[str, Any]:
    return {
        "origin": origin,
        "id": commitment.id,
        "text": commitment.text,
        "kind": commitment.kind,
        "status": commitment.status,
        "due_date": commitment.due_date.isoformat() if commitment.due_date else None,
        "crime_areas": list(commitment.crime_areas),
        "language": commitment.language,
        "translations": commitment.translations,
    }


def share_engagement(
    session: Session, actor: Actor, engagement_id: int, agency_id: int, releasability: str | None = None
) -> Dispatch:
    """Share an engagement's minutes and commitments with a partner agency that was present
    (`releasability` as for `share_subject`)."""
    ensure(actor, SHARE)
    engagement = engagements.get_engagement(session, actor, engagement_id)
    if _origin_of(engagement.ref) is not None:
        raise Conflict(
            "Engagement {engagement_id} was shared by a partner node; only that node shares it.",
            engagement_id=engagement.id,
            allowed=[],
        )
    if agency_id not in {a.agency_id for a in engagement.agencies}:
        raise Conflict(
            "Agency {agency_id} was not present at engagement {engagement_id}; share it with one that was.",
            agency_id=agency_id,
            engagement_id=engagement.id,
            allowed=[str(a.agency_id) for a in engagement.agencies],
        )
    peer = _peer(session, agency_id)
    origin = stix.this_node()
    body = {
        "origin": origin,
        "id": engagement.id,
        "kind": engagement.kind,
        "title": engagement.title,
        "held_on": engagement.held_on.isoformat(),
        "end_on": engagement.end_on.isoformat() if engagement.end_on else None,
        "place": engagement.place,
        "place_country": engagement.place_country_code,
        "crime_areas": list(engagement.crime_areas),
        "summary": engagement.summary,
        "language": engagement.language,
        "translations": engagement.translations,
        "commitments": [_commitment_body(c, origin) for c in engagement.commitments],
    }
    return dispatch.request_dispatch(
        session, actor, peer=peer, type=ENGAGEMENT_SHARE, body=body, handling_code=ENGAGEMENT_HANDLING,
        owning_unit=actor.unit, source_type="engagement", source_id=engagement.id, summary=engagement.title,
        releasability=dispatch.releasability_for(session, peer, releasability),
    )  # fmt: skip


def _ref(origin: str, what: str, record_id: object) -> str:
    return f"{origin}:{what}:{record_id}"


def _origin_of(ref: str | None) -> str | None:
    """The node a shared engagement or commitment came from (its ref `<node>:<what>:<id>`)."""
    parts = (ref or "").split(":")
    shared = len(parts) == 3 and parts[1] in ("engagement", "commitment") and parts[2].isdigit()
    return parts[0] if shared else None


@handle(ENGAGEMENT_SHARE)
@requests_flow.refuse_malformed
def receive_engagement(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A partner's minutes: the engagement (once) and each commitment not recorded yet."""
    body = requests_flow.sent_body(incoming)
    actor = requests_flow.node_actor(peer)
    ref = _ref(body["origin"], "engagement", body["id"])
    with requests_flow.applying(session, peer):
        engagement = session.scalar(select(Engagement).where(Engagement.ref == ref))
        if engagement is None:
            home = requests_flow.home_agency_or_none(session)
            partner = session.get(Agency, peer.agency_id) if peer.agency_id is not None else None
            agencies = [a.id for a in (partner, home) if a is not None]
            country = partner.country_code if partner is not None else None
            engagement = engagements.create_engagement(
                session, actor, engagement_schemas.EngagementIn(
                    kind=body["kind"], title=body["title"], held_on=body["held_on"],
                    end_on=body.get("end_on"),
                    place=body.get("place", ""), place_country=body.get("place_country"), country=country,
                    agency_ids=agencies, crime_areas=body.get("crime_areas", []),
                    summary=body.get("summary", ""), ref=ref,
                    language=body.get("language", "en"), translations=body.get("translations", {}),
                ),
            )  # fmt: skip
        for item in body.get("commitments", []):
            _receive_commitment(session, actor, engagement, item)


def _receive_commitment(session: Session, actor: Actor, engagement: Engagement, item: dict[str, Any]) -> None:
    ref = _ref(item["origin"], "commitment", item["id"])
    if session.scalar(select(Commitment).where(Commitment.ref == ref)) is not None:
        return
    commitment = engagements.create_commitment(
        session, actor, engagement_schemas.CommitmentIn(
            engagement_id=engagement.id, text=item["text"], kind=item["kind"], due_date=item.get("due_date"),
            crime_areas=item.get("crime_areas", []), ref=ref,
            language=item.get("language", "en"), translations=item.get("translations", {}),
        ),
    )  # fmt: skip
    if item.get("status") and item["status"] != commitment.status:
        _follow_up(session, actor, commitment, "", item["status"], None)


def _follow_up(
    session: Session,
    actor: Actor,
    commitment: Commitment,
    note: str,
    status: str | None,
    noted_on: str | None,
) -> None:
    """The partner's follow-up here: with its status when this side's vocabulary allows the move,
    as a note saying what the partner recorded otherwise."""
    allowed = allowed_next(engagement_vocabulary().commitment_statuses, commitment.status)
    move = status if status in allowed else None
    text = note if move == status else f"{note} (partner recorded status {status})".strip()
    if move is None and not text:
        return
    engagements.follow_up(
        session,
        actor,
        commitment.id,
        engagement_schemas.FollowUpIn(note=text, status=move, noted_on=noted_on),
    )


def _shared_with(session: Session, engagement_id: int) -> list[Peer]:
    """The partners an engagement of ours was shared with (dispatches not refused)."""
    peer_ids = session.scalars(
        select(Dispatch.peer_id).where(
            Dispatch.source_type == "engagement",
            Dispatch.source_id == engagement_id,
            Dispatch.status != dispatch.REFUSED,
        )
    ).all()
    return [p for p in (session.get(Peer, i) for i in sorted(set(peer_ids))) if p is not None]


def on_commitment_changed(session: Session, event: CommitmentChanged) -> None:
    """A follow-up of a shared engagement's commitment goes to the other side: from the owner to
    every partner it was shared with, from a partner's copy to the owner."""
    if event.change != "follow_up" or session.info.get(requests_flow.APPLYING):
        return
    commitment = session.get(Commitment, event.commitment_id)
    if commitment is None or not commitment.follow_ups:
        return
    latest = commitment.follow_ups[-1]
    origin = _origin_of(commitment.ref)
    if origin is None:
        peers = _shared_with(session, commitment.engagement_id)
        key = {"origin": stix.this_node(), "id": commitment.id}
    else:
        owner = _peer_named(session, origin)
        peers = [owner] if owner is not None else []
        key = {"origin": origin, "id": int((commitment.ref or "").rsplit(":", 1)[1])}
    actor = requests_flow.user_of(session, event.actor)
    status = latest.status or latest.proposed_status
    for peer in peers:
        if peer.status == "removed" or (event.for_node and peer.node_id != event.for_node):
            continue
        body = {**key, "note": latest.note, "status": status, "noted_on": latest.noted_on.isoformat()}
        dispatch.request_dispatch(
            session, actor, peer=peer, type=FOLLOW_UP, body=body, handling_code=ENGAGEMENT_HANDLING,
            owning_unit=actor.unit, source_type="commitment", source_id=commitment.id,
            summary=f"follow-up: {commitment.text[:200]}",
            releasability=dispatch.releasability_for(session, peer), wait_for_peer=True,
        )  # fmt: skip


@handle(FOLLOW_UP)
@requests_flow.refuse_malformed
def receive_follow_up(session: Session, peer: Peer, incoming: IncomingEnvelope) -> None:
    """A follow-up from the other side: on our copy of the owner's commitment, applied as the
    owner recorded it; on our commitment, the partner's note as its follow-up and the status it
    carries as a proposal for our officer (the partner never changes our record)."""
    body = requests_flow.sent_body(incoming)
    ours = body["origin"] == stix.this_node()
    if ours:
        commitment = session.get(Commitment, int(body["id"]))
    else:
        commitment = session.scalar(
            select(Commitment).where(Commitment.ref == _ref(body["origin"], "commitment", body["id"]))
        )
    if commitment is None or (ours and _origin_of(commitment.ref) is not None):
        raise NotFound("There is no commitment {commitment_id}.", commitment_id=body["id"])
    if not ours and body["origin"] != peer.node_id:
        raise Conflict(
            "Commitment {commitment_id} is owned by node {node}; only it follows the copy up.",
            commitment_id=commitment.id,
            node=body["origin"],
            allowed=[],
        )
    actor = requests_flow.node_actor(peer, commitment.engagement.owning_unit)
    note, status, noted_on = body.get("note") or "", body.get("status"), body.get("noted_on")
    with requests_flow.applying(session, peer):
        if not ours:
            _follow_up(session, actor, commitment, note, status, noted_on)
            return
        if note:
            engagements.follow_up(
                session, actor, commitment.id, engagement_schemas.FollowUpIn(note=note, noted_on=noted_on)
            )
        if status:
            commitment_proposals.propose(
                session, actor, commitment, status, note, from_node=peer.node_id,
                message_id=str(incoming.message_id),
            )  # fmt: skip


SUBSCRIPTIONS = (
    InTransaction(HitDecided, on_hit_decided),
    InTransaction(CommitmentChanged, on_commitment_changed),
)


# ---------------------------------------------------------------- what the sharing page lists

SHARED_SOURCES = ("subject", "engagement", "commitment", "subject.permission")


def shared(session: Session, actor: Actor, *, limit: int = 50, offset: int = 0) -> tuple[list[Dispatch], int]:
    """What was asked to go to partners (persons sought, engagements, follow-ups) that the actor
    may read, newest first, with where each stands (pending approval, sent, refused)."""
    ensure(actor, SHARE)
    query: Select[Any] = (
        select(Dispatch)
        .where(Dispatch.source_type.in_(SHARED_SOURCES), gate.readable(actor, Dispatch))
        .order_by(Dispatch.requested_at.desc(), Dispatch.id.desc())
    )
    return paginate(session, query, limit, offset)


def partner_agencies(session: Session) -> list[Agency]:
    """The agencies with an active, verified partner node: the only ones one can share with."""
    return list(
        session.scalars(
            select(Agency)
            .join(Peer, Peer.agency_id == Agency.id)
            .where(Peer.status == "active", Peer.fingerprint_verified.is_(True))
            .distinct()
            .order_by(Agency.country_code, Agency.name_key)
        )
    )
