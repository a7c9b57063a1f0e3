"""Engagements, their commitments and follow-ups, and citizen-protection cases.

Plain functions `(session, actor, ...)` called by the API, the pages and the demo loader. An
engagement's title is indexed in the registry's one search box (`registry.name_search.index_names`).
Commitment statuses follow the declared transitions in `vocab/engagements.yaml`.

Engagements are read through the record-access gate (`gate.readable`, `gate.get_readable`): an H2
or H3 engagement of another unit is missing for this reader, in lists, pages, the calendar and the
feeds alike. Planning (stages, agenda, delegations, preparation tasks, the calendar) is in
`planning.py`; the dates a stage allows are checked here, where an engagement is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit, bilingual
from liaison.core.errors import Conflict, DomainError, Invalid, NotFound
from liaison.core.events import CommitmentChanged, EngagementRecorded, publish
from liaison.core.i18n import Phrase
from liaison.core.listing import apply_sort, paginate
from liaison.core.models import User
from liaison.core.records import get_or_404, referenced, snapshot, today
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import allowed_next, check_move, require, require_all
from liaison.engagements import schemas
from liaison.engagements.models import (
    CitizenProtectionCase,
    Commitment,
    CommitmentFollowUp,
    CommitmentParty,
    Engagement,
    EngagementAgency,
    EngagementDelegate,
    EngagementParticipant,
    EngagementSource,
    PreparationTask,
)
from liaison.engagements.vocabulary import vocabulary
from liaison.names.fold import fold
from liaison.registry.countries import country_code
from liaison.registry.models import ActionItem, Agency, Agreement, Mechanism, Official, Programme
from liaison.registry.name_search import index_names, matching_ids
from liaison.registry.vocabulary import crime_areas

READ, WRITE = "engagements.read", "engagements.write"


def _check_ids(session: Session, model: type[Any], ids: Sequence[int], field: str, what: str) -> list[int]:
    for index, record_id in enumerate(ids):
        referenced(session, model, record_id, f"{field}.{index}", what)
    return list(dict.fromkeys(ids))


# Engagements

ENGAGEMENT_DEFAULT_SORT = "-held_on"  # newest first; the list page's headers show it too
ENGAGEMENT_SORTS = {
    "held_on": Engagement.held_on,
    "kind": Engagement.kind,
    "title": Engagement.title,
    "id": Engagement.id,
}
ENGAGEMENT_TEXTS = ("title", "summary")  # in two languages (`core.bilingual`)
ENGAGEMENT_FIELDS = (
    "kind",
    "title",
    "language",
    "translations",
    "held_on",
    "end_on",
    "place",
    "country_code",
    "mechanism_id",
    "ordinal",
    "crime_areas",
    "summary",
    "stage",
    "agenda",
    "owning_unit",
    "handling_code",
)
ENGAGEMENT = "engagement"


def check_stage_date(stage: str, held_on: date, field: str = "held_on") -> None:
    """A planned engagement is today or later (planning a past date is refused: record it as held);
    a held one is today or earlier, in the node's time zone. A cancelled one may be any day."""
    if stage == "planned" and held_on < today():
        raise Invalid("A planned engagement cannot be in the past.", fields={field: "today or later"})
    if stage == "held" and held_on > today():
        raise Invalid(
            "An engagement cannot have been held in the future.", fields={field: "today or earlier"}
        )


def check_user(session: Session, username: str, field: str) -> str:
    """A user of this node by name, else `Invalid` naming the field."""
    if session.scalar(select(User.id).where(User.username == username, User.is_active)) is None:
        raise Invalid(
            "There is no user {username}.", username=username, fields={field: "a user of this node"}
        )
    return username


def delegates(session: Session, rows: Sequence[schemas.DelegateIn]) -> list[EngagementDelegate]:
    """The delegation lists as rows, each side in the order given; every member is an official, a
    user (our side) or a name."""
    sides = vocabulary().delegation_sides
    out, positions = [], dict.fromkeys(sides, 0)
    for index, row in enumerate(rows):
        require(sides, row.side, f"delegates.{index}.side")
        referenced(session, Official, row.official_id, f"delegates.{index}.official_id", "official")
        if row.username is not None:
            if row.side != "ours":
                raise Invalid(
                    "Only our delegation lists users.",
                    fields={f"delegates.{index}.username": "our side only"},
                )
            check_user(session, row.username, f"delegates.{index}.username")
        if row.official_id is None and row.username is None and not row.name.strip():
            raise Invalid(
                "Name each member of a delegation.",
                fields={f"delegates.{index}.name": "an official, a user or a name"},
            )
        out.append(
            EngagementDelegate(
                side=row.side,
                position=positions[row.side],
                official_id=row.official_id,
                username=row.username,
                name=row.name.strip(),
                role=row.role,
            )
        )
        positions[row.side] += 1
    return out


