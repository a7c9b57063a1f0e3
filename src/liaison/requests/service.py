"""Cooperation requests: create, read, list, edit, move through the workflow, attach documents,
comment, choose the legal basis, and list what is overdue. Plain functions `(session, actor, ...)`;
the API, the pages and the CLI all call these.

Optimistic locking: every request carries a `version` (SQLAlchemy `version_id_col`). Edits say
which version they were made on; a stale one is refused with 409 and nothing is lost, and two
transactions that both passed that check still cannot both write (the second UPDATE matches no
row and is refused the same way).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session, defer, joinedload
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.interfaces import ORMOption

from liaison.core import audit, bilingual
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, FieldName, Invalid, NotFound, Phrase
from liaison.core.events import RequestCreated, RequestOpened, RequestTransitioned, publish
from liaison.core.listing import apply_sort, paginate
from liaison.core.records import today
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import require_all
from liaison.registry.models import Agency, Agreement
from liaison.registry.vocabulary import crime_areas
from liaison.requests import deadlines, documents
from liaison.requests.kinds import Kind, KindsFile, request_kinds
from liaison.requests.legal_basis import LegalBasis, resolve_legal_basis
from liaison.requests.models import (
    AgreementCoverage,
    AgreementDeadlineOverride,
    CooperationRequest,
    RequestComment,
    RequestDeadline,
    RequestDocument,
    RequestSubject,
    RequestTransition,
)
from liaison.requests.schemas import LegalBasisIn, PersonIn, RequestIn, RequestPatch
from liaison.requests.workflow import allowed_transitions, check_transition, clock_changes

SORTS = {
    "id": CooperationRequest.id,
    "request_date": CooperationRequest.request_date,
    "next_due_at": CooperationRequest.next_due_at,
    "status": CooperationRequest.status,
    "kind": CooperationRequest.kind,
}
# Lists show summaries: leave the long text and JSON columns unread until a page asks for them.
LIST_DEFERRED = tuple(
    defer(column)
    for column in (
        CooperationRequest.facts,
        CooperationRequest.details,
        CooperationRequest.persons,
        CooperationRequest.crime_areas,
        CooperationRequest.legal_basis_proposed,
        CooperationRequest.legal_basis_reason,
    )
)
REQUEST_TEXTS = ("title",)  # in two languages (`core.bilingual`)
AUDITED_FIELDS = (
    "kind",
    "direction",
    "status",
    "title",
    "language",
    "translations",
    "requesting_agency_id",
    "requested_agency_id",
    "our_reference",
    "their_reference",
    "urgency",
    "crime_areas",
    "facts",
    "details",
    "persons",
    "request_date",
    "legal_basis_agreement_id",
    "legal_basis_is_reciprocity",
    "legal_basis_reason",
    "responsible_username",
    "handling_code",
    "version",
)


def kinds() -> KindsFile:
    return request_kinds()


def local_today(now: datetime | None = None) -> date:
    """Today in the request calendar's time zone (the node's unless `request_kinds.yaml` names one)."""
    return today(now, deadlines.time_zone(kinds().calendar).key)


def _last_event(request: CooperationRequest) -> datetime | None:
    """When the request's latest transition or follow-up happened."""
    events = [h.happened_at for h in request.history] + [c.happened_at for c in request.comments]
    return max(events, default=None)


def happened_at(request: CooperationRequest, day: date | None, now: datetime) -> datetime:
    """The instant an event the officer dates `day` is taken to have happened, for its clocks.

    No date, or today: now. An earlier day: noon of that day in the calendar's time zone, or the
    previous event's instant when that was later the same day (so the history keeps its order).
    A day in the future (the calendar's today) or before the request's previous event is refused."""
    if day is None:
        return now
    today = local_today(now)
    if day > today:
        raise Invalid(
            "An event cannot have happened in the future (today is {today}).",
            today=today.isoformat(),
            fields={"happened_on": "in the future"},
        )
    previous = _last_event(request)
    if previous is not None and day < local_today(previous):
        raise Invalid(
            "This cannot have happened before the request's previous event ({previous}).",
            previous=local_today(previous).isoformat(),
            fields={"happened_on": "before the previous event"},
        )
    if day == today:
        return now
    noon = datetime.combine(day, time(12), deadlines.time_zone(kinds().calendar)).astimezone(UTC)
    return max(noon, previous) if previous is not None else noon


# ---------------------------------------------------------------- checks on input


