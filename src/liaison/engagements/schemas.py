"""What the engagements API reads and writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from liaison.core.bilingual import TextLanguage, Translations
from liaison.core.schemas import (
    Code,
    HandlingCode,
    Input,
    LinkedOut,
    LongText,
    Name,
    Output,
    Ref,
    ShortText,
)
from liaison.core.vocab import Codes, codes_of
from liaison.engagements.vocabulary import vocabulary
from liaison.registry.schemas import Country, CrimeArea

# Vocabulary codes: the document lists each vocabulary's codes (`core.vocab.Codes`).
EngagementKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().engagement_kinds))]
ParticipantRole = Annotated[Code, Codes(codes_of(lambda: vocabulary().participant_roles))]
EngagementStage = Annotated[Code, Codes(codes_of(lambda: vocabulary().engagement_stages))]
DelegationSide = Annotated[Code, Codes(codes_of(lambda: vocabulary().delegation_sides))]
FeedScope = Annotated[Code, Codes(lambda: ("mine", "country", "agency"))]
Username = Annotated[str, Field(min_length=1, max_length=80)]
CommitmentKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().commitment_kinds))]
CommitmentStatus = Annotated[Code, Codes(codes_of(lambda: vocabulary().commitment_statuses))]
CitizenGroup = Annotated[Code, Codes(codes_of(lambda: vocabulary().citizen_groups))]
CaseStatus = Annotated[Code, Codes(codes_of(lambda: vocabulary().case_statuses))]


class ParticipantIn(Input):
    official_id: int
    role: ParticipantRole = "participant"


class ParticipantOut(Output):
    official_id: int
    role: str


class SourceIn(Input):
    url: str = Field(default="", max_length=1000)
    file: str = Field(default="", max_length=300)
    published_on: date | None = None
    quote: LongText = ""


class SourceOut(Output):
    url: str
    file: str
    published_on: date | None
    quote: str


class DelegateIn(Input):
    """A member of a delegation list: an official of the registry, a user of this node (our side),
    or a name as written when neither is known."""

    side: DelegationSide
    official_id: int | None = None
    username: Username | None = None
    name: ShortText = ""
    role: ShortText = Field(default="", description="what they are there as, in words")


class DelegateOut(Output):
    side: str
    official_id: int | None
    username: str | None
    name: str
    role: str


class TaskIn(Input):
    text: LongText = Field(min_length=1)
    owner: Username = Field(description="the user who prepares it")
    due_on: date | None = None
    is_done: bool = False


class TaskPatch(Input):
    text: LongText | None = Field(default=None, min_length=1)
    owner: Username | None = None
    due_on: date | None = None
    is_done: bool | None = None


class TaskOut(Output):
    id: int
    engagement_id: int
    text: str
    owner: str
    due_on: date | None
    is_done: bool


class StageIn(Input):
    stage: EngagementStage
    held_on: date | None = Field(
        default=None, description="when it was held (marking it held), or the new date (planning it again)"
    )


class EngagementIn(Input):
    kind: EngagementKind
    title: Name
    held_on: date
    end_on: date | None = None
    date_note: str = Field(default="", max_length=500)
    place: ShortText = ""
    place_country: Country | None = None
    country: Country | None = Field(default=None, description="the partner country, when bilateral")
    mechanism_id: int | None = None
    ordinal: int | None = Field(default=None, ge=1, le=1000, description="12 for the 12th annual meeting")
    agency_ids: list[int] = Field(default=[], max_length=100)
    participants: list[ParticipantIn] = Field(default=[], max_length=200)
    crime_areas: list[CrimeArea] = Field(default=[], max_length=50)
    summary: LongText = ""
    sources: list[SourceIn] = Field(default=[], max_length=50)
    ref: Ref | None = None
    stage: EngagementStage = Field(
        default="held", description="planned (a date to come), held (not in the future) or cancelled"
    )
    agenda: list[ShortText] = Field(default=[], max_length=50, description="the agenda's items, in order")
    delegates: list[DelegateIn] = Field(default=[], max_length=200)
    tasks: list[TaskIn] = Field(default=[], max_length=100)
    handling_code: HandlingCode = "H0"
    language: TextLanguage = Field(default="en", description="the language the title and summary are in")
    translations: Translations = Field(default_factory=dict)


class EngagementPatch(Input):
    kind: EngagementKind | None = None
    title: Name | None = None
    held_on: date | None = None
    end_on: date | None = None
    place: ShortText | None = None
    country: Country | None = Field(default=None, description="the partner country, when bilateral")
    mechanism_id: int | None = Field(default=None, description="null (sent) clears it")
    ordinal: int | None = Field(
        default=None, ge=1, le=1000, description="12 for the 12th annual meeting; null (sent) clears it"
    )
    summary: LongText | None = None
    crime_areas: list[CrimeArea] | None = Field(default=None, max_length=50)
    agency_ids: list[int] | None = Field(default=None, max_length=100)
    participants: list[ParticipantIn] | None = Field(default=None, max_length=200)
    sources: list[SourceIn] | None = Field(default=None, max_length=50)
    agenda: list[ShortText] | None = Field(default=None, max_length=50)
    delegates: list[DelegateIn] | None = Field(default=None, max_length=200)
    handling_code: HandlingCode | None = None
    language: TextLanguage | None = None
    translations: Translations | None = None


class EngagementBrief(Output):
    id: int
    kind: str
    title: str
    held_on: date
    place: str
    country_code: str | None
    ordinal: int | None
    stage: str


class EngagementOut(EngagementBrief):
    end_on: date | None
    date_note: str
    place_country_code: str | None
    mechanism_id: int | None
    crime_areas: list[str]
    summary: str
    ref: str | None
    agency_ids: list[int]
    participants: list[ParticipantOut]
    sources: list[SourceOut]
    commitment_ids: list[int]
    language: str
    translations: dict[str, dict[str, str]]
    agenda: list[str]
    delegates: list[DelegateOut]
    tasks: list[TaskOut]
    allowed_stages: list[str]
    briefing: str | None = Field(description="the partner briefing's page, when there is a partner country")
    owning_unit: str
    handling_code: str
    linked: list[LinkedOut] = Field(
        default_factory=list, description="records of other capabilities linked to it (requests, activities)"
    )


class CalendarEvent(EngagementBrief):
    end_on: date | None


class CalendarDay(Output):
    day: date
    engagements: list[CalendarEvent]
    tasks: list[TaskOut]


class CalendarOut(Output):
    view: str
    start: date
    end: date
    today: date
    time_zone: str
    days: list[CalendarDay]


class FeedIn(Input):
    scope: FeedScope = Field(description="mine, or one partner: a country or an agency")
    country: Country | None = None
    agency_id: int | None = None


class FeedOut(Output):
    id: int
    scope: str
    country_code: str | None
    agency_id: int | None
    created_at: datetime
    revoked_at: datetime | None


class FeedCreated(FeedOut):
    url: str = Field(description="the feed's secret address, shown once: give it to the calendar client")


class CommitmentIn(Input):
    engagement_id: int
    text: LongText = Field(min_length=1)
    kind: CommitmentKind
    party_agency_ids: list[int] = Field(default=[], max_length=50)
    owner_agency_id: int | None = None
    due_date: date | None = None
    crime_areas: list[CrimeArea] = Field(default=[], max_length=50)
    agreement_id: int | None = None
    programme_id: int | None = None
    action_item_id: int | None = None
    ref: Ref | None = None
    language: TextLanguage = Field(default="en", description="the language the text is in")
    translations: Translations = Field(default_factory=dict)


class CommitmentPatch(Input):
    text: LongText | None = Field(default=None, min_length=1)
    kind: CommitmentKind | None = None
    owner_agency_id: int | None = None
    due_date: date | None = None
    agreement_id: int | None = None
    programme_id: int | None = None
    action_item_id: int | None = None
    language: TextLanguage | None = None
    translations: Translations | None = None


class FollowUpIn(Input):
    note: LongText = ""
    status: CommitmentStatus | None = Field(default=None, description="the status it moves to, if it moves")
    noted_on: date | None = None


class BulkFollowUpIn(FollowUpIn):
    """The same follow-up on several commitments at once: all are followed up, or none."""

    commitment_ids: list[int] = Field(min_length=1, max_length=200, description="the commitments, 1 to 200")


class FollowUpOut(Output):
    noted_on: date
    note: str
    status: str | None
    proposed_status: str | None = Field(
        default=None, description="on a partner's copy: the status proposed to its owner node"
    )
    actor: str


class ProposalOut(Output):
    """A partner node's proposed change of status of one of our commitments, with its provenance."""

    id: int
    commitment_id: int
    status: str
    note: str
    from_node: str
    message_id: str
    proposed_by: str
    created_at: datetime
    decision: str = Field(description='"" while open, else accepted or refused')
    decided_by: str
    decided_at: datetime | None
    reason: str