def tasks(session: Session, rows: Sequence[schemas.TaskIn], field: str = "tasks") -> list[PreparationTask]:
    return [
        PreparationTask(
            text=row.text,
            owner=check_user(session, row.owner, f"{field}.{index}.owner"),
            due_on=row.due_on,
            is_done=row.is_done,
        )
        for index, row in enumerate(rows)
    ]


def delegation_snapshot(engagement: Engagement) -> list[str]:
    """The delegation lists in an audit event's words: side, who, as what."""
    return [
        f"{d.side}: {(d.official_id and f'official {d.official_id}') or d.username or d.name}"
        + (f" ({d.role})" if d.role else "")
        for d in engagement.delegates
    ]


def _participants(
    session: Session, participants: Sequence[schemas.ParticipantIn]
) -> list[EngagementParticipant]:
    rows: dict[int, EngagementParticipant] = {}
    for index, participant in enumerate(participants):
        require(vocabulary().participant_roles, participant.role, f"participants.{index}.role")
        referenced(
            session, Official, participant.official_id, f"participants.{index}.official_id", "official"
        )
        rows.setdefault(
            participant.official_id,
            EngagementParticipant(official_id=participant.official_id, role=participant.role),
        )
    return list(rows.values())


def create_engagement(session: Session, actor: Actor, data: schemas.EngagementIn) -> Engagement:
    ensure(actor, WRITE)
    require(vocabulary().engagement_kinds, data.kind, "kind")
    require(vocabulary().engagement_stages, data.stage, "stage")
    check_stage_date(data.stage, data.held_on)
    if data.end_on is not None and data.end_on < data.held_on:
        raise Invalid("The end is before the start.", fields={"end_on": "on or after the start"})
    engagement = Engagement(
        stage=data.stage,
        agenda=[item.strip() for item in data.agenda if item.strip()],
        delegates=delegates(session, data.delegates),
        tasks=tasks(session, data.tasks),
        owning_unit=actor.unit,
        handling_code=data.handling_code,
        ref=data.ref,
        kind=data.kind,
        title=data.title,
        held_on=data.held_on,
        end_on=data.end_on,
        date_note=data.date_note,
        place=data.place,
        place_country_code=country_code(session, data.place_country, "place_country"),
        country_code=country_code(session, data.country),
        ordinal=data.ordinal,
        mechanism_id=referenced(session, Mechanism, data.mechanism_id, "mechanism_id", "mechanism")
        and data.mechanism_id,
        crime_areas=require_all(crime_areas(), data.crime_areas, "crime_areas"),
        summary=data.summary,
        agencies=[
            EngagementAgency(agency_id=i)
            for i in _check_ids(session, Agency, data.agency_ids, "agency_ids", "agency")
        ],
        participants=_participants(session, data.participants),
        sources=[EngagementSource(**s.model_dump()) for s in data.sources],
    )
    bilingual.write(engagement, ENGAGEMENT_TEXTS, data.language, data.translations)
    session.add(engagement)
    session.flush()
    index_names(session, "engagement", engagement.id, bilingual.versions(engagement, "title"))
    audit.record(
        session,
        actor.username,
        "create",
        "engagement",
        engagement.id,
        after=snapshot(engagement, ENGAGEMENT_FIELDS) | {"delegates": delegation_snapshot(engagement)},
        protected=engagement,
    )
    publish(session, EngagementRecorded(actor=actor.username, engagement_id=engagement.id, change="create"))
    return engagement


