"""Multi-year programmes of coordinated action, their action items and their progress."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit, bilingual
from liaison.core.errors import Invalid, Phrase
from liaison.core.listing import apply_sort, paginate
from liaison.core.records import get_or_404, referenced, snapshot, today
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import label, require
from liaison.names.fold import fold
from liaison.registry import READ, WRITE, schemas
from liaison.registry.models import ActionItem, Agency, Agreement, Mechanism, Programme, ProgrammeParty
from liaison.registry.name_search import index_names, matching_ids, name_key
from liaison.registry.vocabulary import vocabulary

PROGRAMME_SORTS = {"title": Programme.title_key, "start": Programme.start_year, "id": Programme.id}
PROGRAMME_TEXTS = ("title", "summary")  # in two languages (`core.bilingual`)
PROGRAMME_FIELDS = (
    "title",
    "language",
    "translations",
    "start_year",
    "end_year",
    "status",
    "agreement_id",
    "mechanism_id",
    "summary",
)
ACTION_ITEM_TEXTS = ("text",)  # in two languages (`core.bilingual`)
ACTION_ITEM_FIELDS = ("text", "language", "translations", "owner_agency_id", "due_date", "status")


def _programme_parties(session: Session, agency_ids: Sequence[int]) -> list[ProgrammeParty]:
    for index, agency_id in enumerate(agency_ids):
        referenced(session, Agency, agency_id, f"party_agency_ids.{index}", "agency")
    return [ProgrammeParty(agency_id=agency_id) for agency_id in dict.fromkeys(agency_ids)]


def create_programme(session: Session, actor: Actor, data: schemas.ProgrammeIn) -> Programme:
    ensure(actor, WRITE)
    require(vocabulary().programme_statuses, data.status, "status")
    if data.end_year < data.start_year:
        raise Invalid("The end is before the start.", fields={"end_year": "the start year or later"})
    referenced(session, Agreement, data.agreement_id, "agreement_id", "agreement")
    referenced(session, Mechanism, data.mechanism_id, "mechanism_id", "mechanism")
    programme = Programme(
        ref=data.ref,
        title=data.title,
        title_key=name_key(data.title),
        start_year=data.start_year,
        end_year=data.end_year,
        status=data.status,
        signed_on=data.signed_on,
        agreement_id=data.agreement_id,
        mechanism_id=data.mechanism_id,
        summary=data.summary,
        parties=_programme_parties(session, data.party_agency_ids),
    )
    bilingual.write(programme, PROGRAMME_TEXTS, data.language, data.translations)
    session.add(programme)
    session.flush()
    index_names(session, "programme", programme.id, bilingual.versions(programme, "title"))
    audit.record(
        session,
        actor.username,
        "create",
        "programme",
        programme.id,
        after=snapshot(programme, PROGRAMME_FIELDS),
    )
    return programme


def update_programme(
    session: Session, actor: Actor, programme_id: int, data: schemas.ProgrammePatch
) -> Programme:
    ensure(actor, WRITE)
    programme: Programme = get_or_404(session, Programme, programme_id, "programme")
    before = snapshot(programme, PROGRAMME_FIELDS)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    if "status" in changes:
        require(vocabulary().programme_statuses, changes["status"], "status")
    texts = {key: changes.pop(key, None) for key in ("language", "translations")}
    for field, value in changes.items():
        setattr(programme, field, value)
    bilingual.write(programme, PROGRAMME_TEXTS, texts["language"], texts["translations"])
    if programme.end_year < programme.start_year:
        raise Invalid("The end is before the start.", fields={"end_year": "the start year or later"})
    programme.title_key = name_key(programme.title)
    session.flush()
    index_names(session, "programme", programme.id, bilingual.versions(programme, "title"))
    audit.record(
        session,
        actor.username,
        "update",
        "programme",
        programme.id,
        before=before,
        after=snapshot(programme, PROGRAMME_FIELDS),
    )
    return programme


def add_action_item(
    session: Session, actor: Actor, programme_id: int, data: schemas.ActionItemIn
) -> ActionItem:
    ensure(actor, WRITE)
    programme: Programme = get_or_404(session, Programme, programme_id, "programme")
    require(vocabulary().action_item_statuses, data.status, "status")
    referenced(session, Agency, data.owner_agency_id, "owner_agency_id", "agency")
    item = ActionItem(
        text=data.text,
        owner_agency_id=data.owner_agency_id,
        due_date=data.due_date,
        status=data.status,
        progress_notes=[],
        language=data.language,
        translations=bilingual.checked(data.translations, data.language, ACTION_ITEM_TEXTS),
    )
    programme.action_items.append(item)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "action_item",
        item.id,
        after={"programme_id": programme.id, "text": item.text, "status": item.status},
    )
    return item


def update_action_item(
    session: Session, actor: Actor, item_id: int, data: schemas.ActionItemPatch
) -> ActionItem:
    ensure(actor, WRITE)
    item: ActionItem = get_or_404(session, ActionItem, item_id, "action item")
    before = snapshot(item, ACTION_ITEM_FIELDS)
    if data.text is not None:
        item.text = data.text
    bilingual.write(item, ACTION_ITEM_TEXTS, data.language, data.translations)
    if "owner_agency_id" in data.model_fields_set:
        referenced(session, Agency, data.owner_agency_id, "owner_agency_id", "agency")
        item.owner_agency_id = data.owner_agency_id
    if data.status is not None:
        require(vocabulary().action_item_statuses, data.status, "status")
        item.status = data.status
    if data.due_date is not None:
        item.due_date = data.due_date
    if data.note:
        item.progress_notes = [
            *item.progress_notes,
            {
                "on": today().isoformat(),
                "note": data.note,
                "status": item.status,
                "actor": actor.username,
            },
        ]
    session.flush()
    audit.record(
        session,
        actor.username,
        "update",
        "action_item",
        item.id,
        before=before,
        after=snapshot(item, ACTION_ITEM_FIELDS),
        detail=data.note,
    )
    return item


def get_programme(session: Session, actor: Actor, programme_id: int) -> Programme:
    ensure(actor, READ)
    programme: Programme = get_or_404(session, Programme, programme_id, "programme")
    return programme


def list_programmes(
    session: Session,
    actor: Actor,
    *,
    country: str | None = None,
    status: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Programme], int]:
    ensure(actor, READ)
    query = select(Programme).options(selectinload(Programme.parties), selectinload(Programme.action_items))
    if country:
        query = query.where(
            Programme.id.in_(
                select(ProgrammeParty.programme_id)
                .join(Agency, Agency.id == ProgrammeParty.agency_id)
                .where(Agency.country_code == country.upper())
            )
        )
    if status:
        query = query.where(Programme.status == status)
    if q and fold(q):
        query = query.where(Programme.id.in_(matching_ids(session, "programme", q)))
    return paginate(session, apply_sort(query, sort, PROGRAMME_SORTS, "start"), limit, offset)


def status_shown(programme: Programme, on: date | None = None) -> str:
    """The programme's status in words as of `on` (today): one still recorded as under way after
    its last year says it has ended and awaits review, rather than "Under way" years later."""
    year = (on or today()).year
    if programme.status == "active" and programme.end_year < year:
        return Phrase(
            "Ended in {year}, not yet closed: results due for review", {"year": programme.end_year}
        ).render()
    return label(vocabulary().programme_statuses, programme.status)


def counted_items(programme: Programme) -> tuple[int, int]:
    """(done, counted): the action items progress counts from; a dropped item is not counted."""
    items = [i for i in programme.action_items if i.status != "dropped"]
    return sum(i.status == "done" for i in items), len(items)


def progress(programme: Programme) -> float:
    done, counted = counted_items(programme)
    return round(done / counted, 3) if counted else 0.0


def programme_out(programme: Programme) -> schemas.ProgrammeOut:
    return schemas.ProgrammeOut(
        id=programme.id,
        title=programme.title,
        start_year=programme.start_year,
        end_year=programme.end_year,
        status=programme.status,
        signed_on=programme.signed_on,
        agreement_id=programme.agreement_id,
        mechanism_id=programme.mechanism_id,
        summary=programme.summary,
        language=programme.language,
        translations=programme.translations,
        ref=programme.ref,
        party_agency_ids=[p.agency_id for p in programme.parties],
        action_items=[schemas.ActionItemOut.model_validate(i) for i in programme.action_items],
        progress=progress(programme),
    )
