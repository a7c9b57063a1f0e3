"""The cooperation registry's logic: countries, agencies, officials, mechanisms and their roles,
agreements and their status machine, programmes and action items, name search, partner view.

Plain functions `(session, actor, ...)`: they check the access policy, validate against the
vocabularies, write the audit trail and raise domain errors; the API, the pages, the CLI and the
demo loader all call them. Other capabilities call `agreements_in_force` (legal basis of a
request) and `index_names` (their records in the one search box).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, Text, and_, cast, delete, exists, false, func, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from liaison.capabilities import CAPABILITIES, module
from liaison.core import audit
from liaison.core.errors import Conflict, Invalid, NotFound
from liaison.core.listing import apply_sort, paginate
from liaison.core.security.policy import Actor, ensure
from liaison.names.fold import fold
from liaison.names.keys import name_forms
from liaison.registry import schemas
from liaison.registry.models import (
    NAME_LENGTH,
    ActionItem,
    Agency,
    AgencyName,
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementStatusChange,
    Country,
    Mechanism,
    MechanismMember,
    MechanismRole,
    Official,
    OfficialName,
    OfficialPost,
    Programme,
    ProgrammeParty,
    SearchEntry,
)
from liaison.registry.vocabulary import crime_areas, require, require_all, vocabulary

READ, WRITE = "registry.read", "registry.write"
TOP = "\U0010ffff"  # sorts after every character: `key < prefix + TOP` bounds a prefix range


# Shared helpers


def get_or_404(session: Session, model: type[Any], record_id: int, what: str) -> Any:
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(f"No {what} with id {record_id}.")
    return record


def referenced(session: Session, model: type[Any], record_id: int | None, field: str, what: str) -> Any:
    """A record the input points at; `Invalid` (not 404) when it does not exist."""
    if record_id is None:
        return None
    record = session.get(model, record_id)
    if record is None:
        raise Invalid(f"No {what} with id {record_id}.", fields={field: f"no {what} with this id"})
    return record


def country_code(session: Session, code: str | None, field: str = "country") -> str | None:
    """The upper-case ISO 3166-1 alpha-2 code, or `Invalid` when there is no such country."""
    if code is None or code == "":
        return None
    upper = code.strip().upper()
    if len(upper) != 2 or session.get(Country, upper) is None:
        raise Invalid(
            f"Unknown country code {code!r}.", fields={field: "an ISO 3166-1 alpha-2 code, e.g. VN"}
        )
    return upper


def _check_period(start: date | None, end: date | None, field: str = "end_date") -> None:
    if start is not None and end is not None and end < start:
        raise Invalid("The end is before the start.", fields={field: "on or after the start"})


def _key(text: str) -> str:
    return fold(text)[:NAME_LENGTH]


def columns(record: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def _by_ref(session: Session, model: type[Any], ref: str | None) -> Any:
    return session.scalar(select(model).where(model.ref == ref)) if ref else None


def countries(session: Session, actor: Actor) -> list[Country]:
    ensure(actor, READ)
    return list(session.scalars(select(Country).order_by(Country.name_en)))


def get_country(session: Session, actor: Actor, code: str) -> Country:
    ensure(actor, READ)
    country = session.get(Country, code.upper()) if len(code) == 2 else None
    if country is None:
        raise NotFound(f"No country with code {code!r}.")
    return country


# Name search


def index_names(
    session: Session, entity: str, entity_id: int, forms: Iterable[str], *, romanise: bool = False
) -> None:
    """Replace the search keys of one record: every word suffix of every folded name form.

    With `romanise`, a form in another script is also indexed in its Latin readings
    (`names.keys.name_forms`: BGN/PCGN and ICAO for Cyrillic, pinyin and Sino-Vietnamese for
    Chinese), so "Kolokoltsev" finds a record that holds only "Колокольцев".
    """
    session.execute(
        delete(SearchEntry).where(SearchEntry.entity == entity, SearchEntry.entity_id == entity_id)
    )
    seen: set[str] = set()
    rows = []
    for form in forms:
        for reading in name_forms(form) if romanise else (form,):
            words = fold(reading).split()
            for start in range(len(words)):
                key = " ".join(words[start:])[:NAME_LENGTH]
                if key and key not in seen:
                    seen.add(key)
                    rows.append(
                        {"entity": entity, "entity_id": entity_id, "key": key, "form": form[:NAME_LENGTH]}
                    )
    if rows:
        session.execute(insert(SearchEntry), rows)


def search_keys_query(text: str) -> Select[Any]:
    """Entries whose key starts with the folded text, as one index range.

    Keys compare by code point (SQLite's binary collation, the "C" collation the registry
    migration gives the column on PostgreSQL), so `prefix <= key < prefix + U+10FFFF` holds
    exactly the keys that start with the prefix, and the planner can estimate the range.
    """
    key = fold(text)
    return select(SearchEntry).where(SearchEntry.key >= key, SearchEntry.key < key + TOP)


def matching_ids(session: Session, entity: str, text: str) -> Select[Any]:
    """Ids of the records of one kind with a name form starting with the text (for list filters)."""
    key = fold(text)
    return select(SearchEntry.entity_id).where(
        SearchEntry.entity == entity, SearchEntry.key >= key, SearchEntry.key < key + TOP
    )


ENTITY_PATHS = {
    "agency": "/registry/agencies/{}",
    "official": "/registry/officials/{}",
    "mechanism": "/registry/mechanisms/{}",
    "agreement": "/registry/agreements/{}",
    "programme": "/registry/programmes/{}",
    "engagement": "/engagements/{}",
}


def search(session: Session, actor: Actor, text: str, limit: int = 20) -> list[schemas.SearchHit]:
    """Agencies, officials, mechanisms, agreements, programmes and engagements by any name form."""
    ensure(actor, READ)
    key = fold(text)
    if not key:
        raise Invalid("Type a name to search for.", fields={"q": "at least one letter or digit"})
    if not 1 <= limit <= 100:
        raise Invalid("Bad limit.", fields={"limit": "1 to 100"})
    rows = session.execute(
        search_keys_query(text)
        .with_only_columns(SearchEntry.entity, SearchEntry.entity_id, SearchEntry.form)
        .order_by(SearchEntry.key)
        .limit(limit * 5)
    ).all()
    found: dict[tuple[str, int], str] = {}
    for entity, entity_id, form in rows:
        found.setdefault((entity, entity_id), form)
        if len(found) >= limit:
            break
    labels = _labels(session, found)
    return [
        schemas.SearchHit(
            entity=entity,
            id=entity_id,
            label=labels.get((entity, entity_id), form),
            matched=form,
            path=ENTITY_PATHS.get(entity, "/").format(entity_id),
        )
        for (entity, entity_id), form in found.items()
    ]


def _labels(session: Session, found: dict[tuple[str, int], str]) -> dict[tuple[str, int], str]:
    columns: dict[str, tuple[Any, Any]] = {
        "agency": (Agency, Agency.name),
        "official": (Official, Official.name),
        "mechanism": (Mechanism, Mechanism.name),
        "agreement": (Agreement, Agreement.title),
        "programme": (Programme, Programme.title),
    }
    labels: dict[tuple[str, int], str] = {}
    for entity, (model, column) in columns.items():
        ids = [i for (e, i) in found if e == entity]
        if ids:
            for record_id, name in session.execute(select(model.id, column).where(model.id.in_(ids))):
                labels[(entity, record_id)] = name
    return labels


# Agencies

AGENCY_SORTS = {"name": Agency.name_key, "country": Agency.country_code, "kind": Agency.kind, "id": Agency.id}
AGENCY_FIELDS = ("name", "acronym", "kind", "country_code", "parent_id", "notes")


def _agency_forms(agency: Agency) -> list[str]:
    return [agency.name, *([agency.acronym] if agency.acronym else []), *(n.text for n in agency.names)]


def _check_agency_name_free(session: Session, name_key: str, country: str | None, own_id: int | None) -> None:
    query = select(Agency.id).where(
        Agency.name_key == name_key,
        Agency.country_code.is_(None) if country is None else Agency.country_code == country,
    )
    if own_id is not None:
        query = query.where(Agency.id != own_id)
    if session.scalar(query) is not None:
        where = f"in {country}" if country else "among international bodies"
        raise Conflict(f"An agency with this name already exists {where}.", field="name")


def _check_parent(session: Session, agency_id: int | None, parent_id: int | None) -> None:
    parent = referenced(session, Agency, parent_id, "parent_id", "agency")
    while parent is not None:
        if parent.id == agency_id:
            raise Invalid("An agency cannot be its own ancestor.", fields={"parent_id": "would make a loop"})
        parent = parent.parent


def create_agency(session: Session, actor: Actor, data: schemas.AgencyIn) -> Agency:
    ensure(actor, WRITE)
    require(vocabulary().agency_kinds, data.kind, "kind")
    country = country_code(session, data.country)
    _check_parent(session, None, data.parent_id)
    _check_agency_name_free(session, _key(data.name), country, None)
    agency = Agency(
        ref=data.ref,
        name=data.name,
        name_key=_key(data.name),
        acronym=data.acronym,
        kind=data.kind,
        country_code=country,
        parent_id=data.parent_id,
        notes=data.notes,
        names=[AgencyName(text=n.text, lang=n.lang) for n in data.names],
    )
    session.add(agency)
    session.flush()
    index_names(session, "agency", agency.id, _agency_forms(agency), romanise=True)
    audit.record(session, actor.username, "create", "agency", agency.id, after=columns(agency, AGENCY_FIELDS))
    return agency


def update_agency(session: Session, actor: Actor, agency_id: int, data: schemas.AgencyPatch) -> Agency:
    ensure(actor, WRITE)
    agency: Agency = get_or_404(session, Agency, agency_id, "agency")
    before = columns(agency, AGENCY_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("kind") is not None:
        require(vocabulary().agency_kinds, changes["kind"], "kind")
    if "parent_id" in changes:
        _check_parent(session, agency.id, changes["parent_id"])
    if changes.get("name"):
        _check_agency_name_free(session, _key(changes["name"]), agency.country_code, agency.id)
        agency.name_key = _key(changes["name"])
    for field in ("name", "kind", "acronym", "parent_id", "notes"):
        if field in changes and (changes[field] is not None or field == "parent_id"):
            setattr(agency, field, changes[field])
    if data.names is not None:
        agency.names = [AgencyName(text=n.text, lang=n.lang) for n in data.names]
    session.flush()
    index_names(session, "agency", agency.id, _agency_forms(agency), romanise=True)
    audit.record(
        session,
        actor.username,
        "update",
        "agency",
        agency.id,
        before=before,
        after=columns(agency, AGENCY_FIELDS),
    )
    return agency


def get_agency(session: Session, actor: Actor, agency_id: int) -> Agency:
    ensure(actor, READ)
    agency: Agency = get_or_404(session, Agency, agency_id, "agency")
    return agency


def list_agencies(
    session: Session,
    actor: Actor,
    *,
    country: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Agency], int]:
    ensure(actor, READ)
    query = select(Agency).options(selectinload(Agency.names))
    if country:
        query = (
            query.where(Agency.country_code == country.upper())
            if country.upper() != "INT"
            else query.where(Agency.country_code.is_(None))
        )
    if kind:
        query = query.where(Agency.kind == kind)
    if q and fold(q):
        query = query.where(Agency.id.in_(matching_ids(session, "agency", q)))
    return paginate(session, apply_sort(query, sort, AGENCY_SORTS, "name"), limit, offset)


def agency_out(agency: Agency) -> schemas.AgencyOut:
    return schemas.AgencyOut.model_validate(agency)


# Officials

OFFICIAL_SORTS = {"name": Official.name_key, "id": Official.id}
OFFICIAL_FIELDS = ("name", "agency_id", "notes")


def _official_forms(official: Official) -> list[str]:
    return [official.name, *(n.text for n in official.names)]


def _posts(session: Session, posts: Sequence[schemas.PostIn]) -> list[OfficialPost]:
    result = []
    for index, post in enumerate(posts):
        _check_period(post.start_date, post.end_date, f"posts.{index}.end_date")
        referenced(session, Agency, post.agency_id, f"posts.{index}.agency_id", "agency")
        result.append(OfficialPost(**post.model_dump()))
    return result


def create_official(session: Session, actor: Actor, data: schemas.OfficialIn) -> Official:
    ensure(actor, WRITE)
    referenced(session, Agency, data.agency_id, "agency_id", "agency")
    official = Official(
        ref=data.ref,
        name=data.name,
        name_key=_key(data.name),
        agency_id=data.agency_id,
        notes=data.notes,
        names=[OfficialName(text=n.text, lang=n.lang) for n in data.names],
        posts=_posts(session, data.posts),
    )
    session.add(official)
    session.flush()
    index_names(session, "official", official.id, _official_forms(official), romanise=True)
    audit.record(
        session, actor.username, "create", "official", official.id, after=columns(official, OFFICIAL_FIELDS)
    )
    return official


def update_official(
    session: Session, actor: Actor, official_id: int, data: schemas.OfficialPatch
) -> Official:
    ensure(actor, WRITE)
    official: Official = get_or_404(session, Official, official_id, "official")
    before = columns(official, OFFICIAL_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if "agency_id" in changes:
        referenced(session, Agency, changes["agency_id"], "agency_id", "agency")
        official.agency_id = changes["agency_id"]
    if changes.get("name"):
        official.name, official.name_key = changes["name"], _key(changes["name"])
    if changes.get("notes") is not None:
        official.notes = changes["notes"]
    if data.names is not None:
        official.names = [OfficialName(text=n.text, lang=n.lang) for n in data.names]
    if data.posts is not None:
        official.posts = _posts(session, data.posts)
    session.flush()
    index_names(session, "official", official.id, _official_forms(official), romanise=True)
    audit.record(
        session,
        actor.username,
        "update",
        "official",
        official.id,
        before=before,
        after=columns(official, OFFICIAL_FIELDS),
    )
    return official


def get_official(session: Session, actor: Actor, official_id: int) -> Official:
    ensure(actor, READ)
    official: Official = get_or_404(session, Official, official_id, "official")
    return official


def list_officials(
    session: Session,
    actor: Actor,
    *,
    agency_id: int | None = None,
    country: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Official], int]:
    ensure(actor, READ)
    query = select(Official).options(selectinload(Official.names), selectinload(Official.posts))
    if agency_id is not None:
        query = query.where(Official.agency_id == agency_id)
    if country:
        query = query.where(
            Official.agency_id.in_(select(Agency.id).where(Agency.country_code == country.upper()))
        )
    if q and fold(q):
        query = query.where(Official.id.in_(matching_ids(session, "official", q)))
    return paginate(session, apply_sort(query, sort, OFFICIAL_SORTS, "name"), limit, offset)


# Mechanisms

MECHANISM_SORTS = {"name": Mechanism.name_key, "kind": Mechanism.kind, "id": Mechanism.id}
MECHANISM_FIELDS = ("name", "acronym", "kind", "recurrence", "host_agency_id", "description")


def _members(
    session: Session, agency_ids: Sequence[int], current: Sequence[MechanismMember] = ()
) -> list[MechanismMember]:
    """The member rows for these agencies, each once; existing members keep their row (a new row
    for the same agency would be inserted before the old one is deleted, and break uniqueness)."""
    for index, agency_id in enumerate(agency_ids):
        referenced(session, Agency, agency_id, f"member_agency_ids.{index}", "agency")
    existing = {member.agency_id: member for member in current}
    return [
        existing.get(agency_id) or MechanismMember(agency_id=agency_id)
        for agency_id in dict.fromkeys(agency_ids)
    ]


def create_mechanism(session: Session, actor: Actor, data: schemas.MechanismIn) -> Mechanism:
    ensure(actor, WRITE)
    words = vocabulary()
    require(words.mechanism_kinds, data.kind, "kind")
    require(words.recurrences, data.recurrence, "recurrence")
    referenced(session, Agency, data.host_agency_id, "host_agency_id", "agency")
    mechanism = Mechanism(
        ref=data.ref,
        name=data.name,
        name_key=_key(data.name),
        acronym=data.acronym,
        kind=data.kind,
        recurrence=data.recurrence,
        host_agency_id=data.host_agency_id,
        description=data.description,
        members=_members(session, data.member_agency_ids),
    )
    session.add(mechanism)
    session.flush()
    index_names(session, "mechanism", mechanism.id, [mechanism.name, mechanism.acronym])
    audit.record(
        session,
        actor.username,
        "create",
        "mechanism",
        mechanism.id,
        after=columns(mechanism, MECHANISM_FIELDS),
    )
    return mechanism


def update_mechanism(
    session: Session, actor: Actor, mechanism_id: int, data: schemas.MechanismPatch
) -> Mechanism:
    ensure(actor, WRITE)
    mechanism: Mechanism = get_or_404(session, Mechanism, mechanism_id, "mechanism")
    before = columns(mechanism, MECHANISM_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("kind") is not None:
        require(vocabulary().mechanism_kinds, changes["kind"], "kind")
    if changes.get("recurrence") is not None:
        require(vocabulary().recurrences, changes["recurrence"], "recurrence")
    if "host_agency_id" in changes:
        referenced(session, Agency, changes["host_agency_id"], "host_agency_id", "agency")
        mechanism.host_agency_id = changes["host_agency_id"]
    for field in ("name", "kind", "acronym", "recurrence", "description"):
        if changes.get(field) is not None:
            setattr(mechanism, field, changes[field])
    mechanism.name_key = _key(mechanism.name)
    if data.member_agency_ids is not None:
        mechanism.members = _members(session, data.member_agency_ids, mechanism.members)
    session.flush()
    index_names(session, "mechanism", mechanism.id, [mechanism.name, mechanism.acronym])
    audit.record(
        session,
        actor.username,
        "update",
        "mechanism",
        mechanism.id,
        before=before,
        after=columns(mechanism, MECHANISM_FIELDS),
    )
    return mechanism


def add_mechanism_role(
    session: Session, actor: Actor, mechanism_id: int, data: schemas.RoleIn
) -> MechanismRole:
    ensure(actor, WRITE)
    mechanism: Mechanism = get_or_404(session, Mechanism, mechanism_id, "mechanism")
    require(vocabulary().role_kinds, data.role, "role")
    if data.crime_area is not None:
        require(crime_areas(), data.crime_area, "crime_area")
    referenced(session, Agency, data.holder_agency_id, "holder_agency_id", "agency")
    holder_country = country_code(session, data.holder_country, "holder_country")
    if data.holder_agency_id is None and holder_country is None:
        raise Invalid("Say who holds the role.", fields={"holder_agency_id": "an agency or a holder_country"})
    _check_period(data.start_date, data.end_date)
    role = MechanismRole(
        role=data.role,
        holder_agency_id=data.holder_agency_id,
        holder_country_code=holder_country,
        counterpart_country_code=country_code(session, data.counterpart_country, "counterpart_country"),
        crime_area=data.crime_area,
        start_date=data.start_date,
        end_date=data.end_date,
        status=data.status,
        note=data.note,
    )
    mechanism.roles.append(role)
    session.flush()
    audit.record(
        session,
        actor.username,
        "create",
        "mechanism_role",
        role.id,
        after={"mechanism_id": mechanism.id, "role": role.role, "holder": role.holder_agency_id},
    )
    return role


def get_mechanism(session: Session, actor: Actor, mechanism_id: int) -> Mechanism:
    ensure(actor, READ)
    mechanism: Mechanism = get_or_404(session, Mechanism, mechanism_id, "mechanism")
    return mechanism


def list_mechanisms(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    agency_id: int | None = None,
    q: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Mechanism], int]:
    ensure(actor, READ)
    query = select(Mechanism).options(selectinload(Mechanism.members), selectinload(Mechanism.roles))
    if kind:
        query = query.where(Mechanism.kind == kind)
    if agency_id is not None:
        query = query.where(
            or_(
                Mechanism.host_agency_id == agency_id,
                Mechanism.id.in_(
                    select(MechanismMember.mechanism_id).where(MechanismMember.agency_id == agency_id)
                ),
            )
        )
    if q and fold(q):
        query = query.where(Mechanism.id.in_(matching_ids(session, "mechanism", q)))
    return paginate(session, apply_sort(query, sort, MECHANISM_SORTS, "name"), limit, offset)


def mechanism_out(mechanism: Mechanism) -> schemas.MechanismOut:
    return schemas.MechanismOut(
        id=mechanism.id,
        name=mechanism.name,
        acronym=mechanism.acronym,
        kind=mechanism.kind,
        recurrence=mechanism.recurrence,
        host_agency_id=mechanism.host_agency_id,
        description=mechanism.description,
        ref=mechanism.ref,
        member_agency_ids=[m.agency_id for m in mechanism.members],
        roles=[schemas.RoleOut.model_validate(r) for r in mechanism.roles],
    )


# Agreements and their status machine

AGREEMENT_SORTS = {
    "title": Agreement.title_key,
    "kind": Agreement.kind,
    "status": Agreement.status,
    "id": Agreement.id,
    "updated": Agreement.updated_at,
}
AGREEMENT_FIELDS = ("title", "kind", "status", "crime_areas", "amends_id", "supersedes_id", "summary")


def allowed_next(status: str) -> list[str]:
    entry = vocabulary().agreement_statuses.get(status)
    return list(entry.next) if entry else []


def _parties(session: Session, parties: Sequence[schemas.PartyIn]) -> list[AgreementParty]:
    rows: list[AgreementParty] = []
    seen: set[tuple[str | None, int | None]] = set()
    for index, party in enumerate(parties):
        agency = referenced(session, Agency, party.agency_id, f"parties.{index}.agency_id", "agency")
        country = country_code(session, party.country, f"parties.{index}.country")
        if agency is None and country is None:
            raise Invalid(
                "Each party is a country or an agency.", fields={f"parties.{index}": "country or agency_id"}
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
            if step.status not in statuses[previous.status].next:
                raise Conflict(
                    f"An agreement cannot go from {previous.status} to {step.status}.",
                    allowed=list(statuses[previous.status].next),
                )
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
    history = data.history or [schemas.StatusChangeIn(status="proposed", effective_on=date.today())]
    _check_history(history)
    _check_links(session, None, data.amends_id, data.supersedes_id)
    referenced(session, Mechanism, data.mechanism_id, "mechanism_id", "mechanism")
    agreement = Agreement(
        ref=data.ref,
        title=data.title,
        title_key=_key(data.title),
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
    session.add(agreement)
    session.flush()
    index_names(session, "agreement", agreement.id, [agreement.title])
    audit.record(
        session,
        actor.username,
        "create",
        "agreement",
        agreement.id,
        after=columns(agreement, AGREEMENT_FIELDS),
    )
    return agreement


def update_agreement(
    session: Session, actor: Actor, agreement_id: int, data: schemas.AgreementPatch
) -> Agreement:
    """Change the description of an agreement; its status moves only through `change_agreement_status`."""
    ensure(actor, WRITE)
    agreement: Agreement = get_or_404(session, Agreement, agreement_id, "agreement")
    before = columns(agreement, AGREEMENT_FIELDS)
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
        agreement.title, agreement.title_key = changes["title"], _key(changes["title"])
    if changes.get("summary") is not None:
        agreement.summary = changes["summary"]
    if data.documents is not None:
        agreement.documents = [AgreementDocument(**d.model_dump()) for d in data.documents]
    session.flush()
    index_names(session, "agreement", agreement.id, [agreement.title])
    audit.record(
        session,
        actor.username,
        "update",
        "agreement",
        agreement.id,
        before=before,
        after=columns(agreement, AGREEMENT_FIELDS),
    )
    return agreement


def change_agreement_status(
    session: Session, actor: Actor, agreement_id: int, data: schemas.StatusChangeIn
) -> Agreement:
    """Move an agreement to its next status; an illegal move is a 409 naming the allowed ones."""
    ensure(actor, WRITE)
    agreement: Agreement = get_or_404(session, Agreement, agreement_id, "agreement")
    statuses = vocabulary().agreement_statuses
    require(statuses, data.status, "status")
    allowed = allowed_next(agreement.status)
    if data.status not in allowed:
        raise Conflict(
            f"An agreement that is {agreement.status} cannot become {data.status}.",
            allowed=allowed,
            current=agreement.status,
        )
    last = next((h.effective_on for h in reversed(agreement.history) if h.effective_on), None)
    if last is not None and data.effective_on < last:
        raise Invalid(
            "The date is before the agreement's last status change.",
            fields={"effective_on": f"on or after {last.isoformat()}"},
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
    out.allowed_next = allowed_next(agreement.status)
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


# Programmes and action items

PROGRAMME_SORTS = {"title": Programme.title_key, "start": Programme.start_year, "id": Programme.id}
PROGRAMME_FIELDS = ("title", "start_year", "end_year", "status", "agreement_id", "mechanism_id", "summary")


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
        title_key=_key(data.title),
        start_year=data.start_year,
        end_year=data.end_year,
        status=data.status,
        signed_on=data.signed_on,
        agreement_id=data.agreement_id,
        mechanism_id=data.mechanism_id,
        summary=data.summary,
        parties=_programme_parties(session, data.party_agency_ids),
    )
    session.add(programme)
    session.flush()
    index_names(session, "programme", programme.id, [programme.title])
    audit.record(
        session,
        actor.username,
        "create",
        "programme",
        programme.id,
        after=columns(programme, PROGRAMME_FIELDS),
    )
    return programme


def update_programme(
    session: Session, actor: Actor, programme_id: int, data: schemas.ProgrammePatch
) -> Programme:
    ensure(actor, WRITE)
    programme: Programme = get_or_404(session, Programme, programme_id, "programme")
    before = columns(programme, PROGRAMME_FIELDS)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    if "status" in changes:
        require(vocabulary().programme_statuses, changes["status"], "status")
    for field, value in changes.items():
        setattr(programme, field, value)
    if programme.end_year < programme.start_year:
        raise Invalid("The end is before the start.", fields={"end_year": "the start year or later"})
    programme.title_key = _key(programme.title)
    session.flush()
    index_names(session, "programme", programme.id, [programme.title])
    audit.record(
        session,
        actor.username,
        "update",
        "programme",
        programme.id,
        before=before,
        after=columns(programme, PROGRAMME_FIELDS),
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
    before = {"status": item.status, "due_date": item.due_date}
    if data.status is not None:
        require(vocabulary().action_item_statuses, data.status, "status")
        item.status = data.status
    if data.due_date is not None:
        item.due_date = data.due_date
    if data.note:
        item.progress_notes = [
            *item.progress_notes,
            {
                "on": date.today().isoformat(),
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
        after={"status": item.status, "due_date": item.due_date},
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


def progress(programme: Programme) -> float:
    items = [i for i in programme.action_items if i.status != "dropped"]
    return round(sum(i.status == "done" for i in items) / len(items), 3) if items else 0.0


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
        ref=programme.ref,
        party_agency_ids=[p.agency_id for p in programme.parties],
        action_items=[schemas.ActionItemOut.model_validate(i) for i in programme.action_items],
        progress=progress(programme),
    )


# The partner view


def partner_agencies(session: Session, key: str) -> tuple[str, bool, list[Agency]]:
    """The partner's display key, whether it is a country, and its agencies.

    A partner is a country (ISO code) or an international organisation (its acronym or ref, e.g.
    ASEAN, with the bodies under it).
    """
    upper = key.strip().upper()
    if len(upper) == 2 and session.get(Country, upper) is not None:
        agencies = list(
            session.scalars(select(Agency).where(Agency.country_code == upper).order_by(Agency.name_key))
        )
        return upper, True, agencies
    root = session.scalar(
        select(Agency)
        .where(
            Agency.country_code.is_(None),
            or_(func.upper(Agency.acronym) == upper, func.upper(Agency.ref) == upper),
        )
        .order_by(Agency.parent_id.desc())
    )
    if root is None:
        raise NotFound(f"No partner country or international organisation {key!r}.")
    while root.parent is not None and root.parent.country_code is None:
        root = root.parent
    agencies, frontier = [root], [root.id]
    while frontier:
        children = list(session.scalars(select(Agency).where(Agency.parent_id.in_(frontier))))
        agencies.extend(children)
        frontier = [c.id for c in children]
    return (root.acronym or root.ref or str(root.id)).upper(), False, agencies


def partner_view(session: Session, actor: Actor, key: str) -> schemas.PartnerOut:
    """One partner's page: agencies, officials, agreements by status, mechanisms and roles, programmes,
    and what other capabilities add (engagements on a timeline, open commitments)."""
    ensure(actor, READ)
    partner_key, is_country, agencies = partner_agencies(session, key)
    agency_ids = [a.id for a in agencies]
    name = session.get(Country, partner_key).name_en if is_country else agencies[0].name  # type: ignore[union-attr]
    officials = list(
        session.scalars(
            select(Official)
            .where(Official.agency_id.in_(agency_ids))
            .options(selectinload(Official.posts))
            .order_by(Official.name_key)
        )
    )
    agreements = _partner_agreements(session, partner_key, is_country, agency_ids)
    by_status: dict[str, list[schemas.AgreementBrief]] = {}
    for status in vocabulary().agreement_statuses:
        chosen = [schemas.AgreementBrief.model_validate(a) for a in agreements if a.status == status]
        if chosen:
            by_status[status] = chosen
    view = schemas.PartnerOut(
        key=partner_key,
        name=name,
        is_country=is_country,
        agencies=[schemas.AgencyBrief.model_validate(a) for a in agencies],
        officials=[
            {
                "id": o.id,
                "name": o.name,
                "agency_id": o.agency_id,
                "title": o.posts[-1].title if o.posts else "",
            }
            for o in officials
        ],
        agreements_by_status=by_status,
        mechanisms=_partner_mechanisms(session, partner_key, is_country, agency_ids),
        programmes=[
            {
                "id": p.id,
                "title": p.title,
                "start_year": p.start_year,
                "end_year": p.end_year,
                "status": p.status,
                "progress": progress(p),
                "action_items": len(p.action_items),
            }
            for p in _partner_programmes(session, agency_ids)
        ],
    )
    for name_ in CAPABILITIES:
        contributor = module(name_, "partners") if name_ != "registry" else None
        if contributor is not None:
            for field, value in contributor.contribute(session, partner_key, is_country, agency_ids).items():
                setattr(view, field, value)
    return view


def _partner_agreements(
    session: Session, key: str, is_country: bool, agency_ids: list[int]
) -> list[Agreement]:
    condition = AgreementParty.country_code == key if is_country else AgreementParty.agency_id.in_(agency_ids)
    return list(
        session.scalars(
            select(Agreement)
            .where(Agreement.id.in_(select(AgreementParty.agreement_id).where(condition)))
            .order_by(Agreement.title_key)
        )
    )


def _partner_mechanisms(
    session: Session, key: str, is_country: bool, agency_ids: list[int]
) -> list[dict[str, Any]]:
    mechanisms = session.scalars(
        select(Mechanism)
        .where(
            or_(
                Mechanism.host_agency_id.in_(agency_ids),
                Mechanism.id.in_(
                    select(MechanismMember.mechanism_id).where(MechanismMember.agency_id.in_(agency_ids))
                ),
                Mechanism.id.in_(
                    select(MechanismRole.mechanism_id).where(
                        or_(
                            MechanismRole.holder_agency_id.in_(agency_ids),
                            MechanismRole.holder_country_code == key if is_country else false(),
                            MechanismRole.counterpart_country_code == key if is_country else false(),
                        )
                    )
                ),
            )
        )
        .options(selectinload(Mechanism.roles))
        .order_by(Mechanism.name_key)
    )
    return [
        {
            "id": m.id,
            "name": m.name,
            "acronym": m.acronym,
            "kind": m.kind,
            "recurrence": m.recurrence,
            "roles": [
                {
                    "role": r.role,
                    "holder_agency": r.holder_agency.name if r.holder_agency else "",
                    "holder_country": r.holder_country_code,
                    "counterpart_country": r.counterpart_country_code,
                    "crime_area": r.crime_area,
                    "start_date": r.start_date,
                    "end_date": r.end_date,
                    "status": r.status,
                    "note": r.note,
                }
                for r in m.roles
            ],
        }
        for m in mechanisms
    ]


def _partner_programmes(session: Session, agency_ids: list[int]) -> list[Programme]:
    return list(
        session.scalars(
            select(Programme)
            .where(
                Programme.id.in_(
                    select(ProgrammeParty.programme_id).where(ProgrammeParty.agency_id.in_(agency_ids))
                )
            )
            .options(selectinload(Programme.action_items))
            .order_by(Programme.start_year)
        )
    )


def partners(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """Every partner that has agencies: countries (other than our own are listed all) and organisations."""
    ensure(actor, READ)
    rows = session.execute(
        select(Country.code, Country.name_en, Country.name_vi)
        .where(Country.code.in_(select(Agency.country_code).where(Agency.country_code.is_not(None))))
        .order_by(Country.name_en)
    ).all()
    organisations = session.execute(
        select(Agency.acronym, Agency.name)
        .where(Agency.country_code.is_(None), Agency.parent_id.is_(None), Agency.acronym != "")
        .order_by(Agency.name)
    ).all()
    return [(code, en) for code, en, _ in rows] + [(acronym, name) for acronym, name in organisations]


def by_ref(session: Session, model: type[Any], ref: str) -> Any:
    """The record with this external reference, or None (the demo loader's idempotence)."""
    return _by_ref(session, model, ref)
