"""The partner view: everything about one partner country or international organisation, with
what other capabilities contribute (engagements, commitments, cases)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from liaison.capabilities import installed
from liaison.core import bilingual
from liaison.core.capability import PartnerScope
from liaison.core.errors import NotFound
from liaison.core.security.policy import Actor, ensure
from liaison.registry import READ, schemas
from liaison.registry.models import (
    Agency,
    Agreement,
    AgreementParty,
    Country,
    Mechanism,
    MechanismMember,
    MechanismRole,
    Official,
    Programme,
    ProgrammeParty,
)
from liaison.registry.programmes import progress, status_shown
from liaison.registry.vocabulary import vocabulary


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
        raise NotFound("No partner country or international organisation {key!r}.", key=key)
    while root.parent is not None and root.parent.country_code is None:
        root = root.parent
    agencies, frontier = [root], [root.id]
    while frontier:
        children = list(session.scalars(select(Agency).where(Agency.parent_id.in_(frontier))))
        agencies.extend(children)
        frontier = [c.id for c in children]
    return (root.acronym or root.ref or str(root.id)).upper(), False, agencies


def partner_view(
    session: Session, actor: Actor, key: str, agency_id: int | None = None
) -> schemas.PartnerOut:
    """One partner's page: agencies, officials, agreements by status, mechanisms and roles, programmes,
    and what other capabilities add for this actor (engagements on a timeline, open commitments,
    requests, persons sought believed there), each only when the actor's role may read it.

    With `agency_id`, the view narrows to that one agency of the partner (a briefing for the
    Russian MIA rather than for Russia): its officials, programmes, mechanisms and requests."""
    ensure(actor, READ)
    partner_key, is_country, agencies = partner_agencies(session, key)
    if agency_id is not None:
        agencies = [a for a in agencies if a.id == agency_id]
        if not agencies:
            raise NotFound(
                "Agency {agency_id} is not one of partner {key!r}'s.", agency_id=agency_id, key=key
            )
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
                "title": bilingual.shown(p, "title"),  # in the reader's language
                "start_year": p.start_year,
                "end_year": p.end_year,
                "status": p.status,
                "progress": progress(p),
                "status_shown": status_shown(p),
                "done": sum(i.status == "done" for i in p.action_items),
                "counted": sum(i.status != "dropped" for i in p.action_items),
                "action_items": len(p.action_items),
            }
            for p in _partner_programmes(session, agency_ids)
        ],
    )
    scope = PartnerScope(partner_key, is_country, tuple(agency_ids))
    for capability in installed():  # each contribution answers only what this actor may read
        if capability.partner_view is not None:
            for field, value in capability.partner_view(session, actor, scope).items():
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
