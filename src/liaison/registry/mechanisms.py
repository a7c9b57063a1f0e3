"""Mechanisms of cooperation, bilateral or multilateral, their member agencies and the roles held in them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.errors import Invalid
from liaison.core.listing import apply_sort, paginate
from liaison.core.records import check_period, get_or_404, referenced, snapshot
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import require
from liaison.names.fold import fold
from liaison.registry import READ, WRITE, schemas
from liaison.registry.countries import country_code
from liaison.registry.models import Agency, Mechanism, MechanismMember, MechanismRole
from liaison.registry.name_search import index_names, matching_ids, name_key
from liaison.registry.vocabulary import crime_areas, vocabulary

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
        name_key=name_key(data.name),
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
        after=snapshot(mechanism, MECHANISM_FIELDS),
    )
    return mechanism


def update_mechanism(
    session: Session, actor: Actor, mechanism_id: int, data: schemas.MechanismPatch
) -> Mechanism:
    ensure(actor, WRITE)
    mechanism: Mechanism = get_or_404(session, Mechanism, mechanism_id, "mechanism")
    before = snapshot(mechanism, MECHANISM_FIELDS)
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
    mechanism.name_key = name_key(mechanism.name)
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
        after=snapshot(mechanism, MECHANISM_FIELDS),
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
        raise Invalid("Say who holds the role.", fields={"holder_agency_id": "an agency or a country"})
    check_period(data.start_date, data.end_date)
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


def mechanism_choices(session: Session) -> list[Mechanism]:
    """Every mechanism, by name, for the select boxes of forms."""
    return list(session.scalars(select(Mechanism).order_by(Mechanism.name_key)))
