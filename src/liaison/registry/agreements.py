"""Agreements: parties, kind, crime areas, documents, and the status history that says when one
was in force. Requests take their legal basis from `agreements_in_force`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Text, and_, cast, exists, select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit, bilingual
from liaison.core.errors import Invalid, Phrase
from liaison.core.listing import apply_sort, paginate
from liaison.core.records import get_or_404, referenced, snapshot, today
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import allowed_next, check_move, require, require_all
from liaison.names.fold import fold
from liaison.registry import READ, WRITE, schemas
from liaison.registry.countries import country_code
from liaison.registry.models import (
    Agency,
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementStatusChange,
    Mechanism,
)
from liaison.registry.name_search import index_names, matching_ids, name_key
from liaison.registry.vocabulary import crime_areas, vocabulary

AGREEMENT_SORTS = {
    "title": Agreement.title_key,
    "kind": Agreement.kind,
    "status": Agreement.status,
    "id": Agreement.id,
    "updated": Agreement.updated_at,
}
AGREEMENT_TEXTS = ("title", "summary")  # in two languages (`core.bilingual`)
AGREEMENT_FIELDS = (
    "title",
    "language",
    "translations",
    "kind",
    "status",
    "crime_areas",
    "amends_id",
    "supersedes_id",
    "summary",
)


def _parties(session: Session, parties: Sequence[schemas.PartyIn]) -> list[AgreementParty]:
    rows: list[AgreementParty] = []
    seen: set[tuple[str | None, int | None]] = set()
    for index, party in enumerate(parties):
        agency = referenced(session, Agency, party.agency_id, f"parties.{index}.agency_id", "agency")
        country = country_code(session, party.country, f"parties.{index}.country")
        if agency is None and country is None:
            raise Invalid(
                "Each party is a country or an agency.", fields={f"parties.{index}": "a country or an agency"}
            )
        if agency is not None and country is not None and agency.country_code not in (None, country):
            raise Invalid(
                "The agency is not of that country.", fields={f"parties.{index}.country": "agency's country"}
            )
        country = country or (agency.country_code if agency else None)
        key = (country, agency.id if agency else None) if agency else (country, None)
        if key in seen:
            continue
        seen.add(key)
        rows.append(AgreementParty(country_code=country, agency_id=agency.id if agency else None))
    if len(rows) < 2:
        raise Invalid(
            "An agreement has two or more parties.", fields={"parties": "at least two different parties"}
        )
    return rows


def _check_history(history: Sequence[schemas.StatusChangeIn]) -> None:
    statuses = vocabulary().agreement_statuses
    previous: schemas.StatusChangeIn | None = None
    for index, step in enumerate(history):
        require(statuses, step.status, f"history.{index}.status")
        if previous is not None:
            check_move(statuses, previous.status, step.status, "agreement")
            if step.effective_on < previous.effective_on:
                raise Invalid(
                    "Status dates go backwards.", fields={f"history.{index}.effective_on": "in order"}
                )
        previous = step


def _check_links(
    session: Session, agreement_id: int | None, amends_id: int | None, supersedes_id: int | None
) -> None:
    for field, linked in (("amends_id", amends_id), ("supersedes_id", supersedes_id)):
        if linked is not None and linked == agreement_id:
            raise Invalid("An agreement cannot point at itself.", fields={field: "another agreement"})
        referenced(session, Agreement, linked, field, "agreement")


def create_agreement(session: Session, actor: Actor, data: schemas.AgreementIn) -> Agreement:
    ensure(actor, WRITE)
    require(vocabulary().agreement_kinds, data.kind, "kind")
    areas = require_all(crime_areas(), data.crime_areas, "crime_areas")
    parties = _parties(session, data.parties)
    history = data.history or [schemas.StatusChangeIn(status="proposed", effective_on=today())]
    _check_history(history)
    _check_links(session, None, data.amends_id, data.supersedes_id)
    referenced(session, Mechanism, data.mechanism_id, "mechanism_id", "mechanism")
    agreement = Agreement(
        ref=data.ref,
        title=data.title,
        title_key=name_key(data.title),
        kind=data.kind,
        status=history[-1].status,
        is_multilateral=len({p.country_code for p in parties}) > 2,
        crime_areas=areas,
        amends_id=data.amends_id,
        supersedes_id=data.supersedes_id,
        mechanism_id=data.mechanism_id,
        summary=data.summary,
        parties=parties,
        history=[
            AgreementStatusChange(
                status=s.status, effective_on=s.effective_on, note=s.note, actor=actor.username
            )
            for s in history
        ],
        documents=[AgreementDocument(**d.model_dump()) for d in data.documents],
    )
    bilingual.write(agreement, AGREEMENT_TEXTS, data.language, data.translations)
    session.add(agreement)
    session.flush()
    index_names(session, "agreement", agreement.id, bilingual.versions(agreement, "title"))
    audit.record(
        session,
        actor.username,
        "create",
        "agreement",
        agreement.id,
        after=snapshot(agreement, AGREEMENT_FIELDS),
    )
    return agreement


def update_agreement(
    session: Session, actor: Actor, agreement_id: int, data: schemas.AgreementPatch
) -> Agreement:
    """Change the description of an agreement; its status moves only through `change_agreement_status`."""
    ensure(actor, WRITE)
    agreement: Agreement = get_or_404(session, Agreement, agreement_id, "agreement")
    before = snapshot(agreement, AGREEMENT_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("kind") is not None:
        require(vocabulary().agreement_kinds, changes["kind"], "kind")
        agreement.kind = changes["kind"]
    if changes.get("crime_areas") is not None:
        agreement.crime_areas = require_all(crime_areas(), changes["crime_areas"], "crime_areas")
    _check_links(session, agreement.id, changes.get("amends_id"), changes.get("supersedes_id"))
    for field in ("amends_id", "supersedes_id"):
        if field in changes:
            setattr(agreement, field, changes[field])
    if changes.get("title"):
        agreement.title, agreement.title_key = changes["title"], name_key(changes["title"])
    if changes.get("summary") is not None:
        agreement.summary = changes["summary"]
    bilingual.write(agreement, AGREEMENT_TEXTS, changes.get("language"), changes.get("translations"))
    if data.documents is not None:
        agreement.documents = [AgreementDocument(**d.model_dump()) for d in data.documents]
    session.flush()
    index_names(session, "agreement", agreement.id, bilingual.versions(agreement, "title"))
    audit.record(
        session,
        actor.username,
        "update",
        "agreement",
        agreement.id,
        before=before,
        after=snapshot(agreement, AGREEMENT_FIELDS),
    )
    return agreement


def change_agreement_status(
    session: Session, actor: Actor, agreement_id: int, data: schemas.StatusChangeIn
) -> Agreement:
    """Move an agreement to its next status; an illegal move is a 409 naming the allowed ones."""
    ensure(actor, WRITE)
    agreement: Agreement = get_or_404(session, Agreement, agreement_id, "agreement")
    check_move(vocabulary().agreement_statuses, agreement.status, data.status, "agreement")
    last = next((h.effective_on for h in reversed(agreement.history) if h.effective_on), None)
    if last is not None and data.effective_on < last:
        raise Invalid(
            "The date is before the agreement's last status change.",
            fields={"effective_on": Phrase("on or after {day}", {"day": last.isoformat()})},
        )
    before = agreement.status
    agreement.status = data.status
    agreement.history.append(
        AgreementStatusChange(
            status=data.status, effective_on=data.effective_on, note=data.note, actor=actor.username
        )
    )
    session.flush()
    audit.record(
        session,
        actor.username,
        "status",
        "agreement",
        agreement.id,
        before={"status": before},
        after={"status": data.status},
        detail=data.note,
    )
    return agreement


def get_agreement(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    ensure(actor, READ)
    agreement: Agreement = get_or_404(session, Agreement, agreement_id, "agreement")
    return agreement


def list_agreements(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    status: str | None = None,
    country: str | None = None,
    crime_area: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Agreement], int]:
    ensure(actor, READ)
    query = select(Agreement)
    if kind:
        query = query.where(Agreement.kind == kind)
    if status:
        query = query.where(Agreement.status == status)
    if country:
        query = query.where(
            Agreement.id.in_(
                select(AgreementParty.agreement_id).where(AgreementParty.country_code == country.upper())
            )
        )
    if crime_area:
        # JSON lists are small; a text match on the quoted code works on both backends.
        query = query.where(cast(Agreement.crime_areas, Text).like(f'%"{crime_area}"%'))
    if q and fold(q):
        query = query.where(Agreement.id.in_(matching_ids(session, "agreement", q)))
    return paginate(session, apply_sort(query, sort, AGREEMENT_SORTS, "title"), limit, offset)


def agreement_out(agreement: Agreement) -> schemas.AgreementOut:
    out = schemas.AgreementOut.model_validate(agreement, from_attributes=True)
    out.allowed_next = allowed_next(vocabulary().agreement_statuses, agreement.status)
    return out


def status_on(agreement: Agreement, day: date) -> str | None:
    """The status an agreement had on `day`, from its dated history (None before its first step)."""
    current = None
    for step in agreement.history:
        if step.effective_on is not None and step.effective_on <= day:
            current = step.status
    return current


def is_in_force_on(agreement: Agreement, day: date) -> bool:
    status = status_on(agreement, day)
    entry = vocabulary().agreement_statuses.get(status or "")
    return bool(entry and entry.in_force)


def agreements_in_force(session: Session, country_a: str, country_b: str, on: date) -> list[Agreement]:
    """Agreements, bilateral or multilateral, both countries are party to and that were in force on `on`.

    In force means the dated history puts the agreement in an in-force status (in force, amended)
    on that day: one signed later, terminated or suspended before, or not yet in force is left
    out, and so is one superseded by another agreement that was itself in force on that day.
    Amending agreements in force are returned beside the agreement they amend.
    """
    a, b = country_a.upper(), country_b.upper()

    def party(code: str) -> Any:
        return exists().where(
            AgreementParty.agreement_id == Agreement.id, AgreementParty.country_code == code
        )

    candidates = list(
        session.scalars(
            select(Agreement).where(and_(party(a), party(b))).options(selectinload(Agreement.history))
        )
    )
    in_force = [agreement for agreement in candidates if is_in_force_on(agreement, on)]
    if not in_force:
        return []
    successors = session.scalars(
        select(Agreement)
        .where(Agreement.supersedes_id.in_([x.id for x in in_force]))
        .options(selectinload(Agreement.history))
    )
    superseded = {s.supersedes_id for s in successors if is_in_force_on(s, on)}
    return sorted((x for x in in_force if x.id not in superseded), key=lambda x: (x.kind, x.title_key))
