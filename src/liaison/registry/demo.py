"""Load the registry part of the demo data (`demo/press_releases.yaml`): agencies, officials,
mechanisms and their roles, agreements and programmes the five press releases mention.

Records are keyed by `ref`; one that exists already is left as it is, so loading twice adds
nothing. Everything goes through the services, so the demo obeys the same rules as users.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from liaison.core.records import by_ref, id_by_ref, ids_by_ref, today
from liaison.core.security.policy import SystemActor
from liaison.core.vocab import LOADER
from liaison.registry import agencies, agreements, mechanisms, officials, programmes, schemas
from liaison.registry.models import Agency, Agreement, Mechanism, Official, Programme

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "press_releases.yaml"
# A programme's action items are due, in turn, this many days from the day the demo is loaded (one
# overdue, one due this week, one later): the releases give no dates, the home page needs some.
ACTION_ITEM_DUE_IN_DAYS = (-40, 4, 90)


@lru_cache
def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(DEMO_FILE.read_text(encoding="utf-8"), Loader=LOADER)
    return data


def load(session: Session, actor: str) -> None:
    who = SystemActor(username=actor)
    data = demo_data()
    for row in data["agencies"]:
        if by_ref(session, Agency, row["ref"]) is None:
            agencies.create_agency(
                session,
                who,
                schemas.AgencyIn(
                    ref=row["ref"],
                    name=row["name"],
                    kind=row["kind"],
                    country=row.get("country"),
                    acronym=row.get("acronym", ""),
                    parent_id=id_by_ref(session, Agency, row.get("parent")),
                    names=row.get("names", []),
                    notes=row.get("notes", ""),
                ),
            )
    for row in data["officials"]:
        if by_ref(session, Official, row["ref"]) is None:
            posts = [
                {
                    **{k: v for k, v in post.items() if k != "agency"},
                    "agency_id": id_by_ref(session, Agency, post.get("agency")),
                }
                for post in row.get("posts", [])
            ]
            officials.create_official(
                session,
                who,
                schemas.OfficialIn(
                    ref=row["ref"],
                    name=row["name"],
                    agency_id=id_by_ref(session, Agency, row.get("agency")),
                    names=row.get("names", []),
                    posts=posts,
                    notes=row.get("notes", ""),
                ),
            )
    for row in data["mechanisms"]:
        if by_ref(session, Mechanism, row["ref"]) is None:
            mechanism = mechanisms.create_mechanism(
                session,
                who,
                schemas.MechanismIn(
                    ref=row["ref"],
                    name=row["name"],
                    kind=row["kind"],
                    acronym=row.get("acronym", ""),
                    recurrence=row.get("recurrence", "regular"),
                    host_agency_id=id_by_ref(session, Agency, row.get("host")),
                    member_agency_ids=ids_by_ref(session, Agency, row.get("members")),
                    description=row.get("description", ""),
                ),
            )
            for role in row.get("roles", []):
                values = {k: v for k, v in role.items() if k != "holder"}
                values["holder_agency_id"] = id_by_ref(session, Agency, role.get("holder"))
                mechanisms.add_mechanism_role(session, who, mechanism.id, schemas.RoleIn(**values))
    for row in data["agreements"]:
        if by_ref(session, Agreement, row["ref"]) is None:
            parties = [
                {"country": p.get("country"), "agency_id": id_by_ref(session, Agency, p.get("agency"))}
                for p in row["parties"]
            ]
            agreements.create_agreement(
                session,
                who,
                schemas.AgreementIn(
                    ref=row["ref"],
                    title=row["title"],
                    kind=row["kind"],
                    parties=parties,
                    crime_areas=row.get("crime_areas", []),
                    history=row.get("history", []),
                    summary=row.get("summary", ""),
                    translations=row.get("translations", {}),
                ),
            )
    for row in data["programmes"]:
        if by_ref(session, Programme, row["ref"]) is None:
            programme = programmes.create_programme(
                session,
                who,
                schemas.ProgrammeIn(
                    ref=row["ref"],
                    title=row["title"],
                    start_year=row["start_year"],
                    end_year=row["end_year"],
                    status=row.get("status", "active"),
                    party_agency_ids=ids_by_ref(session, Agency, row.get("parties")),
                    agreement_id=id_by_ref(session, Agreement, row.get("agreement")),
                    mechanism_id=id_by_ref(session, Mechanism, row.get("mechanism")),
                    summary=row.get("summary", ""),
                    translations=row.get("translations", {}),
                ),
            )
            for position, item in enumerate(row.get("action_items", [])):
                programmes.add_action_item(
                    session,
                    who,
                    programme.id,
                    schemas.ActionItemIn(
                        text=item["text"],
                        owner_agency_id=id_by_ref(session, Agency, item.get("owner")),
                        status=item.get("status", "open"),
                        due_date=today() + timedelta(days=ACTION_ITEM_DUE_IN_DAYS[position % 3]),
                    ),
                )
