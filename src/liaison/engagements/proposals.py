"""A partner node's proposed change of one of our commitments, decided by the owner.

Issue 13's owner rule: a commitment has one owner node, and nothing resolves by comparing
timestamps. When a partner follows up a commitment we shared (`exchange.sharing.receive_follow_up`),
its note is recorded as its follow-up (by its node actor, `node:<id>`), but a status it carries
is not applied: it is a `CommitmentProposal` naming the node and the envelope it came in, shaped
as the subjects' status proposals are (`subjects/proposals.py`) — one open proposal per status,
none for the status the commitment already has.

An officer of the unit that owns the engagement, who may write commitments, decides
(`decide`): accepting moves the status through the one follow-up path (`service.follow_up`, so
the vocabulary's moves apply and `CommitmentChanged` shares the new status with every partner
the engagement went to); refusing keeps the proposal with who refused it and why, and records a
follow-up note saying so, meant for the proposing node only (`for_node`), which the exchange
sends back to it. Both are audited; a decided proposal is not decided again (409).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Forbidden, Invalid, NotFound
from liaison.core.records import snapshot
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import require
from liaison.engagements import schemas, service
from liaison.engagements.models import Commitment, CommitmentProposal
from liaison.engagements.vocabulary import vocabulary

DECISIONS = {"accept": "accepted", "refuse": "refused"}
AUDITED = ("commitment_id", "status", "note", "from_node", "message_id", "decision", "decided_by", "reason")


def propose(
    session: Session,
    actor: Actor,
    commitment: Commitment,
    status: str,
    note: str,
    *,
    from_node: str,
    message_id: str = "",
) -> CommitmentProposal | None:
    """Record a partner node's proposed status of our commitment (audited), unless the commitment
    has it already or the same status is proposed and still open."""
    require(vocabulary().commitment_statuses, status, "status")
    if service.owner_node(commitment) is not None:
        raise Conflict(
            "Commitment {commitment_id} is owned by node {node}; propose it to its owner.",
            commitment_id=commitment.id,
            node=service.owner_node(commitment),
            allowed=[],
        )
    if status == commitment.status:
        return None
    already = session.scalar(
        select(CommitmentProposal.id).where(
            CommitmentProposal.commitment_id == commitment.id,
            CommitmentProposal.status == status,
            CommitmentProposal.decision == "",
        )
    )
    if already is not None:
        return None
    proposal = CommitmentProposal(
        commitment_id=commitment.id,
        status=status,
        note=note,
        from_node=from_node,
        message_id=message_id,
        proposed_by=actor.username,
        created_at=utcnow(),
    )
    session.add(proposal)
    session.flush()
    audit.record(
        session, actor.username, "propose status", "commitment", commitment.id,
        after=snapshot(proposal, AUDITED), detail=note,
    )  # fmt: skip
    return proposal


def proposals_of(session: Session, commitment_id: int) -> list[CommitmentProposal]:
    """Every proposal on a commitment (the caller read it through the gate), oldest first."""
    return list(
        session.scalars(
            select(CommitmentProposal)
            .where(CommitmentProposal.commitment_id == commitment_id)
            .order_by(CommitmentProposal.id)
        )
    )


def list_proposals(session: Session, actor: Actor, commitment_id: int) -> list[CommitmentProposal]:
    """The proposals on a commitment the actor may read, oldest first."""
    ensure(actor, service.READ)
    commitment = service.readable_commitment(session, actor, commitment_id)
    return proposals_of(session, commitment.id)


def may_decide(actor: Actor, commitment: Commitment) -> bool:
    """An officer of the unit that owns the engagement decides (any writer, when it has no unit)."""
    unit = commitment.engagement.owning_unit
    return service.owner_node(commitment) is None and (not unit or actor.unit == unit)


def decide(
    session: Session, actor: Actor, commitment_id: int, proposal_id: int, decision: str, reason: str = ""
) -> CommitmentProposal:
    """Accept (the status moves through `service.follow_up`) or refuse (with a reason, sent back
    to the proposing node as a follow-up note) a partner's proposal; audited."""
    ensure(actor, service.WRITE)
    commitment = service.readable_commitment(session, actor, commitment_id)
    if decision not in DECISIONS:
        raise Invalid("Accept or refuse the proposed change.", fields={"decision": "accept or refuse"})
    reason = reason.strip()
    if decision == "refuse" and not reason:
        raise Invalid("Say why the proposed change is refused.", fields={"reason": "required"})
    proposal = session.get(CommitmentProposal, proposal_id)
    if proposal is None or proposal.commitment_id != commitment.id:
        raise NotFound(
            "Commitment {commitment_id} has no proposed change {proposal_id}.",
            commitment_id=commitment.id,
            proposal_id=proposal_id,
        )
    if not may_decide(actor, commitment):
        raise Forbidden(
            "Only an officer of unit {unit} decides on commitment {commitment_id}.",
            unit=commitment.engagement.owning_unit,
            commitment_id=commitment.id,
        )
    if proposal.decision:
        raise Conflict("This proposed change was already {decision}.", decision=proposal.decision, allowed=[])
    before = snapshot(proposal, AUDITED)
    status_label = vocabulary().commitment_statuses[proposal.status].en
    if decision == "accept":
        note = f"Accepted the proposal of partner node {proposal.from_node} ({status_label})"
        service.follow_up(
            session, actor, commitment.id,
            schemas.FollowUpIn(note=f"{note}: {reason}" if reason else note, status=proposal.status),
        )  # fmt: skip
    proposal.decision, proposal.decided_by, proposal.decided_at = (
        DECISIONS[decision],
        actor.username,
        utcnow(),
    )
    proposal.reason = reason
    session.flush()
    changes: dict[str, Any] = {"before": before, "after": snapshot(proposal, AUDITED)}
    if decision == "accept":
        audit.record(session, actor.username, "accept proposal", "commitment", commitment.id, **changes)
    else:
        audit.record(session, actor.username, "refuse proposal", "commitment", commitment.id, **changes)
        service.follow_up(
            session, actor, commitment.id,
            schemas.FollowUpIn(
                note=f"Refused the proposal of partner node {proposal.from_node} ({status_label}): {reason}"
            ),
            for_node=proposal.from_node,
        )  # fmt: skip
    return proposal


def proposal_out(proposal: CommitmentProposal) -> schemas.ProposalOut:
    return schemas.ProposalOut.model_validate(proposal)
