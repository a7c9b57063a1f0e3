"""Agencies: police, security, justice and international bodies, with names in several languages,
a country (or none, for international bodies) and a parent agency."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.errors import Conflict, Invalid
from liaison.core.listing import apply_sort, paginate
from liaison.core.records import get_or_404, referenced, snapshot
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import require
from liaison.names.fold import fold
from liaison.registry import READ, WRITE, schemas
from liaison.registry.countries import country_code
from liaison.registry.models import Agency, AgencyName
from liaison.registry.name_search import index_names, matching_ids, name_key
from liaison.registry.vocabulary import vocabulary

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
        if country:
            raise Conflict(
                "An agency with this name already exists in {country}.", country=country, field="name"
            )
        raise Conflict("An agency with this name already exists among international bodies.", field="name")


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
    _check_agency_name_free(session, name_key(data.name), country, None)
    agency = Agency(
        ref=data.ref,
        name=data.name,
        name_key=name_key(data.name),
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
    audit.record(
        session, actor.username, "create", "agency", agency.id, after=snapshot(agency, AGENCY_FIELDS)
    )
    return agency


def update_agency(session: Session, actor: Actor, agency_id: int, data: schemas.AgencyPatch) -> Agency:
    ensure(actor, WRITE)
    agency: Agency = get_or_404(session, Agency, agency_id, "agency")
    before = snapshot(agency, AGENCY_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("kind") is not None:
        require(vocabulary().agency_kinds, changes["kind"], "kind")
    if "parent_id" in changes:
        _check_parent(session, agency.id, changes["parent_id"])
    if changes.get("name"):
        _check_agency_name_free(session, name_key(changes["name"]), agency.country_code, agency.id)
        agency.name_key = name_key(changes["name"])
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
        after=snapshot(agency, AGENCY_FIELDS),
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


def agency_choices(session: Session) -> list[Agency]:
    """Every agency, by country and name, for the select boxes of forms."""
    return list(session.scalars(select(Agency).order_by(Agency.country_code, Agency.name_key)))
