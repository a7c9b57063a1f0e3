"""What the API reads and writes about capacity building. Shape and length here; meaning (kinds,
roles, dates, who may take part) in the service."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from liaison.capacity.vocabulary import vocabulary
from liaison.core.schemas import HandlingCode, Input, Name, Output, ShortText
from liaison.core.vocab import Codes, codes_of

Code = Annotated[str, StringConstraints(max_length=40)]
ActivityKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().kinds))]
Role = Annotated[Code, Codes(codes_of(lambda: vocabulary().roles))]
SubjectArea = Annotated[Code, Codes(codes_of(lambda: vocabulary().subject_areas))]
Direction = Annotated[Code, Codes(codes_of(lambda: vocabulary().directions), empty=True)]


class StaffMemberIn(Input):
    full_name: Name = Field(
        description="The officer's or civil servant's name (a home-ministry staff record)."
    )
    rank: ShortText = ""
    unit: ShortText = ""
    position: ShortText = ""
    handling_code: HandlingCode = Field(
        default="H0", description="Who may read the record beyond its owning unit (the writer's)."
    )


class StaffMemberOut(Output):
    id: int
    full_name: str
    rank: str
    unit: str
    position: str
    owning_unit: str
    handling_code: str


class ParticipantIn(Input):
    staff_member_id: int | None = Field(default=None, description="A staff record of the home ministry.")
    partner_name: ShortText = Field(default="", description="Or the name of the partner's participant.")
    role: Role
    start_date: date | None = None
    end_date: date | None = None


class ParticipantOut(Output):
    id: int
    staff_member_id: int | None
    partner_name: str
    role: str
    start_date: date | None
    end_date: date | None


class ActivityIn(Input):
    kind: ActivityKind
    title: Name
    partner_agency_id: int = Field(ge=1, description="The partner agency or secretariat (registry).")
    direction: Direction = Field(default="", description="Training: received from or given to the partner.")
    post: ShortText = Field(default="", description="Secondments and applications: the post.")
    mission: ShortText = Field(default="", description="Deployments: the mission or joint operation.")
    subject_areas: list[SubjectArea] = Field(default_factory=list, max_length=20)
    start_date: date
    end_date: date | None = None
    outcome: Annotated[str, StringConstraints(max_length=5000)] = ""
    engagement_id: int | None = Field(
        default=None,
        ge=1,
        le=2**63 - 1,
        description="The engagement it belongs to (an experience-sharing session, say).",
    )
    handling_code: HandlingCode = Field(
        default="H0", description="Who may read the activity beyond its owning unit (the writer's)."
    )
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=500)


class StatusIn(Input):
    status: Annotated[
        Code, Codes(lambda: sorted({s for k in vocabulary().kinds.values() for s in k.statuses}))
    ]
    outcome: Annotated[str, StringConstraints(max_length=5000)] = ""


class ActivityOut(Output):
    id: int
    kind: str
    title: str
    partner_agency_id: int
    direction: str
    post: str
    mission: str
    subject_areas: list[str]
    start_date: date
    end_date: date | None
    status: str
    outcome: str
    engagement_id: int | None
    owning_unit: str
    handling_code: str
    participants: list[ParticipantOut]


class CountRow(Output):
    year: int
    kind: str
    kind_label: str
    activities: int
    home_participants: int


class Counts(Output):
    rows: list[CountRow]
    officers_trained: int