def update_engagement(
    session: Session, actor: Actor, engagement_id: int, data: schemas.EngagementPatch
) -> Engagement:
    ensure(actor, WRITE)
    engagement = gate.get_readable(session, actor, Engagement, engagement_id, ENGAGEMENT)
    before = snapshot(engagement, ENGAGEMENT_FIELDS) | {"delegates": delegation_snapshot(engagement)}
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    if "kind" in changes:
        require(vocabulary().engagement_kinds, changes["kind"], "kind")
    if "crime_areas" in changes:
        changes["crime_areas"] = require_all(crime_areas(), changes["crime_areas"], "crime_areas")
    for field in ("kind", "title", "held_on", "end_on", "place", "summary", "crime_areas"):
        if field in changes:
            setattr(engagement, field, changes[field])
    bilingual.write(engagement, ENGAGEMENT_TEXTS, changes.get("language"), changes.get("translations"))
    if "held_on" in changes and changes["held_on"] != before["held_on"]:
        check_stage_date(engagement.stage, engagement.held_on)
    if engagement.end_on is not None and engagement.end_on < engagement.held_on:
        raise Invalid("The end is before the start.", fields={"end_on": "on or after the start"})
    if "agenda" in changes:
        engagement.agenda = [item.strip() for item in changes["agenda"] if item.strip()]
    if data.delegates is not None:
        engagement.delegates = delegates(session, data.delegates)
    if "handling_code" in changes:
        engagement.handling_code = changes["handling_code"]
    if "country" in changes:
        engagement.country_code = country_code(session, changes["country"])
    sent = data.model_fields_set  # a mechanism and its number may be cleared: null sent is none
    if "mechanism_id" in sent:
        referenced(session, Mechanism, data.mechanism_id, "mechanism_id", "mechanism")
        engagement.mechanism_id = data.mechanism_id
    if "ordinal" in sent:
        engagement.ordinal = data.ordinal
    if data.agency_ids is not None:
        ids = _check_ids(session, Agency, data.agency_ids, "agency_ids", "agency")
        have = {a.agency_id: a for a in engagement.agencies}
        engagement.agencies = [have.get(i) or EngagementAgency(agency_id=i) for i in ids]
    if data.participants is not None:
        # rows kept are updated in place: a new row for the same official would clash with the old
        # one still unflushed (inserts go before deletes)
        present = {p.official_id: p for p in engagement.participants}
        rows = []
        for row in _participants(session, data.participants):
            old = present.get(row.official_id)
            if old is not None:
                old.role = row.role
            rows.append(old or row)
        engagement.participants = rows
    if data.sources is not None:
        engagement.sources = [EngagementSource(**s.model_dump()) for s in data.sources]
    session.flush()
    index_names(session, "engagement", engagement.id, bilingual.versions(engagement, "title"))
    audit.record(
        session,
        actor.username,
        "update",
        "engagement",
        engagement.id,
        before=before,
        after=snapshot(engagement, ENGAGEMENT_FIELDS) | {"delegates": delegation_snapshot(engagement)},
        protected=engagement,
    )
    publish(session, EngagementRecorded(actor=actor.username, engagement_id=engagement.id, change="update"))
    return engagement


def get_engagement(session: Session, actor: Actor, engagement_id: int) -> Engagement:
    ensure(actor, READ)
    return gate.get_readable(session, actor, Engagement, engagement_id, ENGAGEMENT)


def list_engagements(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    country: str | None = None,
    mechanism_id: int | None = None,
    agency_id: int | None = None,
    crime_area: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    stage: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Engagement], int]:
    ensure(actor, READ)
    if date_from is not None and date_to is not None and date_to < date_from:
        raise Invalid("The end is before the start.", fields={"date_to": "on or after the start"})
    # drafts extracted from press reports stay out of the registry until an officer confirms them,
    # and a draft merged into an engagement already recorded is that engagement's source only
    query = select(Engagement).where(
        Engagement.status.not_in(("draft", "merged")), gate.readable(actor, Engagement)
    )
    if stage:
        query = query.where(Engagement.stage.in_(stage.split(",")))
    if kind:
        query = query.where(Engagement.kind == kind)
    if country:
        query = query.where(Engagement.country_code == country.upper())
    if mechanism_id is not None:
        query = query.where(Engagement.mechanism_id == mechanism_id)
    if agency_id is not None:
        query = query.where(
            Engagement.id.in_(
                select(EngagementAgency.engagement_id).where(EngagementAgency.agency_id == agency_id)
            )
        )
    if crime_area:
        query = query.where(cast(Engagement.crime_areas, Text).like(f'%"{crime_area}"%'))
    if date_from is not None:
        query = query.where(Engagement.held_on >= date_from)
    if date_to is not None:
        query = query.where(Engagement.held_on <= date_to)
    if q and fold(q):
        query = query.where(Engagement.id.in_(matching_ids(session, "engagement", q)))
    ordered = apply_sort(query, sort, ENGAGEMENT_SORTS, ENGAGEMENT_DEFAULT_SORT)
    return paginate(session, ordered, limit, offset)