def kind_of(name: str) -> Kind:
    kind = kinds().kind(name)
    if kind is None:
        raise Invalid(
            "Unknown request kind {name!r}.",
            name=name,
            fields={"kind": Phrase("one of {choices}", {"choices": list(kinds().kinds)})},
        )
    return kind


def _agency(session: Session, agency_id: int, field: str) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise Invalid(
            "There is no agency {agency_id}.", agency_id=agency_id, fields={field: "no such agency"}
        )
    return agency


def _check_details(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    """The kind's own fields, typed as the vocabulary says; unknown fields are refused."""
    faults: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, value in values.items():
        spec = kind.field(name)
        if spec is None:
            faults[f"details.{name}"] = f"not a field of {kind.en}"
            continue
        if value is None or value == "":
            continue
        if spec.type == "number":
            try:
                clean[name] = float(value)
            except (TypeError, ValueError):
                faults[f"details.{name}"] = "a number"
        elif spec.type == "date":
            try:
                clean[name] = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                faults[f"details.{name}"] = "a date (YYYY-MM-DD)"
        elif spec.type == "choice" and str(value) not in spec.choices:
            faults[f"details.{name}"] = "one of " + ", ".join(spec.choices)
        else:
            clean[name] = str(value)
    if faults:
        raise Invalid("Some of the request's fields are not right.", fields=faults)
    return clean


def _named_subjects(session: Session, actor: Actor, persons: Sequence[PersonIn]) -> list[gate.Referenced]:
    """The persons sought a request names, each one the actor may read (a hidden one answers as
    missing): the request inherits the strictest of their handling codes."""
    ids = [p.subject_id for p in persons if p.subject_id is not None]
    return gate.get_all_readable(session, actor, "subject", ids, "subject")


def _link_subjects(request: CooperationRequest) -> None:
    """Keep `request_subject` in step with the persons sought the request names."""
    named = {p["subject_id"] for p in request.persons if p.get("subject_id")}
    if named == {link.subject_id for link in request.subject_links}:
        return
    request.subject_links = [
        *(link for link in request.subject_links if link.subject_id in named),
        *(
            RequestSubject(subject_id=subject_id)
            for subject_id in sorted(named - {link.subject_id for link in request.subject_links})
        ),
    ]


def _persons(persons: Sequence[PersonIn]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "nationality": p.nationality,
            "subject_id": p.subject_id,
        }
        for p in persons
    ]


def current_documents(request: CooperationRequest) -> list[RequestDocument]:
    """The request's documents that count: those not withdrawn."""
    return [d for d in request.documents if not d.is_withdrawn]


def missing_requirements(request: CooperationRequest) -> tuple[list[str], list[str]]:
    """The kind's required fields and required documents the request does not have yet."""
    kind = kinds().kinds[request.kind]
    fields = [f.name for f in kind.required_fields if request.details.get(f.name) in (None, "")]
    attached = {d.document_type for d in current_documents(request)}
    missing_documents = [d.code for d in kind.documents if d.code not in attached]
    return fields, missing_documents


def _check_version(request: CooperationRequest, version: int | None, *, required: bool) -> None:
    if version is None:
        if required:
            raise Invalid(
                "Say which version you edited (field `version` or header If-Match).",
                fields={"version": "required"},
            )
        return
    if version != request.version:
        raise Conflict(
            "Request {request_id} was changed by someone else (you edited version {version}; it is now "
            "version {now}). Reload it, then apply your change again.",
            request_id=request.id,
            version=version,
            now=request.version,
            current_version=request.version,
        )


@contextmanager
def _stale_is_conflict(request_id: int) -> Iterator[None]:
    try:
        yield
    except StaleDataError as error:
        raise Conflict(
            "Request {request_id} was changed by someone else at the same time. Reload it and try again.",
            request_id=request_id,
        ) from error


def _snapshot(request: CooperationRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in AUDITED_FIELDS}


# ---------------------------------------------------------------- legal basis


def propose_legal_basis(
    session: Session,
    kind_name: str,
    requesting_agency_id: int,
    requested_agency_id: int,
    on: date,
    crime_area_codes: Sequence[str] = (),
) -> LegalBasis:
    """What Liaison proposes as legal basis before a request is created (the creation form)."""
    kind = kind_of(kind_name)
    requesting = _agency(session, requesting_agency_id, "requesting_agency_id")
    requested = _agency(session, requested_agency_id, "requested_agency_id")
    return resolve_legal_basis(
        session, kind, requesting.country_code, requested.country_code, on, crime_area_codes
    )


