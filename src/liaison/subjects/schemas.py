"""What the API (and the import formats) read and write about persons sought.

Inputs only check shape and length here; `service.py` checks meaning (vocabularies, countries,
dates, duplicate documents) so forms, the API and imports obey the same rules.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from liaison.core.schemas import Documented, HandlingCode, Input, LinkedOut, Output, ShortText
from liaison.core.vocab import Codes, codes_of
from liaison.subjects.values import country_codes, crime_areas
from liaison.subjects.vocabulary import vocabulary

Code = Annotated[str, StringConstraints(max_length=40)]
Country = Annotated[str, StringConstraints(max_length=60)]
# A name has a letter or a digit (the pattern is searched, not anchored).
NameText = Annotated[str, StringConstraints(min_length=1, max_length=300), Documented(pattern=r"[^\W_]")]
# "1970-05-12", "1970-05" or "1970" (also a range "1968..1971"): the document's pattern is the part
# valid whatever the month and year (1850 to 2019, days to the 28th); `values.parse_birth_date`
# takes every real date and range.
_PARTIAL = r"(18[5-9]\d|19\d\d|20[01]\d)(-(0[1-9]|1[0-2])(-(0[1-9]|1\d|2[0-8]))?)?"
BirthDateText = Annotated[str, StringConstraints(max_length=24), Documented(pattern=rf"^{_PARTIAL}$")]
Text = Annotated[str, StringConstraints(max_length=5000)]


def _countries() -> list[str]:
    return sorted(country_codes())


def _crime_areas() -> list[str]:
    return sorted(crime_areas() or ())


# Vocabulary codes: the document lists each vocabulary's codes (`core.vocab.Codes`).
NameKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().name_kinds))]
NameOrder = Annotated[Code, Codes(codes_of(lambda: vocabulary().name_orders))]
DocumentKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().document_kinds))]
NoticeKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().notice_kinds))]
Gender = Annotated[Code, Codes(codes_of(lambda: vocabulary().genders))]
SubjectStatus = Annotated[Code, Codes(codes_of(lambda: vocabulary().statuses))]
CrimeArea = Annotated[Code, Codes(_crime_areas, empty=True)]
KnownCountry = Annotated[Country, Codes(_countries)]
OptionalCountry = Annotated[Country, Codes(_countries, empty=True)]


class NameIn(Input):
    full_name: NameText = Field(description="The name exactly as written, in its own script.")
    kind: NameKind = Field(default="primary", description="primary, alias, native or transliteration.")
    language: Annotated[str, StringConstraints(max_length=12)] = ""
    given_name: ShortText = ""
    family_name: ShortText = ""
    name_order: NameOrder = Field(default="unknown", description="given_first, family_first or unknown.")


class DocumentIn(Input):
    kind: DocumentKind = "passport"
    number: Annotated[str, StringConstraints(min_length=1, max_length=80), Documented(pattern=r"[^\W_]")]
    country: OptionalCountry = Field(default="", description="Issuing country, ISO 3166-1 alpha-2.")
    issued_on: date | None = None
    expires_on: date | None = None


class ChargeIn(Input):
    crime_area: CrimeArea = ""
    description: Text = ""
    legal_provision: Annotated[str, StringConstraints(max_length=300)] = ""
    issuing_authority: ShortText = ""
    issuing_country: OptionalCountry = ""
    warrant_reference: Annotated[str, StringConstraints(max_length=120)] = ""
    warrant_date: date | None = None


class NoticeIn(Input):
    kind: NoticeKind = Field(
        description="arrest, locate, missing, warning, threat, modus_operandi, assets, sanction."
    )
    issuer: ShortText = ""
    reference: Annotated[str, StringConstraints(max_length=120)] = ""
    issued_on: date | None = None
    expires_on: date | None = None
    reason: Text = ""


class SubjectIn(Input):
    names: list[NameIn] = Field(min_length=1, max_length=50)
    birth_dates: list[BirthDateText] = Field(
        default_factory=list,
        max_length=10,
        description='Each "1970-05-12", "1970-05", "1970" or a range "1968..1971".',
    )
    birth_place: ShortText = ""
    gender: Gender = "unknown"
    nationalities: list[KnownCountry] = Field(default_factory=list, max_length=10)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=50)
    charges: list[ChargeIn] = Field(default_factory=list, max_length=50)
    notices: list[NoticeIn] = Field(default_factory=list, max_length=20)
    description: Text = Field(default="", description="Physical description, distinguishing marks.")
    believed_country: OptionalCountry = Field(default="", description="Where the subject is believed to be.")
    handling_code: HandlingCode = "H0"
    owning_unit: Annotated[str | None, StringConstraints(max_length=80)] = Field(
        default=None, description="Defaults to the unit of whoever creates the subject."
    )


class SubjectPatch(Input):
    birth_place: ShortText | None = None
    gender: Gender | None = None
    description: Text | None = None
    believed_country: OptionalCountry | None = None
    handling_code: HandlingCode | None = None


class BirthDateIn(Input):
    value: Annotated[str, StringConstraints(min_length=4, max_length=24)] = Field(
        description='"1970-05-12", "1970-05", "1970" or a range "1968..1971".'
    )


class NationalityIn(Input):
    country: Annotated[str, StringConstraints(min_length=2, max_length=2), Codes(_countries)] = Field(
        description="ISO 3166-1 alpha-2."
    )


class StatusChangeIn(Input):
    status: SubjectStatus
    note: Text = ""


class NoticeWithdrawIn(Input):
    reason: Text = ""


class RemovalIn(Input):
    reason: Annotated[str, StringConstraints(max_length=500)] = Field(description="why it is removed")


class RequestLinkIn(Input):
    request_id: int = Field(ge=1)
    note: Annotated[str, StringConstraints(max_length=300)] = ""


class NameOut(Output):
    id: int
    full_name: str
    script: str
    language: str
    kind: str
    given_name: str
    family_name: str
    name_order: str


class BirthDateOut(Output):
    value: str
    precision: str


class DocumentOut(Output):
    id: int
    kind: str
    number: str
    country: str
    issued_on: date | None
    expires_on: date | None


class ChargeOut(Output):
    id: int
    crime_area: str
    description: str
    legal_provision: str
    issuing_authority: str
    issuing_country: str
    warrant_reference: str
    warrant_date: date | None


class NoticeOut(Output):
    id: int
    subject_id: int
    kind: str
    colour: str | None
    reference: str
    issuer: str
    issued_on: date | None
    expires_on: date | None
    status: str = Field(description="active, withdrawn or expired (past its expiry date).")
    reason: str


class StatusChangeOut(Output):
    from_status: str
    to_status: str
    at: datetime
    actor: str
    note: str


class ProposalOut(Output):
    """A change of status a confirmed hit or an executed request suggests, for an officer to decide."""

    id: int
    status: str
    reason: str
    hit_id: int | None
    request_id: int | None
    alert_id: int | None  # a partner's hit alert (exchange): decided there, with its country
    proposed_by: str
    proposed_at: datetime


class ProposalDecisionIn(Input):
    decision: Literal["confirm", "dismiss"]


class RequestLinkOut(Output):
    request_id: int
    note: str
    created_at: datetime


class SubjectSummary(Output):
    id: int
    primary_name: str
    status: str
    gender: str
    believed_country: str
    nationalities: list[str]
    birth_dates: list[str]
    handling_code: str
    source: str
    source_id: str | None


class SubjectOut(SubjectSummary):
    birth_place: str
    description: str
    owning_unit: str
    names: list[NameOut]
    documents: list[DocumentOut]
    charges: list[ChargeOut]
    notices: list[NoticeOut]
    status_history: list[StatusChangeOut]
    requests: list[RequestLinkOut]
    next_statuses: list[str]
    proposals: list[ProposalOut] = Field(default_factory=list, description="proposed changes of status, open")
    linked: list[LinkedOut] = Field(
        default_factory=list, description="records of other capabilities linked to it (requests, hits)"
    )
    created_at: datetime
    updated_at: datetime


class RejectedRow(Output):
    line: int
    source_id: str
    reason: str


class ImportReport(Output):
    created: int
    updated: int
    rejected: list[RejectedRow]
