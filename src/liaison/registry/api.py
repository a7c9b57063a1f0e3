"""JSON routes of the cooperation registry, under /api/v1. Each parses, calls the service, answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from liaison.core.listing import sorted_by
from liaison.core.models import User
from liaison.core.schemas import Documented, Page
from liaison.core.web import DbSession, Permission
from liaison.registry import (
    agencies,
    agreements,
    countries,
    mechanisms,
    name_search,
    officials,
    partners,
    programmes,
    schemas,
)
from liaison.registry.models import Country
from liaison.registry.vocabulary import CrimeArea, RegistryVocabulary, crime_areas, vocabulary

router = APIRouter(tags=["registry"])

Reader = Annotated[User, Depends(Permission("registry.read"))]
Writer = Annotated[User, Depends(Permission("registry.write"))]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Text = Annotated[str | None, Query(max_length=300)]
CodeQuery = Annotated[str | None, Query(max_length=40)]


@router.get("/countries", response_model=list[schemas.CountryOut])
def list_countries(session: DbSession, user: Reader) -> list[Country]:
    """Every ISO 3166-1 country, with English and Vietnamese names."""
    return countries.countries(session, user)


@router.get("/crime-areas", response_model=dict[str, CrimeArea])
def list_crime_areas(user: Reader) -> dict[str, CrimeArea]:
    """The crime-area vocabulary: ASEAN's ten priority transnational crimes (`asean_priority`) and
    the other areas, with English and Vietnamese labels."""
    return crime_areas()


@router.get("/vocabularies/registry", response_model=RegistryVocabulary)
def registry_vocabulary(user: Reader) -> RegistryVocabulary:
    """Agency kinds, mechanism kinds, recurrences and roles, agreement kinds and the agreement
    status machine (each status with the statuses it may move to), programme and action-item statuses."""
    return vocabulary()


# Agencies


@router.get("/agencies", response_model=Page[schemas.AgencyOut])
def list_agencies(
    session: DbSession,
    user: Reader,
    country: CodeQuery = None,
    kind: CodeQuery = None,
    q: Text = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(agencies.AGENCY_SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.AgencyOut]:
    """Agencies, filtered by country (`INT` for international bodies), kind or any form of their name.
    Sort by `name`, `country`, `kind` or `id` (prefix `-` for descending)."""
    rows, total = agencies.list_agencies(
        session, user, country=country, kind=kind, q=q, sort=sort, limit=limit, offset=offset
    )
    return Page(items=[agencies.agency_out(a) for a in rows], total=total, limit=limit, offset=offset)


@router.post("/agencies", response_model=schemas.AgencyOut, status_code=201)
def create_agency(body: schemas.AgencyIn, session: DbSession, user: Writer) -> schemas.AgencyOut:
    """Add an agency; its name must be new in its country (409 otherwise)."""
    return agencies.agency_out(agencies.create_agency(session, user, body))


@router.get("/agencies/{agency_id}", response_model=schemas.AgencyOut)
def read_agency(agency_id: int, session: DbSession, user: Reader) -> schemas.AgencyOut:
    """One agency with all forms of its name."""
    return agencies.agency_out(agencies.get_agency(session, user, agency_id))


@router.patch("/agencies/{agency_id}", response_model=schemas.AgencyOut)
def update_agency(
    agency_id: int, body: schemas.AgencyPatch, session: DbSession, user: Writer
) -> schemas.AgencyOut:
    """Change an agency; only the fields sent change."""
    return agencies.agency_out(agencies.update_agency(session, user, agency_id, body))


# Officials


@router.get("/officials", response_model=Page[schemas.OfficialOut])
def list_officials(
    session: DbSession,
    user: Reader,
    agency_id: int | None = None,
    country: CodeQuery = None,
    q: Text = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(officials.OFFICIAL_SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.OfficialOut]:
    """Officials, filtered by agency, country or any form of their name (any script, marks or not)."""
    rows, total = officials.list_officials(
        session, user, agency_id=agency_id, country=country, q=q, sort=sort, limit=limit, offset=offset
    )
    return Page(
        items=[schemas.OfficialOut.model_validate(o) for o in rows], total=total, limit=limit, offset=offset
    )


@router.post("/officials", response_model=schemas.OfficialOut, status_code=201)
def create_official(body: schemas.OfficialIn, session: DbSession, user: Writer) -> schemas.OfficialOut:
    """Add an official with their name forms and the posts they held."""
    return schemas.OfficialOut.model_validate(officials.create_official(session, user, body))


@router.get("/officials/{official_id}", response_model=schemas.OfficialOut)
def read_official(official_id: int, session: DbSession, user: Reader) -> schemas.OfficialOut:
    """One official."""
    return schemas.OfficialOut.model_validate(officials.get_official(session, user, official_id))


@router.patch("/officials/{official_id}", response_model=schemas.OfficialOut)
def update_official(
    official_id: int, body: schemas.OfficialPatch, session: DbSession, user: Writer
) -> schemas.OfficialOut:
    """Change an official; `names` and `posts`, when sent, replace the lists."""
    return schemas.OfficialOut.model_validate(officials.update_official(session, user, official_id, body))


@router.post("/officials/{official_id}/posts", response_model=schemas.OfficialOut, status_code=201)
def take_post(
    official_id: int, body: schemas.NewPostIn, session: DbSession, user: Writer
) -> schemas.OfficialOut:
    """The official takes a new post from `start_date`: the posts still open end that day and
    stay in the record; the official's agency follows the post's. 422 when the new post starts
    before an open one began."""
    return schemas.OfficialOut.model_validate(officials.take_post(session, user, official_id, body))


# Mechanisms


@router.get("/mechanisms", response_model=Page[schemas.MechanismOut])
def list_mechanisms(
    session: DbSession,
    user: Reader,
    kind: CodeQuery = None,
    agency_id: int | None = None,
    q: Text = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(mechanisms.MECHANISM_SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.MechanismOut]:
    """Mechanisms, filtered by kind (bilateral, multilateral), member or host agency, or name."""
    rows, total = mechanisms.list_mechanisms(
        session, user, kind=kind, agency_id=agency_id, q=q, sort=sort, limit=limit, offset=offset
    )
    return Page(items=[mechanisms.mechanism_out(m) for m in rows], total=total, limit=limit, offset=offset)


@router.post("/mechanisms", response_model=schemas.MechanismOut, status_code=201)
def create_mechanism(body: schemas.MechanismIn, session: DbSession, user: Writer) -> schemas.MechanismOut:
    """Add a mechanism with its member agencies."""
    return mechanisms.mechanism_out(mechanisms.create_mechanism(session, user, body))


@router.get("/mechanisms/{mechanism_id}", response_model=schemas.MechanismOut)
def read_mechanism(mechanism_id: int, session: DbSession, user: Reader) -> schemas.MechanismOut:
    """One mechanism with its members and the roles held in it."""
    return mechanisms.mechanism_out(mechanisms.get_mechanism(session, user, mechanism_id))


@router.patch("/mechanisms/{mechanism_id}", response_model=schemas.MechanismOut)
def update_mechanism(
    mechanism_id: int, body: schemas.MechanismPatch, session: DbSession, user: Writer
) -> schemas.MechanismOut:
    """Change a mechanism; `member_agency_ids`, when sent, replaces the members."""
    return mechanisms.mechanism_out(mechanisms.update_mechanism(session, user, mechanism_id, body))


@router.post("/mechanisms/{mechanism_id}/roles", response_model=schemas.RoleOut, status_code=201)
def add_mechanism_role(
    mechanism_id: int, body: schemas.RoleIn, session: DbSession, user: Writer
) -> schemas.RoleOut:
    """Record a role held in the mechanism for a period (chair, co-chair, crime-area lead, coordinator)."""
    return schemas.RoleOut.model_validate(mechanisms.add_mechanism_role(session, user, mechanism_id, body))


# Agreements


@router.get("/agreements", response_model=Page[schemas.AgreementOut])
def list_agreements(
    session: DbSession,
    user: Reader,
    kind: CodeQuery = None,
    status: CodeQuery = None,
    country: CodeQuery = None,
    crime_area: CodeQuery = None,
    q: Text = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(agreements.AGREEMENT_SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.AgreementOut]:
    """Agreements, filtered by kind, status, party country, crime area or title.
    Sort by `title`, `kind`, `status`, `updated` or `id`."""
    rows, total = agreements.list_agreements(
        session,
        user,
        kind=kind,
        status=status,
        country=country,
        crime_area=crime_area,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return Page(items=[agreements.agreement_out(a) for a in rows], total=total, limit=limit, offset=offset)


@router.post("/agreements", response_model=schemas.AgreementOut, status_code=201)
def create_agreement(body: schemas.AgreementIn, session: DbSession, user: Writer) -> schemas.AgreementOut:
    """Add an agreement with two or more parties and, optionally, its status history so far."""
    return agreements.agreement_out(agreements.create_agreement(session, user, body))


@router.get("/agreements/{agreement_id}", response_model=schemas.AgreementOut)
def read_agreement(agreement_id: int, session: DbSession, user: Reader) -> schemas.AgreementOut:
    """One agreement with parties, status history, documents and the statuses it may move to."""
    return agreements.agreement_out(agreements.get_agreement(session, user, agreement_id))


@router.patch("/agreements/{agreement_id}", response_model=schemas.AgreementOut)
def update_agreement(
    agreement_id: int, body: schemas.AgreementPatch, session: DbSession, user: Writer
) -> schemas.AgreementOut:
    """Change an agreement's description, links and documents (not its status)."""
    return agreements.agreement_out(agreements.update_agreement(session, user, agreement_id, body))