def _choose_basis(
    session: Session, basis: LegalBasis, agreement_id: int | None, reciprocity: bool, reason: str
) -> tuple[int | None, bool, bool]:
    """(agreement, is reciprocity, is overridden) from the proposal and the officer's choice."""
    proposed = basis.agreement_ids
    if agreement_id is not None and reciprocity:
        raise Invalid(
            "Choose an agreement or reciprocity, not both.", fields={"legal_basis_reciprocity": "both"}
        )
    if agreement_id is not None:
        if session.get(Agreement, agreement_id) is None:
            raise Invalid(
                "There is no agreement {agreement_id}.",
                agreement_id=agreement_id,
                fields={"legal_basis_agreement_id": "unknown"},
            )
        overridden = not proposed or agreement_id != proposed[0]
        chosen: tuple[int | None, bool, bool] = (agreement_id, False, overridden)
    elif reciprocity:
        chosen = (None, True, bool(proposed))
    else:
        return (proposed[0], False, False) if proposed else (None, True, False)
    if chosen[2] and not reason.strip():
        raise Invalid(
            "Overriding the proposed legal basis needs a reason.",
            fields={"legal_basis_reason": "required when the choice differs from the proposal"},
        )
    return chosen


def legal_basis_summary(basis: LegalBasis) -> str:
    if basis.is_reciprocity:
        return "No agreement in force covers this request: reciprocity."
    return "; ".join(
        p.title + (f" (as amended by {', '.join(p.amended_by)})" if p.amended_by else "")
        for p in basis.proposals
    )


def set_legal_basis(
    session: Session, actor: Actor, request_id: int, choice: LegalBasisIn
) -> CooperationRequest:
    """Choose or override the legal basis of a request, with a reason when it departs from the proposal."""
    request = get_request(session, actor, request_id, action="requests.write")
    _check_version(request, choice.version, required=False)
    before = _snapshot(request)
    basis = _basis_for(session, request)
    agreement_id, reciprocity, overridden = _choose_basis(
        session, basis, choice.agreement_id, choice.reciprocity, choice.reason
    )
    request.legal_basis_proposed = basis.agreement_ids
    request.legal_basis_agreement_id = agreement_id
    request.legal_basis_is_reciprocity = reciprocity
    request.legal_basis_overridden = overridden
    request.legal_basis_reason = choice.reason
    with _stale_is_conflict(request.id):
        session.flush()
    audit.record(
        session,
        actor.username,
        "legal_basis",
        "request",
        request.id,
        before=before,
        after=_snapshot(request),
        protected=request,
    )
    return request


def _basis_for(session: Session, request: CooperationRequest) -> LegalBasis:
    return resolve_legal_basis(
        session,
        kinds().kinds[request.kind],
        request.requesting_agency.country_code,
        request.requested_agency.country_code,
        request.request_date,
        request.crime_areas,
    )


def current_legal_basis(session: Session, actor: Actor, request_id: int) -> LegalBasis:
    return _basis_for(session, get_request(session, actor, request_id))


# ---------------------------------------------------------------- deadlines


def _period(session: Session, request: CooperationRequest, clock_name: str) -> tuple[int, str, str]:
    """(days, day kind, source) for a clock: the legal basis agreement's override, else the kind's."""
    clock = kinds().kinds[request.kind].clocks[clock_name]
    if request.legal_basis_agreement_id is not None:
        override = session.scalar(
            select(AgreementDeadlineOverride)
            .where(
                AgreementDeadlineOverride.agreement_id == request.legal_basis_agreement_id,
                AgreementDeadlineOverride.clock == clock_name,
                AgreementDeadlineOverride.request_kind.in_((request.kind, "")),
            )
            .order_by(AgreementDeadlineOverride.request_kind.desc())
            .limit(1)
        )
        if override is not None:
            return override.days, override.day_kind, f"agreement:{override.agreement_id}"
    return clock.period(request.urgency), clock.day_kind, "kind"


