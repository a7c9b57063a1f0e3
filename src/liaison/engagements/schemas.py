"""What the engagements API reads and writes."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from liaison.core.schemas import (
    Code,
    CountryCode,
    HandlingCode,
    Input,
    LongText,
    Name,
    Output,
    Ref,
    ShortText,
)


class ParticipantIn(Input):
    official_id: int
    role: Code = "participant"


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


class EngagementIn(Input):
    kind: Code
    title: Name
    held_on: date
    end_on: date | None = None
    date_note: str = Field(default="", max_length=500)
    place: ShortText = ""
    place_country: CountryCode | None = None
    country: CountryCode | None = Field(default=None, description="the partner country, when bilateral")
    mechanism_id: int | None = None
    ordinal: int | None = Field(default=None, ge=1, le=1000, description="12 for the 12th annual meeting")
    agency_ids: list[int] = Field(default=[], max_length=100)
    participants: list[ParticipantIn] = Field(default=[], max_length=200)
    crime_areas: list[Code] = Field(default=[], max_length=50)
    summary: LongText = ""
    sources: list[SourceIn] = Field(default=[], max_length=50)
    ref: Ref | None = None


class EngagementPatch(Input):
    kind: Code | None = None
    title: Name | None = None
    held_on: date | None = None
    end_on: date | None = None
    place: ShortText | None = None
    country: CountryCode | None = Field(default=None, description="the partner country, when bilateral")
    summary: LongText | None = None
    crime_areas: list[Code] | None = Field(default=None, max_length=50)
    agency_ids: list[int] | None = Field(default=None, max_length=100)
    participants: list[ParticipantIn] | None = Field(default=None, max_length=200)
    sources: list[SourceIn] | None = Field(default=None, max_length=50)


class EngagementBrief(Output):
    id: int
    kind: str
    title: str
    held_on: date
    place: str
    country_code: str | None
    ordinal: int | None


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


class CommitmentIn(Input):
    engagement_id: int
    text: LongText = Field(min_length=1)
    kind: Code
    party_agency_ids: list[int] = Field(default=[], max_length=50)
    owner_agency_id: int | None = None
    due_date: date | None = None
    crime_areas: list[Code] = Field(default=[], max_length=50)
    agreement_id: int | None = None
    programme_id: int | None = None
    action_item_id: int | None = None
    ref: Ref | None = None


class CommitmentPatch(Input):
    text: LongText | None = Field(default=None, min_length=1)
    kind: Code | None = None
    owner_agency_id: int | None = None
    due_date: date | None = None
    agreement_id: int | None = None
    programme_id: int | None = None
    action_item_id: int | None = None


class FollowUpIn(Input):
    note: LongText = ""
    status: Code | None = Field(default=None, description="the status it moves to, if it moves")
    noted_on: date | None = None


class FollowUpOut(Output):
    noted_on: date
    note: str
    status: str | None
    actor: str


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


class CaseIn(Input):
    country: CountryCode
    title: Name
    concerned: list[Code] = Field(default=[], max_length=10)
    summary: LongText = ""
    status: Code = "open"
    engagement_id: int | None = None
    ref: Ref | None = None
    handling_code: HandlingCode = "H0"


class CasePatch(Input):
    title: Name | None = None
    concerned: list[Code] | None = Field(default=None, max_length=10)
    summary: LongText | None = None
    status: Code | None = None
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