@router.post("/agreements/{agreement_id}/status", response_model=schemas.AgreementOut)
def change_agreement_status(
    agreement_id: int, body: schemas.StatusChangeIn, session: DbSession, user: Writer
) -> schemas.AgreementOut:
    """Move the agreement to its next status; an illegal move answers 409 with `allowed` next statuses."""
    return agreements.agreement_out(agreements.change_agreement_status(session, user, agreement_id, body))


# Programmes


@router.get("/programmes", response_model=Page[schemas.ProgrammeOut])
def list_programmes(
    session: DbSession,
    user: Reader,
    country: CodeQuery = None,
    status: CodeQuery = None,
    q: Text = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(programmes.PROGRAMME_SORTS)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[schemas.ProgrammeOut]:
    """Programmes, filtered by a party's country, status or title. Sort by `start`, `title` or `id`."""
    rows, total = programmes.list_programmes(
        session, user, country=country, status=status, q=q, sort=sort, limit=limit, offset=offset
    )
    return Page(items=[programmes.programme_out(p) for p in rows], total=total, limit=limit, offset=offset)


@router.post("/programmes", response_model=schemas.ProgrammeOut, status_code=201)
def create_programme(body: schemas.ProgrammeIn, session: DbSession, user: Writer) -> schemas.ProgrammeOut:
    """Add a multi-year programme."""
    return programmes.programme_out(programmes.create_programme(session, user, body))


@router.get("/programmes/{programme_id}", response_model=schemas.ProgrammeOut)
def read_programme(programme_id: int, session: DbSession, user: Reader) -> schemas.ProgrammeOut:
    """One programme with its action items and progress."""
    return programmes.programme_out(programmes.get_programme(session, user, programme_id))


@router.patch("/programmes/{programme_id}", response_model=schemas.ProgrammeOut)
def update_programme(
    programme_id: int, body: schemas.ProgrammePatch, session: DbSession, user: Writer
) -> schemas.ProgrammeOut:
    """Change a programme."""
    return programmes.programme_out(programmes.update_programme(session, user, programme_id, body))


@router.post("/programmes/{programme_id}/action-items", response_model=schemas.ActionItemOut, status_code=201)
def add_action_item(
    programme_id: int, body: schemas.ActionItemIn, session: DbSession, user: Writer
) -> schemas.ActionItemOut:
    """Add an action item to a programme."""
    return schemas.ActionItemOut.model_validate(programmes.add_action_item(session, user, programme_id, body))


@router.patch("/action-items/{item_id}", response_model=schemas.ActionItemOut)
def update_action_item(
    item_id: int, body: schemas.ActionItemPatch, session: DbSession, user: Writer
) -> schemas.ActionItemOut:
    """Change an action item's status or due date, with a progress note."""
    return schemas.ActionItemOut.model_validate(programmes.update_action_item(session, user, item_id, body))


# Search and partners


@router.get("/search", response_model=list[schemas.SearchHit])
def search(
    session: DbSession,
    user: Reader,
    q: Annotated[str, Query(min_length=1, max_length=300), Documented(pattern=r"[^\W_]")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[schemas.SearchHit]:
    """Agencies, officials, mechanisms, agreements, programmes and engagements by any form of a name:
    case, Vietnamese marks and spacing do not matter; Cyrillic and Latin forms both match."""
    return name_search.search(session, user, q, limit)


@router.get("/partners", response_model=list[schemas.PartnerBrief])
def list_partners(session: DbSession, user: Reader) -> list[schemas.PartnerBrief]:
    """Every partner with agencies in the registry: countries (ISO code) and international organisations
    (acronym), each the key of `/partners/{partner}`."""
    return [schemas.PartnerBrief(key=key, name=name) for key, name in partners.partners(session, user)]


@router.get("/partners/{partner}", response_model=schemas.PartnerOut)
def partner_view(partner: str, session: DbSession, user: Reader) -> schemas.PartnerOut:
    """Everything kept about one partner: a country (ISO code, e.g. RU) or an international
    organisation (its acronym, e.g. ASEAN)."""
    return partners.partner_view(session, user, partner)