def engagement_out(engagement: Engagement) -> schemas.EngagementOut:
    return schemas.EngagementOut(
        id=engagement.id,
        kind=engagement.kind,
        title=engagement.title,
        held_on=engagement.held_on,
        end_on=engagement.end_on,
        date_note=engagement.date_note,
        place=engagement.place,
        place_country_code=engagement.place_country_code,
        country_code=engagement.country_code,
        mechanism_id=engagement.mechanism_id,
        ordinal=engagement.ordinal,
        crime_areas=engagement.crime_areas,
        summary=engagement.summary,
        ref=engagement.ref,
        agency_ids=[a.agency_id for a in engagement.agencies],
        participants=[schemas.ParticipantOut.model_validate(p) for p in engagement.participants],
        sources=[schemas.SourceOut.model_validate(s) for s in engagement.sources],
        commitment_ids=[c.id for c in engagement.commitments],
        language=engagement.language,
        translations=engagement.translations,
        stage=engagement.stage,
        agenda=engagement.agenda,
        delegates=[schemas.DelegateOut.model_validate(d) for d in engagement.delegates],
        tasks=[schemas.TaskOut.model_validate(t) for t in engagement.tasks],
        allowed_stages=allowed_next(vocabulary().engagement_stages, engagement.stage),
        briefing=briefing_link(engagement),
        owning_unit=engagement.owning_unit,
        handling_code=engagement.handling_code,
    )


def briefing_link(engagement: Engagement) -> str | None:
    """The partner briefing for this meeting (the reports capability's page), when it has a partner
    country and this node runs reports."""
    from liaison.capabilities import installed  # the installed set, read at call time

    if engagement.country_code is None or "reports" not in {c.name for c in installed()}:
        return None
    return f"/reports/briefings/{engagement.country_code}?meeting_on={engagement.held_on.isoformat()}"


# Commitments

COMMITMENT_SORTS = {
    "due": Commitment.due_date,
    "status": Commitment.status,
    "id": Commitment.id,
    "updated": Commitment.updated_at,
}
COMMITMENT_TEXTS = ("text",)
COMMITMENT_FIELDS = (
    "engagement_id",
    "text",
    "language",
    "translations",
    "kind",
    "status",
    "owner_agency_id",
    "due_date",
    "agreement_id",
    "programme_id",
    "action_item_id",
)


def _links(session: Session, agreement_id: int | None, programme_id: int | None, item_id: int | None) -> None:
    referenced(session, Agreement, agreement_id, "agreement_id", "agreement")
    referenced(session, Programme, programme_id, "programme_id", "programme")
    referenced(session, ActionItem, item_id, "action_item_id", "action item")


def create_commitment(session: Session, actor: Actor, data: schemas.CommitmentIn) -> Commitment:
    ensure(actor, WRITE)
    engagement = referenced(session, Engagement, data.engagement_id, "engagement_id", "engagement", actor)
    if engagement.stage != "held":
        raise Conflict(
            "Commitments are recorded once the engagement is held; it is {stage}.",
            stage=vocabulary().engagement_stages[engagement.stage],
        )
    require(vocabulary().commitment_kinds, data.kind, "kind")
    referenced(session, Agency, data.owner_agency_id, "owner_agency_id", "agency")
    _links(session, data.agreement_id, data.programme_id, data.action_item_id)
    parties = _check_ids(session, Agency, data.party_agency_ids, "party_agency_ids", "agency")
    commitment = Commitment(
        ref=data.ref,
        engagement_id=data.engagement_id,
        country_code=engagement.country_code,
        text=data.text,
        language=data.language,
        translations=bilingual.checked(data.translations, data.language, COMMITMENT_TEXTS),
        kind=data.kind,
        status="open",
        owner_agency_id=data.owner_agency_id,
        due_date=data.due_date,
        crime_areas=require_all(crime_areas(), data.crime_areas, "crime_areas"),
        agreement_id=data.agreement_id,
        programme_id=data.programme_id,
        action_item_id=data.action_item_id,
        parties=[CommitmentParty(agency_id=i) for i in parties],
    )
    session.add(commitment)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "commitment",
        commitment.id,
        after=snapshot(commitment, COMMITMENT_FIELDS),
    )
    _commitment_changed(session, actor, commitment, "create")
    return commitment