def _enter_state(session: Session, request: CooperationRequest, state: str, at: datetime) -> None:
    """Start, meet, restart and cancel the request's clocks for entering `state` at `at`."""
    vocabulary = kinds()
    changes = clock_changes(vocabulary, request.kind, request.direction, state)
    existing = {d.clock: d for d in request.deadlines}
    for name in changes.met:
        deadline = existing.get(name)
        if deadline is not None and deadline.is_open:
            deadline.met_at = at
    for name in changes.restarted:
        deadline = existing.get(name)
        if deadline is not None and deadline.is_open:
            due = deadlines.compute_due(at, deadline.days, deadline.day_kind, vocabulary.calendar)  # type: ignore[arg-type]
            deadline.started_at, deadline.due_date, deadline.due_at = at, due.due_date, due.due_at
    for name in changes.started:
        if name in existing:
            continue
        days, day_kind, source = _period(session, request, name)
        due = deadlines.compute_due(at, days, day_kind, vocabulary.calendar)  # type: ignore[arg-type]
        request.deadlines.append(
            RequestDeadline(
                clock=name,
                started_at=at,
                days=days,
                day_kind=day_kind,
                source=source,
                due_date=due.due_date,
                due_at=due.due_at,
            )
        )
    if changes.cancel_open:
        for deadline in request.deadlines:
            if deadline.is_open:
                deadline.cancelled_at = at
        request.closed_at = at
    workflow = vocabulary.workflow(request.kind, request.direction)
    if state in workflow.responded and request.responded_at is None:
        request.responded_at = at
    request.next_due_at = min((d.due_at for d in request.deadlines if d.is_open), default=None)


# ---------------------------------------------------------------- requests


def _pair(data: RequestIn) -> tuple[int, int]:
    return data.requesting_agency_id, data.requested_agency_id


def create_request(
    session: Session,
    actor: Actor,
    data: RequestIn,
    now: datetime | None = None,
    *,
    remote_thread: str | None = None,
) -> CooperationRequest:
    """Register a request: checks, legal basis proposal and choice, initial state and its clocks.

    `remote_thread` links it to the same request on a partner's system (one received from a
    partner's node), see `link_remote_thread`."""
    ensure(actor, "requests.write")
    now = now or utcnow()
    kind = kind_of(data.kind)
    # One query for both agencies (the identity map is weak, so keep what it returned).
    found = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(_pair(data))))}
    requesting = found.get(data.requesting_agency_id) or _agency(
        session, data.requesting_agency_id, "requesting_agency_id"
    )
    requested = found.get(data.requested_agency_id) or _agency(
        session, data.requested_agency_id, "requested_agency_id"
    )
    if requesting.id == requested.id:
        raise Invalid(
            "An agency cannot request itself.", fields={"requested_agency_id": "same as requesting"}
        )
    details = _check_details(kind, data.details)
    areas = require_all(crime_areas(), data.crime_areas, "crime_areas")
    on = data.request_date or local_today(now)
    received_at = None
    if data.direction == "incoming":
        received_at = data.received_at or now
        if received_at.tzinfo is None:
            raise Invalid(
                "Give the time received with its time zone.", fields={"received_at": "needs a time zone"}
            )
        if received_at > now + timedelta(hours=1):
            raise Invalid(
                "A request cannot be received in the future.", fields={"received_at": "in the future"}
            )
    basis = resolve_legal_basis(session, kind, requesting.country_code, requested.country_code, on, areas)
    agreement_id, reciprocity, overridden = _choose_basis(
        session, basis, data.legal_basis_agreement_id, data.legal_basis_reciprocity, data.legal_basis_reason
    )
    partner = requested if data.direction == "outgoing" else requesting
    workflow = kinds().workflow(data.kind, data.direction)
    request = CooperationRequest(
        kind=data.kind,
        direction=data.direction,
        status=workflow.initial,
        title=data.title,
        requesting_agency=requesting,
        requested_agency=requested,
        partner_agency=partner,
        requesting_agency_id=requesting.id,
        requested_agency_id=requested.id,
        partner_agency_id=partner.id,
        partner_country_code=partner.country_code,
        our_reference=data.our_reference,
        their_reference=data.their_reference,
        urgency=data.urgency,
        crime_areas=areas,
        facts=data.facts,
        details=details,
        persons=_persons(data.persons),
        engagement_id=data.engagement_id,
        commitment_id=data.commitment_id,
        request_date=on,
        legal_basis_agreement_id=agreement_id,
        legal_basis_is_reciprocity=reciprocity,
        legal_basis_proposed=basis.agreement_ids,
        legal_basis_overridden=overridden,
        legal_basis_reason=data.legal_basis_reason,
        responsible_username=data.responsible_username or actor.username,
        created_by=actor.username,
        owning_unit=actor.unit,
        handling_code=data.handling_code,
        remote_thread=remote_thread,
        created_at=now,
        updated_at=now,
    )
    bilingual.write(request, REQUEST_TEXTS, data.language, data.translations)
    gate.inherit(request, *_named_subjects(session, actor, data.persons))
    _link_subjects(request)
    session.add(request)
    request.history.append(
        RequestTransition(
            transition="create",
            from_state="",
            to_state=workflow.initial,
            actor=actor.username,
            at=now,
            happened_at=received_at or now,
        )
    )
    if received_at is not None:
        request.opened_at = received_at
        _enter_state(session, request, workflow.initial, received_at)
    session.flush()
    audit.record(
        session, actor.username, "create", "request", request.id, after=_snapshot(request), protected=request
    )
    publish(
        session,
        RequestCreated(
            actor=actor.username, request_id=request.id, kind=request.kind, direction=request.direction
        ),
    )
    return request


