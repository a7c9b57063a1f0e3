"""What the registry's API reads and writes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from liaison.core.bilingual import TextLanguage, Translations
from liaison.core.schemas import Code, CountryCode, Documented, Input, LongText, Name, Output, Ref
from liaison.core.vocab import Codes, codes_of
from liaison.registry.vocabulary import countries, crime_areas, vocabulary

Year = Annotated[int, Field(ge=1900, le=2200)]
Rank = Annotated[str, StringConstraints(max_length=120)]  # the column's length: longer is a 422, not a 500


# Vocabulary codes: the document lists each vocabulary's codes (`core.vocab.Codes`).
AgencyKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().agency_kinds))]
MechanismKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().mechanism_kinds))]
Recurrence = Annotated[Code, Codes(codes_of(lambda: vocabulary().recurrences))]
RoleKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().role_kinds))]
AgreementKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().agreement_kinds))]
AgreementStatus = Annotated[Code, Codes(codes_of(lambda: vocabulary().agreement_statuses))]
ActionItemStatus = Annotated[Code, Codes(codes_of(lambda: vocabulary().action_item_statuses))]
ProgrammeStatus = Annotated[Code, Codes(codes_of(lambda: vocabulary().programme_statuses))]
CrimeArea = Annotated[Code, Codes(codes_of(crime_areas))]
Country = Annotated[CountryCode, Codes(codes_of(countries))]


class NameForm(Input):
    text: Name
    lang: Annotated[str, StringConstraints(max_length=10)] = ""


class NameFormOut(Output):
    text: str
    lang: str


class CountryOut(Output):
    code: str
    alpha3: str
    name_en: str
    name_vi: str


# Agencies


class AgencyIn(Input):
    name: Name
    kind: AgencyKind
    country: Country | None = Field(
        default=None, description="ISO 3166-1 alpha-2; none for an international body"
    )
    acronym: Annotated[str, StringConstraints(max_length=40)] = ""
    parent_id: int | None = None
    names: list[NameForm] = Field(default=[], max_length=20, description="other forms: languages, scripts")
    notes: LongText = ""
    ref: Ref | None = None


class AgencyPatch(Input):
    name: Name | None = None
    kind: AgencyKind | None = None
    acronym: Annotated[str | None, StringConstraints(max_length=40)] = None
    parent_id: int | None = None
    names: list[NameForm] | None = Field(default=None, max_length=20)
    notes: LongText | None = None


class AgencyBrief(Output):
    id: int
    name: str
    acronym: str
    kind: str
    country_code: str | None


class AgencyOut(AgencyBrief):
    parent_id: int | None
    notes: str
    ref: str | None
    names: list[NameFormOut]


# Officials


class PostIn(Input):
    title: Name
    rank: Rank = ""
    agency_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None


class NewPostIn(Input):
    """A post an official takes from a day on; the posts still open end that day."""

    title: Name
    rank: Rank = ""
    agency_id: int | None = None
    start_date: date


class PostOut(Output):
    title: str
    rank: str
    agency_id: int | None
    start_date: date | None
    end_date: date | None


class OfficialIn(Input):
    name: Name
    agency_id: int | None = None
    names: list[NameForm] = Field(default=[], max_length=20)
    posts: list[PostIn] = Field(default=[], max_length=50)
    notes: LongText = ""
    ref: Ref | None = None


class OfficialPatch(Input):
    name: Name | None = None
    agency_id: int | None = None
    names: list[NameForm] | None = Field(default=None, max_length=20)
    posts: list[PostIn] | None = Field(default=None, max_length=50)
    notes: LongText | None = None


class OfficialOut(Output):
    id: int
    name: str
    agency_id: int | None
    notes: str
    ref: str | None
    names: list[NameFormOut]
    posts: list[PostOut]


# Mechanisms


class MechanismIn(Input):
    name: Name
    kind: MechanismKind
    acronym: Annotated[str, StringConstraints(max_length=40)] = ""
    recurrence: Recurrence = "regular"
    host_agency_id: int | None = None
    member_agency_ids: list[int] = Field(default=[], max_length=200)
    description: LongText = ""
    ref: Ref | None = None


class MechanismPatch(Input):
    name: Name | None = None
    kind: MechanismKind | None = None
    acronym: Annotated[str | None, StringConstraints(max_length=40)] = None
    recurrence: Recurrence | None = None
    host_agency_id: int | None = None
    member_agency_ids: list[int] | None = Field(default=None, max_length=200)
    description: LongText | None = None


class RoleIn(Input):
    role: RoleKind
    holder_agency_id: int | None = None
    holder_country: Country | None = None
    counterpart_country: Country | None = None
    crime_area: CrimeArea | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: Annotated[str, StringConstraints(max_length=20)] = "held"
    note: LongText = ""


class RoleOut(Output):
    id: int
    role: str
    holder_agency_id: int | None
    holder_country_code: str | None
    counterpart_country_code: str | None
    crime_area: str | None
    start_date: date | None
    end_date: date | None
    status: str
    note: str


class MechanismOut(Output):
    id: int
    name: str
    acronym: str
    kind: str
    recurrence: str
    host_agency_id: int | None
    description: str
    ref: str | None
    member_agency_ids: list[int]
    roles: list[RoleOut]


# Agreements


class PartyIn(Input):
    country: Country | None = None
    agency_id: int | None = None


class PartyOut(Output):
    country_code: str | None
    agency_id: int | None


class StatusChangeIn(Input):
    status: AgreementStatus
    effective_on: date
    note: LongText = ""


class StatusChangeOut(Output):
    status: str
    effective_on: date | None
    note: str
    actor: str


class DocumentIn(Input):
    title: Name
    url: Annotated[str, StringConstraints(max_length=1000)] = ""
    language: Annotated[str, StringConstraints(max_length=10)] = ""


class DocumentOut(Output):
    title: str
    url: str
    language: str


class AgreementIn(Input):
    title: Name
    kind: AgreementKind
    parties: Annotated[list[PartyIn], Documented("array", minItems=2)] = Field(
        max_length=300, description="two or more agencies or countries"
    )
    crime_areas: list[CrimeArea] = Field(default=[], max_length=50)
    history: list[StatusChangeIn] = Field(
        default=[], max_length=50, description="status steps so far; empty means proposed today"
    )
    amends_id: int | None = None
    supersedes_id: int | None = None
    mechanism_id: int | None = None
    summary: LongText = ""
    documents: list[DocumentIn] = Field(default=[], max_length=50)
    ref: Ref | None = None
    language: TextLanguage = Field(default="en", description="the language the title and summary are in")
    translations: Translations = Field(default_factory=dict)


class AgreementPatch(Input):
    title: Name | None = None
    kind: AgreementKind | None = None
    crime_areas: list[CrimeArea] | None = Field(default=None, max_length=50)
    amends_id: int | None = None
    supersedes_id: int | None = None
    summary: LongText | None = None
    documents: list[DocumentIn] | None = Field(default=None, max_length=50)
    language: TextLanguage | None = None
    translations: Translations | None = None


class AgreementBrief(Output):
    id: int
    title: str
    kind: str
    status: str
    is_multilateral: bool
    language: str  # of its title and summary, with their other-language versions
    translations: dict[str, dict[str, str]]


class AgreementOut(AgreementBrief):
    crime_areas: list[str]
    amends_id: int | None
    supersedes_id: int | None
    mechanism_id: int | None
    summary: str
    ref: str | None
    parties: list[PartyOut]
    history: list[StatusChangeOut]
    documents: list[DocumentOut]
    allowed_next: list[str] = Field(default_factory=list)


# Programmes


class ActionItemIn(Input):
    text: LongText = Field(min_length=1)
    owner_agency_id: int | None = None
    due_date: date | None = None
    status: ActionItemStatus = "open"
    language: TextLanguage = Field(default="en", description="the language the text is in")
    translations: Translations = Field(default_factory=dict)


class ActionItemPatch(Input):
    text: LongText | None = Field(default=None, min_length=1)
    owner_agency_id: int | None = Field(
        default=None, description="the owning agency; null, when sent, clears it"
    )
    status: ActionItemStatus | None = None
    due_date: date | None = None
    note: LongText = Field(default="", description="a progress note, dated today")
    language: TextLanguage | None = None
    translations: Translations | None = None


class ActionItemOut(Output):
    id: int
    programme_id: int
    text: str
    owner_agency_id: int | None
    due_date: date | None
    status: str
    progress_notes: list[dict[str, Any]]
    language: str
    translations: dict[str, dict[str, str]]


class ProgrammeIn(Input):
    title: Name
    start_year: Year
    end_year: Year
    status: ProgrammeStatus = "active"
    signed_on: date | None = None
    agreement_id: int | None = None
    mechanism_id: int | None = None
    party_agency_ids: list[int] = Field(default=[], max_length=50)
    summary: LongText = ""
    ref: Ref | None = None
    language: TextLanguage = Field(default="en", description="the language the title and summary are in")
    translations: Translations = Field(default_factory=dict)


class ProgrammePatch(Input):
    title: Name | None = None
    start_year: Year | None = None
    end_year: Year | None = None
    status: ProgrammeStatus | None = None
    signed_on: date | None = None
    summary: LongText | None = None
    language: TextLanguage | None = None
    translations: Translations | None = None


class ProgrammeOut(Output):
    id: int
    title: str
    start_year: int
    end_year: int
    status: str
    signed_on: date | None
    agreement_id: int | None
    mechanism_id: int | None
    summary: str
    ref: str | None
    party_agency_ids: list[int]
    action_items: list[ActionItemOut]
    language: str
    translations: dict[str, dict[str, str]]
    progress: float = Field(description="share of action items done, 0 to 1")


# Search and the partner view


class SearchHit(Output):
    entity: str
    id: int
    label: str
    matched: str
    path: str


class PartnerBrief(Output):
    key: str
    name: str


class PartnerOut(Output):
    """Everything the registry (and other capabilities) keep about one partner."""

    key: str
    name: str
    is_country: bool
    agencies: list[AgencyBrief]
    officials: list[dict[str, Any]]
    agreements_by_status: dict[str, list[AgreementBrief]]
    mechanisms: list[dict[str, Any]]
    programmes: list[dict[str, Any]]
    # Sections other capabilities contribute; None (absent) when the reader may not read them.
    engagements: list[dict[str, Any]] | None = None
    open_commitments: list[dict[str, Any]] | None = None
    citizen_protection_cases: list[dict[str, Any]] | None = None
    persons_sought: list[dict[str, Any]] | None = None
    requests: dict[str, Any] | None = None
    briefing_url: str | None = None
    asset_figures: dict[str, Any] | None = None
    capacity_building: dict[str, Any] | None = None