def readable_commitment(session: Session, actor: Actor, commitment_id: int) -> Commitment:
    """A commitment whose engagement the gate lets this actor read; else missing."""
    commitment: Commitment = get_or_404(session, Commitment, commitment_id, "commitment")
    if not gate.may_read(actor, commitment.engagement):
        raise NotFound("There is no {what} {record_id}.", what=Phrase("commitment"), record_id=commitment_id)
    return commitment


def _commitment_changed(
    session: Session, actor: Actor, commitment: Commitment, change: str, for_node: str = ""
) -> None:
    publish(
        session,
        CommitmentChanged(
            actor=actor.username,
            commitment_id=commitment.id,
            engagement_id=commitment.engagement_id,
            status=commitment.status,
            change=change,
            for_node=for_node,
        ),
    )


NODE_ACTOR = "node:"  # a partner node acting here is `node:<its node id>` (exchange.requests_flow)


def owner_node(commitment: Commitment) -> str | None:
    """The partner node a shared commitment came from (its ref `<node>:commitment:<id>`, as the
    exchange records a partner's copy); None for a commitment of this node."""
    parts = (commitment.ref or "").split(":")
    return parts[0] if len(parts) == 3 and parts[1] == "commitment" and parts[2].isdigit() else None


def by_owner(commitment: Commitment, actor: Actor) -> bool:
    """Whether the actor is the node that owns this partner's copy (applying what it shared)."""
    owner = owner_node(commitment)
    return owner is not None and actor.username == f"{NODE_ACTOR}{owner}"


def ensure_owned_here(commitment: Commitment, actor: Actor) -> None:
    """A partner's copy changes only by its owner's node (`node:<owner>`); a local edit would
    disagree with the owner's record, so it is proposed to the owner instead (a follow-up)."""
    owner = owner_node(commitment)
    if owner is not None and not by_owner(commitment, actor):
        raise Conflict(
            "Commitment {commitment_id} is owned by node {node}; propose it to its owner.",
            commitment_id=commitment.id,
            node=owner,
            allowed=[],
        )