# What showing a request reads of it besides its collections: both agencies, in the request's query.
SHOWN = (
    joinedload(CooperationRequest.requesting_agency),
    joinedload(CooperationRequest.requested_agency),
)


def get_request(
    session: Session,
    actor: Actor,
    request_id: int,
    action: str = "requests.read",
    options: Sequence[ORMOption] = (),
) -> CooperationRequest:
    """A request this actor's role may act on and the gate lets them read; hidden answers as missing.
    Reads of restricted (H2/H3) requests are audited. `options`: loader options (`SHOWN`)."""
    ensure(actor, action)
    request = gate.get_readable(session, actor, CooperationRequest, request_id, "request", options)
    if action == "requests.read" and gate.scope_of(request.handling_code) != "everyone":
        audit.record_read(session, actor.username, "request", request.id, protected=request)
    return request


def show_request(session: Session, actor: Actor, request_id: int) -> CooperationRequest:
    """A request read for display to a user (its page, the API's GET): `get_request`, and the
    `RequestOpened` event that tells other capabilities this user opened it (the exchange sends
    `opened` evidence to the partner's node). Reads made inside other service functions use
    `get_request` and publish nothing."""
    request = get_request(session, actor, request_id, options=SHOWN)
    publish(session, RequestOpened(actor=actor.username, request_id=request.id, direction=request.direction))
    return request


def by_remote_thread(session: Session, thread: str) -> CooperationRequest | None:
    """The request that shares `thread` with a partner's system, for the code that applies what
    the partner did (it then acts through `transition_request` and the others, gate and all)."""
    return session.scalar(select(CooperationRequest).where(CooperationRequest.remote_thread == thread))


def link_remote_thread(session: Session, actor: Actor, request_id: int, thread: str) -> CooperationRequest:
    """Link a request to the thread it shares with the partner's system (sent to a partner's node);
    a request keeps the first thread it was linked to."""
    request = get_request(session, actor, request_id, action="requests.write")
    if request.remote_thread == thread:
        return request
    if request.remote_thread is not None:
        raise Conflict(
            "Request {request_id} is already linked to the partner's thread {thread}.",
            request_id=request.id,
            thread=request.remote_thread,
            allowed=[],
        )
    request.remote_thread = thread
    with _stale_is_conflict(request.id):
        session.flush()
    audit.record(
        session, actor.username, "update", "request", request.id, before={"remote_thread": None},
        after={"remote_thread": thread}, protected=request,
    )  # fmt: skip
    return request


def update_request(
    session: Session, actor: Actor, request_id: int, patch: RequestPatch, version: int | None = None
) -> CooperationRequest:
    """Edit a request's facts; the version edited must still be the current one."""
    request = get_request(session, actor, request_id, action="requests.write")
    _check_version(request, patch.version if patch.version is not None else version, required=True)
    if kinds().workflow(request.kind, request.direction).is_final(request.status):
        raise Conflict(
            "Request {request_id} is {state}; it can no longer be edited.",
            request_id=request.id,
            state=kinds().states().get(request.status, request.status),
            allowed=[],
        )
    before = _snapshot(request)
    changes = patch.model_dump(exclude_unset=True, exclude={"version"})
    if "details" in changes:
        changes["details"] = _check_details(kinds().kinds[request.kind], changes["details"] or {})
    if "crime_areas" in changes:
        changes["crime_areas"] = require_all(crime_areas(), changes["crime_areas"] or [], "crime_areas")
    if "persons" in changes:
        gate.inherit(request, *_named_subjects(session, actor, patch.persons or []))
        changes["persons"] = _persons(patch.persons or [])
    texts = {key: changes.pop(key, None) for key in ("language", "translations")}
    for name, value in changes.items():
        if value is not None:
            setattr(request, name, value)
    bilingual.write(request, REQUEST_TEXTS, texts["language"], texts["translations"])
    request.updated_at = utcnow()
    with _stale_is_conflict(request.id):
        _link_subjects(request)  # after every change: its lazy read flushes them in one UPDATE
        session.flush()
    audit.record(
        session,
        actor.username,
        "update",
        "request",
        request.id,
        before=before,
        after=_snapshot(request),
        protected=request,
    )
    return request


