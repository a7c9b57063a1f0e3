"""A subject's status follows its requests and hits, with the officer confirming.

Two domain events propose a change (subscribed in transaction, so a proposal commits or rolls
back with what suggested it):

- `HitDecided` — a confirmed screening hit proposes "located", and links the request the
  confirmation opened to the subject;
- `RequestTransitioned` — an extradition (or a transfer of sentenced persons) that reaches
  "executed" proposes "surrendered" for every person sought the request names.

A partner's confirmed-hit alert (`exchange.sharing.receive_alert`) proposes "located" here too,
naming its alert (`alert_id`); accepting the alert confirms that proposal and refusing it
dismisses it, through `decide` — the one place a proposal is decided.

Nothing changes the subject's status until an officer confirms the proposal on its page (or the
API); confirming walks the status vocabulary's shortest way there (sought → arrested →
surrendered: an executed extradition means the person was arrested and handed over), each step
in the status history, and a dismissal keeps the proposal with who dismissed it. A proposal is
not made twice while one for the same status is open, nor when the subject already has it or
the vocabulary has no way there.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Invalid, NotFound
from liaison.core.events import HitDecided, RequestTransitioned, SubjectChanged, publish
from liaison.core.security.policy import Actor
from liaison.subjects import service
from liaison.subjects.models import Subject, SubjectRequestLink, SubjectStatusProposal
from liaison.subjects.vocabulary import vocabulary

SURRENDERING_KINDS = ("extradition", "transfer_of_sentenced_persons")
DECISIONS = {"confirm": "confirmed", "dismiss": "dismissed"}


def way_to(current: str, target: str) -> list[str] | None:
    """The statuses to pass through from `current` to `target` (target last), fewest first;
    None when the vocabulary has no way."""
    statuses = vocabulary().statuses
    came: dict[str, str] = {current: ""}
    queue = deque([current])
    while queue:
        state = queue.popleft()
        if state == target:
            path = []
            while state != current:
                path.append(state)
                state = came[state]
            return path[::-1]
        for following in statuses[state].next if state in statuses else []:
            if following not in came:
                came[following] = state
                queue.append(following)
    return None


def propose(
    session: Session,
    actor: str,
    subject_id: int,
    status: str,
    reason: str,
    *,
    hit_id: int | None = None,
    request_id: int | None = None,
    alert_id: int | None = None,
) -> SubjectStatusProposal | None:
    """Record a proposed change of status (audited), unless it would change nothing."""
    subject = session.get(Subject, subject_id)
    if subject is None or subject.status == status or not way_to(subject.status, status):
        return None
    already = session.scalar(
        select(SubjectStatusProposal.id).where(
            SubjectStatusProposal.subject_id == subject_id,
            SubjectStatusProposal.status == status,
            SubjectStatusProposal.decision == "",
        )
    )
    if already is not None:
        return None
    proposal = SubjectStatusProposal(
        subject_id=subject_id,
        status=status,
        reason=reason,
        hit_id=hit_id,
        request_id=request_id,
        alert_id=alert_id,
        proposed_by=actor,
    )
    session.add(proposal)
    session.flush()
    audit.record(
        session,
        actor,
        "propose status",
        "subject",
        subject_id,
        after={
            "status": status,
            "reason": reason,
            "hit_id": hit_id,
            "request_id": request_id,
            "alert_id": alert_id,
        },
        protected=subject,
    )
    return proposal


def open_proposals(session: Session, subject_id: int) -> list[SubjectStatusProposal]:
    """The proposals still waiting for an officer, oldest first (the subject was read already)."""
    return list(
        session.scalars(
            select(SubjectStatusProposal)
            .where(SubjectStatusProposal.subject_id == subject_id, SubjectStatusProposal.decision == "")
            .order_by(SubjectStatusProposal.id)
        )
    )


def decide(
    session: Session, actor: Actor, subject_id: int, proposal_id: int, decision: str
) -> SubjectStatusProposal:
    """Confirm (the subject takes the status, each step in its history) or dismiss a proposal."""
    subject = service._readable(session, actor, subject_id, service.WRITE)
    if decision not in DECISIONS:
        raise Invalid("Confirm or dismiss the proposed change.", fields={"decision": "confirm or dismiss"})
    proposal = session.get(SubjectStatusProposal, proposal_id)
    if proposal is None or proposal.subject_id != subject.id:
        raise NotFound(
            "Subject {subject_id} has no proposed change {proposal_id}.",
            subject_id=subject_id,
            proposal_id=proposal_id,
        )
    if proposal.decision:
        raise Conflict("This proposed change was already {decision}.", decision=proposal.decision, allowed=[])
    if decision == "confirm":
        steps = way_to(subject.status, proposal.status)
        if not steps:
            raise Conflict(
                "Subject {subject_id} can no longer become {status} from where it is.",
                subject_id=subject.id,
                status=vocabulary().statuses[proposal.status],
                allowed=["dismiss"],
            )
        for step in steps:
            service.change_status(session, actor, subject.id, step, proposal.reason)
    proposal.decision, proposal.decided_by, proposal.decided_at = (
        DECISIONS[decision],
        actor.username,
        utcnow(),
    )
    session.flush()
    changes: dict[str, Any] = {
        "before": {"proposal": proposal.id, "status": proposal.status},
        "after": {"decision": proposal.decision},
    }
    if decision == "confirm":
        audit.record(
            session, actor.username, "confirm proposal", "subject", subject.id, **changes, protected=subject
        )
    else:
        audit.record(
            session, actor.username, "dismiss proposal", "subject", subject.id, **changes, protected=subject
        )
    return proposal


# ---------------------------------------------------------------- subscribers


def on_hit_decided(session: Session, event: HitDecided) -> None:
    """A confirmed hit proposes "located" and links the request its confirmation opened."""
    if event.decision != "confirm":
        return
    subject = session.get(Subject, event.subject_id)
    if subject is None:
        return
    reason = f"Screening hit {event.hit_id} confirmed"
    if (
        event.request_id is not None
        and session.get(SubjectRequestLink, (subject.id, event.request_id)) is None
    ):
        session.add(SubjectRequestLink(subject_id=subject.id, request_id=event.request_id, note=reason))
        session.flush()
        audit.record(
            session, event.actor, "link request", "subject", subject.id,
            after={"request_id": event.request_id, "note": reason}, protected=subject,
        )  # fmt: skip
        session.expire(subject, ["request_links"])
        publish(session, SubjectChanged(actor=event.actor, subject_ids=(subject.id,), change="link request"))
    propose(
        session, event.actor, subject.id, "located", reason, hit_id=event.hit_id, request_id=event.request_id
    )


def on_request_transitioned(session: Session, event: RequestTransitioned) -> None:
    """An executed extradition proposes "surrendered" for each person sought it names."""
    if event.to_state != "executed" or event.kind not in SURRENDERING_KINDS:
        return
    for subject_id in event.subject_ids:
        propose(
            session,
            event.actor,
            subject_id,
            "surrendered",
            f"Request {event.request_id} executed",
            request_id=event.request_id,
        )