class ProposalDecisionIn(Input):
    decision: Annotated[Code, Codes(lambda: ("accept", "refuse"))]
    reason: LongText = ""


class CommitmentOut(Output):
    id: int
    engagement_id: int
    text: str
    kind: str
    status: str
    owner_agency_id: int | None
    due_date: date | None
    crime_areas: list[str]
    agreement_id: int | None
    programme_id: int | None
    action_item_id: int | None
    ref: str | None
    party_agency_ids: list[int]
    follow_ups: list[FollowUpOut]
    allowed_next: list[str]
    language: str
    translations: dict[str, dict[str, str]]


class CaseIn(Input):
    country: Country
    title: Name
    concerned: list[CitizenGroup] = Field(default=[], max_length=10)
    summary: LongText = ""
    status: CaseStatus = "open"
    engagement_id: int | None = None
    ref: Ref | None = None
    handling_code: HandlingCode = "H0"


class CasePatch(Input):
    title: Name | None = None
    concerned: list[CitizenGroup] | None = Field(default=None, max_length=10)
    summary: LongText | None = None
    status: CaseStatus | None = None
    handling_code: HandlingCode | None = None


class CaseOut(Output):
    id: int
    country_code: str
    title: str
    concerned: list[str]
    summary: str
    status: str
    engagement_id: int | None
    ref: str | None
    owning_unit: str
    handling_code: str