def transition_request(
    session: Session,
    actor: Actor,
    request_id: int,
    name: str,
    reason: str = "",
    version: int | None = None,
    now: datetime | None = None,
    happened_on: date | None = None,
) -> CooperationRequest:
    """Make one workflow transition: 409 listing the allowed ones when it is not possible now,
    422 naming the missing fields and documents when the transition checks them.

    `happened_on` dates it when it happened earlier than it is recorded (the partner's
    acknowledgement received last week): its clocks, and the response times, count from then
    (`happened_at`); 422 when it is in the future or before the request's previous event."""
    request = get_request(session, actor, request_id, action="requests.transition")
    _check_version(request, version, required=False)
    now = now or utcnow()
    vocabulary = kinds()
    transition = check_transition(
        vocabulary, request.kind, request.direction, request.status, name, actor.role, reason
    )
    if transition.checks_requirements:
        missing_fields, missing_documents = missing_requirements(request)
        if missing_fields or missing_documents:
            faults = {f"details.{f}": "required" for f in missing_fields}
            faults |= {f"documents.{d}": "required document missing" for d in missing_documents}
            raise Invalid(
                "Cannot “{action}” yet: missing {missing}.",
                action=transition,
                missing=[
                    *(vocabulary.kinds[request.kind].field(f) or FieldName(f) for f in missing_fields),
                    *(vocabulary.kinds[request.kind].document(d) or FieldName(d) for d in missing_documents),
                ],
                fields=faults,
                missing_documents=missing_documents,
                missing_fields=missing_fields,
            )
    when = happened_at(request, happened_on, now)
    before = _snapshot(request)
    previous = request.status
    request.status = transition.to
    request.updated_at = now
    request.history.append(
        RequestTransition(
            transition=name,
            from_state=previous,
            to_state=transition.to,
            actor=actor.username,
            at=now,
            happened_at=when,
            reason=reason,
        )
    )
    if request.opened_at is None and not vocabulary.workflow(request.kind, request.direction).is_final(
        transition.to
    ):
        request.opened_at = when
    _enter_state(session, request, transition.to, when)
    with _stale_is_conflict(request.id):
        session.flush()
    audit.record(
        session,
        actor.username,
        "transition",
        "request",
        request.id,
        before=before,
        after=_snapshot(request) | {"happened_on": local_today(when)},
        detail=f"{name}: {reason}" if reason else name,
        protected=request,
    )
    publish(
        session,
        RequestTransitioned(
            actor=actor.username,
            request_id=request.id,
            transition=name,
            from_state=previous,
            to_state=transition.to,
            kind=request.kind,
            subject_ids=tuple(p["subject_id"] for p in request.persons if p.get("subject_id")),
        ),
    )
    return request


def add_comment(
    session: Session,
    actor: Actor,
    request_id: int,
    body: str,
    happened_on: date | None = None,
    now: datetime | None = None,
) -> RequestComment:
    """A follow-up on the request, dated when it happened (`happened_on`, as for a transition)."""
    request = get_request(session, actor, request_id, action="requests.write")
    now = now or utcnow()
    when = happened_at(request, happened_on, now)
    # Set from the comment's side: appending to `request.comments` would load every comment the
    # request has (hundreds on a long case) to add one; the backref only queues it for that list.
    comment = RequestComment(request=request, author=actor.username, at=now, happened_at=when, body=body)
    session.add(comment)
    session.flush()
    audit.record(
        session,
        actor.username,
        "comment",
        "request",
        request.id,
        after={"comment": body, "happened_on": local_today(when)},
        protected=request,
    )
    return comment


def may_transition(actor: Actor, request: CooperationRequest) -> list[str]:
    """The transitions this user may make on this request now (the buttons on its page)."""
    return allowed_transitions(kinds(), request.kind, request.direction, request.status, actor.role)