def update_commitment(
    session: Session, actor: Actor, commitment_id: int, data: schemas.CommitmentPatch
) -> Commitment:
    """Change what a commitment says and what it concerns; its status moves through `follow_up`.
    A partner's copy is not changed here (`ensure_owned_here`: 409)."""
    ensure(actor, WRITE)
    commitment = readable_commitment(session, actor, commitment_id)
    ensure_owned_here(commitment, actor)
    before = snapshot(commitment, COMMITMENT_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("kind") is not None:
        require(vocabulary().commitment_kinds, changes["kind"], "kind")
    referenced(session, Agency, changes.get("owner_agency_id"), "owner_agency_id", "agency")
    _links(session, changes.get("agreement_id"), changes.get("programme_id"), changes.get("action_item_id"))
    texts = {key: changes.pop(key, None) for key in ("language", "translations")}
    for field, value in changes.items():
        if value is not None or field not in ("text", "kind"):
            setattr(commitment, field, value)
    bilingual.write(commitment, COMMITMENT_TEXTS, texts["language"], texts["translations"])
    session.flush()
    audit.record(
        session,
        actor.username,
        "update",
        "commitment",
        commitment.id,
        before=before,
        after=snapshot(commitment, COMMITMENT_FIELDS),
    )
    _commitment_changed(session, actor, commitment, "update")
    return commitment


def follow_up(
    session: Session, actor: Actor, commitment_id: int, data: schemas.FollowUpIn, *, for_node: str = ""
) -> Commitment:
    """Add a dated note; when it names a status, move there (409 with the allowed ones if illegal).

    The owner rule: on a partner's copy, a status of this side's follow-up is proposed to the
    owner (`proposed_status`; the exchange carries it there) and the copy keeps the owner's
    status; only the owner's node moves it. A partner node never moves one of ours: what it sends
    becomes a proposal (`proposals.propose`), so its status here is refused. `for_node` names the
    one partner node the follow-up is meant for (a refusal of its proposal)."""
    ensure(actor, WRITE)
    commitment = readable_commitment(session, actor, commitment_id)
    statuses = vocabulary().commitment_statuses
    if data.status is not None:
        check_move(statuses, commitment.status, data.status, "commitment")
    if data.status is None and not data.note:
        raise Invalid("Write a note or choose a status.", fields={"note": "a note, a status, or both"})
    owned_elsewhere = owner_node(commitment) is not None
    if data.status is not None and actor.username.startswith(NODE_ACTOR) and not by_owner(commitment, actor):
        raise Conflict(
            "Commitment {commitment_id} is not owned by {node}; its status is proposed to this node.",
            commitment_id=commitment.id,
            node=actor.username.removeprefix(NODE_ACTOR),
            allowed=[],
        )
    moves = data.status if not owned_elsewhere or by_owner(commitment, actor) else None
    proposed = data.status if moves is None else None
    before = commitment.status
    commitment.follow_ups.append(
        CommitmentFollowUp(
            noted_on=data.noted_on or today(),
            note=data.note,
            status=moves,
            proposed_status=proposed,
            actor=actor.username,
        )
    )
    if moves is not None:
        commitment.status = moves
    session.flush()
    after: dict[str, Any] = {"status": commitment.status}
    if proposed is not None:
        after["proposed_status"] = proposed
    audit.record(
        session,
        actor.username,
        "follow_up",
        "commitment",
        commitment.id,
        before={"status": before},
        after=after,
        detail=data.note,
    )
    _commitment_changed(session, actor, commitment, "follow_up", for_node)
    return commitment


def follow_up_many(session: Session, actor: Actor, data: schemas.BulkFollowUpIn) -> list[Commitment]:
    """One follow-up (a note, a status, or both) on each of several commitments, in the caller's
    transaction: the first refusal names its commitment and why, and the caller's rollback leaves
    every one of them as it was."""
    one = schemas.FollowUpIn(note=data.note, status=data.status, noted_on=data.noted_on)
    done = []
    for commitment_id in dict.fromkeys(data.commitment_ids):
        try:
            done.append(follow_up(session, actor, commitment_id, one))
        except DomainError as error:
            raise type(error)(
                "Commitment {commitment_id}: {reason} Nothing was changed.",
                commitment_id=commitment_id,
                reason=error.detail,
                **{k: v for k, v in error.extra.items() if k == "allowed"},
            ) from error
    return done


def get_commitment(session: Session, actor: Actor, commitment_id: int) -> Commitment:
    ensure(actor, READ)
    commitment = readable_commitment(session, actor, commitment_id)
    return commitment


def list_commitments(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    engagement_id: int | None = None,
    country: str | None = None,
    owner_agency_id: int | None = None,
    due_before: date | None = None,
    q: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Commitment], int]:
    ensure(actor, READ)
    query = select(Commitment).where(
        Commitment.engagement_id.in_(select(Engagement.id).where(gate.readable(actor, Engagement)))
    )
    if status:
        query = query.where(Commitment.status.in_(status.split(",")))
    if kind:
        query = query.where(Commitment.kind == kind)
    if engagement_id is not None:
        query = query.where(Commitment.engagement_id == engagement_id)
    if country:
        query = query.where(Commitment.country_code == country.upper())
    if owner_agency_id is not None:
        query = query.where(Commitment.owner_agency_id == owner_agency_id)
    if due_before is not None:
        query = query.where(Commitment.due_date < due_before)
    if q and fold(q):
        query = query.where(Commitment.engagement_id.in_(matching_ids(session, "engagement", q)))
    return paginate(session, apply_sort(query, sort, COMMITMENT_SORTS, "-id"), limit, offset)


