"""Load the engagements part of the demo data: each engagement the press releases report, with
participants, the source file and passage, its commitments, and citizen-protection cases.

The data lives beside the registry's in `registry/demo/press_releases.yaml` (one gold-standard
file for all five releases). Keyed by `ref`: loading twice adds nothing.

The releases name no owner for some commitments and no due date for any: the demo gives each an
owner (the one the release names, else its first party, else the ministry) and a due date relative
to the day it is loaded (`DUE_IN_DAYS`, in turn: some overdue, some due this week, most later), so
the home page and the reminders have commitments to show. These dates are invented, not in the
gold-standard file.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from liaison.core.records import by_ref, id_by_ref, ids_by_ref, today
from liaison.core.security.policy import SystemActor
from liaison.engagements import schemas, service
from liaison.engagements.models import CitizenProtectionCase, Commitment, Engagement
from liaison.registry.demo import demo_data
from liaison.registry.models import Agency, Agreement, Mechanism, Official, Programme

HOME = "vn-mps"
DUE_IN_DAYS = (-30, -6, 3, 5, 21, 45, 75, 120, 200, 300, 365, 400)


def load(session: Session, actor: str) -> None:
    who = SystemActor(username=actor)
    data = demo_data()
    day = today()
    position = 0
    sources = data["sources"]
    for row in data["engagements"]:
        engagement = by_ref(session, Engagement, row["ref"])
        if engagement is None:
            engagement = service.create_engagement(
                session,
                who,
                schemas.EngagementIn(
                    ref=row["ref"],
                    kind=row["kind"],
                    title=row["title"],
                    held_on=row["held_on"],
                    date_note=row.get("date_note", ""),
                    place=row.get("place", ""),
                    place_country=row.get("place_country"),
                    country=row.get("country"),
                    mechanism_id=id_by_ref(session, Mechanism, row.get("mechanism")),
                    ordinal=row.get("ordinal"),
                    agency_ids=ids_by_ref(session, Agency, row.get("agencies")),
                    participants=[
                        {"official_id": id_by_ref(session, Official, p["official"]), "role": p["role"]}
                        for p in row.get("participants", [])
                    ],
                    crime_areas=row.get("crime_areas", []),
                    summary=row.get("summary", ""),
                    sources=[
                        {
                            "file": sources[s["source"]]["file"],
                            "quote": s["quote"],
                            "published_on": sources[s["source"]].get("published_on"),
                        }
                        for s in row.get("sources", [])
                    ],
                ),
            )
        for item in row.get("commitments", []):
            due = day + timedelta(days=DUE_IN_DAYS[position % len(DUE_IN_DAYS)])
            position += 1
            owner = item.get("owner") or next(iter(item.get("parties") or []), HOME)
            if by_ref(session, Commitment, item["ref"]) is None:
                service.create_commitment(
                    session,
                    who,
                    schemas.CommitmentIn(
                        ref=item["ref"],
                        engagement_id=engagement.id,
                        text=item["text"],
                        kind=item["kind"],
                        party_agency_ids=ids_by_ref(session, Agency, item.get("parties")),
                        owner_agency_id=id_by_ref(session, Agency, owner),
                        due_date=due,
                        crime_areas=item.get("crime_areas", []),
                        agreement_id=id_by_ref(session, Agreement, item.get("agreement")),
                        programme_id=id_by_ref(session, Programme, item.get("programme")),
                    ),
                )
    for row in data["citizen_protection_cases"]:
        if by_ref(session, CitizenProtectionCase, row["ref"]) is None:
            service.create_case(
                session,
                who,
                schemas.CaseIn(
                    ref=row["ref"],
                    country=row["country"],
                    title=row["title"],
                    concerned=row.get("concerned", []),
                    summary=row.get("summary", ""),
                    engagement_id=id_by_ref(session, Engagement, row.get("engagement")),
                ),
            )