def warnings(request: CooperationRequest, now: datetime | None = None) -> list[str]:
    """Visible warnings: clocks already past their deadline (e.g. received long before it was entered)."""
    now = now or utcnow()
    labels = kinds().kinds[request.kind].clocks
    return [
        f"The {labels[d.clock].en.lower()} deadline ({d.due_date.isoformat()}) has already passed."
        for d in request.deadlines
        if d.is_open and d.due_at <= now
    ]


# ---------------------------------------------------------------- documents


def attach_document(
    session: Session,
    actor: Actor,
    request_id: int,
    document_type: str,
    filename: str,
    content: bytes,
    root: Path,
    limit: int,
) -> RequestDocument:
    """Check the bytes (size, sniffed type), store them once by SHA-256 and attach them."""
    request = get_request(session, actor, request_id, action="requests.write")
    kind = kinds().kinds[request.kind]
    if document_type != "other" and kind.document(document_type) is None:
        codes = [d.code for d in kind.documents] + ["other"]
        raise Invalid(
            "Not a document type of {kind}.",
            kind=kind,
            fields={"document_type": Phrase("one of {choices}", {"choices": codes})},
        )
    if kinds().workflow(request.kind, request.direction).is_final(request.status):
        raise Conflict(
            "Request {request_id} is {state}; documents can no longer be added.",
            request_id=request.id,
            state=kinds().states().get(request.status, request.status),
            allowed=[],
        )
    stored = documents.store(root, content, documents.safe_filename(filename), limit)
    document = RequestDocument(
        document_type=document_type,
        filename=documents.safe_filename(filename),
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        uploaded_by=actor.username,
        uploaded_at=utcnow(),
    )
    request.documents.append(document)
    session.flush()
    audit.record(
        session,
        actor.username,
        "attach",
        "request",
        request.id,
        after={"document": document.filename, "sha256": stored.sha256, "type": document_type},
        protected=request,
    )
    return document


def _document_of(session: Session, request: CooperationRequest, document_id: int) -> RequestDocument:
    document = session.get(RequestDocument, document_id)
    if document is None or document.request_id != request.id:
        raise NotFound(
            "Request {request_id} has no document {document_id}.",
            request_id=request.id,
            document_id=document_id,
        )
    return document


def withdraw_document(
    session: Session, actor: Actor, request_id: int, document_id: int, reason: str
) -> RequestDocument:
    """Withdraw a document attached by mistake, with the reason: it stays on the request, struck
    out, and its bytes stay stored, so the record keeps what was once attached; it no longer
    counts as attached, travels to the partner or is exported."""
    request = get_request(session, actor, request_id, action="requests.write")
    document = _document_of(session, request, document_id)
    if document.is_withdrawn:
        raise Conflict(
            "The document {filename} was already withdrawn.", filename=document.filename, allowed=[]
        )
    document.withdrawn_at = utcnow()
    document.withdrawn_by = actor.username
    document.withdrawal_reason = reason
    session.flush()
    audit.record(
        session,
        actor.username,
        "withdraw document",
        "request",
        request.id,
        before={"document": document.filename, "sha256": document.sha256, "withdrawn": False},
        after={"document": document.filename, "sha256": document.sha256, "withdrawn": True, "reason": reason},
        protected=request,
    )
    return document


def open_document(
    session: Session, actor: Actor, request_id: int, document_id: int, root: Path
) -> tuple[RequestDocument, bytes]:
    """A document's bytes; every download is an audit event."""
    request = get_request(session, actor, request_id, action="requests.documents")
    document = _document_of(session, request, document_id)
    content = documents.read(root, document.sha256)
    audit.record_read(
        session,
        actor.username,
        "request_document",
        document.id,
        detail=f"download of {document.filename} (request {request.id}, sha256 {document.sha256})",
        protected=request,
    )
    return document, content


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    partner_agency_id: int | None = None
    partner_country_code: str | None = None
    direction: str | None = None
    status: str | None = None
    overdue: bool = False
    due_soon: bool = False


def _filtered(actor: Actor, filters: Filters, now: datetime) -> Select[Any]:
    query = select(CooperationRequest).where(gate.readable(actor, CooperationRequest))
    r = CooperationRequest
    conditions: list[Any] = []
    if filters.kind:
        conditions.append(r.kind == filters.kind)
    if filters.partner_agency_id:
        conditions.append(r.partner_agency_id == filters.partner_agency_id)
    if filters.partner_country_code:
        conditions.append(r.partner_country_code == filters.partner_country_code.upper())
    if filters.direction:
        conditions.append(r.direction == filters.direction)
    if filters.status:
        conditions.append(r.status == filters.status)
    if filters.overdue:
        conditions.append(r.next_due_at <= now)
    elif filters.due_soon:
        soon = now + timedelta(days=kinds().due_soon_days)
        conditions.append(and_(r.next_due_at > now, r.next_due_at <= soon))
    return query.where(*conditions)