def commitment_out(commitment: Commitment) -> schemas.CommitmentOut:
    return schemas.CommitmentOut(
        id=commitment.id,
        engagement_id=commitment.engagement_id,
        text=commitment.text,
        kind=commitment.kind,
        status=commitment.status,
        owner_agency_id=commitment.owner_agency_id,
        due_date=commitment.due_date,
        crime_areas=commitment.crime_areas,
        agreement_id=commitment.agreement_id,
        programme_id=commitment.programme_id,
        action_item_id=commitment.action_item_id,
        ref=commitment.ref,
        party_agency_ids=[p.agency_id for p in commitment.parties],
        follow_ups=[schemas.FollowUpOut.model_validate(f) for f in commitment.follow_ups],
        allowed_next=allowed_next(vocabulary().commitment_statuses, commitment.status),
        language=commitment.language,
        translations=commitment.translations,
    )


# Citizen-protection cases

CASE_SORTS = {
    "id": CitizenProtectionCase.id,
    "status": CitizenProtectionCase.status,
    "country": CitizenProtectionCase.country_code,
}
CASE_FIELDS = (
    "country_code", "title", "concerned", "summary", "status", "engagement_id", "owning_unit", "handling_code"
)  # fmt: skip
CASE = "citizen-protection case"


def create_case(session: Session, actor: Actor, data: schemas.CaseIn) -> CitizenProtectionCase:
    ensure(actor, WRITE)
    words = vocabulary()
    case = CitizenProtectionCase(
        ref=data.ref,
        country_code=country_code(session, data.country),
        title=data.title,
        concerned=require_all(words.citizen_groups, data.concerned, "concerned"),
        summary=data.summary,
        status=require(words.case_statuses, data.status, "status"),
        engagement_id=referenced(session, Engagement, data.engagement_id, "engagement_id", "engagement")
        and data.engagement_id,
        owning_unit=actor.unit,
        handling_code=data.handling_code,
    )
    session.add(case)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "citizen_protection_case",
        case.id,
        after=snapshot(case, CASE_FIELDS),
        protected=case,
    )
    return case


def update_case(
    session: Session, actor: Actor, case_id: int, data: schemas.CasePatch
) -> CitizenProtectionCase:
    ensure(actor, WRITE)
    case = gate.get_readable(session, actor, CitizenProtectionCase, case_id, CASE)
    before = snapshot(case, CASE_FIELDS)
    words = vocabulary()
    if data.status is not None:
        case.status = require(words.case_statuses, data.status, "status")
    if data.concerned is not None:
        case.concerned = require_all(words.citizen_groups, data.concerned, "concerned")
    if data.title is not None:
        case.title = data.title
    if data.summary is not None:
        case.summary = data.summary
    if data.handling_code is not None:
        case.handling_code = data.handling_code
    session.flush()
    audit.record(
        session,
        actor.username,
        "update",
        "citizen_protection_case",
        case.id,
        before=before,
        after=snapshot(case, CASE_FIELDS),
        protected=case,
    )
    return case


def get_case(session: Session, actor: Actor, case_id: int) -> CitizenProtectionCase:
    """A case the gate lets this actor read (a hidden one answers as missing); restricted reads audited."""
    ensure(actor, READ)
    case = gate.get_readable(session, actor, CitizenProtectionCase, case_id, CASE)
    if gate.scope_of(case.handling_code) != "everyone":
        audit.record_read(session, actor.username, "citizen_protection_case", case.id, protected=case)
    return case


def list_cases(
    session: Session,
    actor: Actor,
    *,
    country: str | None = None,
    status: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CitizenProtectionCase], int]:
    ensure(actor, READ)
    query = select(CitizenProtectionCase).where(gate.readable(actor, CitizenProtectionCase))
    if country:
        query = query.where(CitizenProtectionCase.country_code == country.upper())
    if status:
        query = query.where(CitizenProtectionCase.status == status)
    return paginate(session, apply_sort(query, sort, CASE_SORTS, "-id"), limit, offset)


def engagement_with_everything(session: Session, engagement_id: int) -> Engagement | None:
    """An engagement with participants, agencies, sources, commitments, delegations and tasks loaded
    (for its page); the caller checks the gate."""
    return session.scalar(
        select(Engagement)
        .where(Engagement.id == engagement_id)
        .options(
            selectinload(Engagement.participants).selectinload(EngagementParticipant.official),
            selectinload(Engagement.agencies).selectinload(EngagementAgency.agency),
            selectinload(Engagement.sources),
            selectinload(Engagement.commitments).selectinload(Commitment.follow_ups),
            selectinload(Engagement.delegates).selectinload(EngagementDelegate.official),
            selectinload(Engagement.tasks),
        )
    )