def default_sort(filters: Filters) -> str:
    """A list's order when none is asked: the nearest deadline first for overdue or due-soon
    requests, else the newest request first."""
    return "next_due_at" if (filters.overdue or filters.due_soon) else "-id"


def list_requests(
    session: Session,
    actor: Actor,
    filters: Filters = Filters(),
    limit: int = 50,
    offset: int = 0,
    sort: str | None = None,
    now: datetime | None = None,
) -> tuple[list[CooperationRequest], int]:
    ensure(actor, "requests.read")
    now = now or utcnow()
    query = apply_sort(_filtered(actor, filters, now), sort, SORTS, default_sort(filters))
    query = query.options(*LIST_DEFERRED)
    if sort is None or sort.lstrip("-") != "id":
        query = query.order_by(CooperationRequest.id)
    return paginate(session, query, limit, offset)


def overdue_requests(
    session: Session,
    actor: Actor,
    partner_agency_id: int | None = None,
    now: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CooperationRequest], int]:
    """Requests with a clock past its deadline, most overdue first (optionally for one partner)."""
    return list_requests(
        session, actor, Filters(partner_agency_id=partner_agency_id, overdue=True), limit, offset, now=now
    )


# ---------------------------------------------------------------- agreement terms


def set_deadline_override(
    session: Session, actor: Actor, agreement_id: int, request_kind: str, clock: str, days: int, day_kind: str
) -> AgreementDeadlineOverride:
    """An agreement's own period for a clock (for new deadlines from now on)."""
    ensure(actor, "requests.configure")
    if session.get(Agreement, agreement_id) is None:
        raise NotFound("There is no agreement {agreement_id}.", agreement_id=agreement_id)
    clocks = {name for kind in kinds().kinds.values() for name in kind.clocks}
    if request_kind:
        clocks = set(kind_of(request_kind).clocks)
    if clock not in clocks:
        raise Invalid(
            "Unknown clock {clock!r}.",
            clock=clock,
            fields={"clock": Phrase("one of {choices}", {"choices": sorted(clocks)})},
        )
    override = session.scalar(
        select(AgreementDeadlineOverride).where(
            AgreementDeadlineOverride.agreement_id == agreement_id,
            AgreementDeadlineOverride.request_kind == request_kind,
            AgreementDeadlineOverride.clock == clock,
        )
    )
    before = {"days": override.days, "day_kind": override.day_kind} if override else None
    if override is None:
        override = AgreementDeadlineOverride(
            agreement_id=agreement_id, request_kind=request_kind, clock=clock
        )
        session.add(override)
    override.days, override.day_kind = days, day_kind
    session.flush()
    audit.record(
        session,
        actor.username,
        "deadline_override",
        "agreement",
        agreement_id,
        before=before,
        after={"kind": request_kind, "clock": clock, "days": days, "day_kind": day_kind},
    )
    return override


def add_coverage(session: Session, actor: Actor, agreement_id: int, scope: str) -> AgreementCoverage:
    """Record that an agreement also covers a scope (UNTOC: extradition, mutual legal assistance)."""
    ensure(actor, "requests.configure")
    if session.get(Agreement, agreement_id) is None:
        raise NotFound("There is no agreement {agreement_id}.", agreement_id=agreement_id)
    scopes = {scope for kind in kinds().kinds.values() for scope in kind.covered_by}
    if scope not in scopes:
        raise Invalid(
            "Unknown scope {scope!r}.",
            scope=scope,
            fields={"scope": Phrase("one of {choices}", {"choices": sorted(scopes)})},
        )
    found = session.scalar(
        select(AgreementCoverage).where(
            AgreementCoverage.agreement_id == agreement_id, AgreementCoverage.scope == scope
        )
    )
    if found is not None:
        return found
    coverage = AgreementCoverage(agreement_id=agreement_id, scope=scope)
    session.add(coverage)
    session.flush()
    audit.record(session, actor.username, "coverage", "agreement", agreement_id, after={"scope": scope})
    return coverage


def agency_choices(session: Session) -> list[Agency]:
    return list(session.scalars(select(Agency).order_by(Agency.country_code.is_(None), Agency.name)))
