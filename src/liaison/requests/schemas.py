"""What the requests API reads and writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue

from liaison.core.bilingual import TextLanguage, Translations
from liaison.core.schemas import HandlingCode, Input, LinkedOut, LongText, Output, ShortText
from liaison.core.vocab import Codes, codes_of
from liaison.registry.vocabulary import crime_areas
from liaison.requests.kinds import FieldSpec, request_kinds

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
# Vocabulary codes: the document lists each vocabulary's codes (`core.vocab.Codes`).
RequestKind = Annotated[Code, Codes(lambda: list(request_kinds().kinds))]
CrimeArea = Annotated[Code, Codes(codes_of(crime_areas))]


def _detail_schema(spec: FieldSpec) -> dict[str, Any]:
    if spec.type == "number":
        return {"type": "number"}
    if spec.type == "date":
        return {"type": "string", "format": "date"}
    if spec.type == "choice":
        return {"type": "string", "enum": list(spec.choices)}
    return {"type": "string", "maxLength": 5000}


class DetailFields:
    """The document's `details`: every field some request kind declares, typed as the vocabulary
    says (which of them a kind takes is the service's check: `not a field of` that kind)."""

    def __get_pydantic_json_schema__(
        self, core_schema: Any, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        fields: dict[str, dict[str, Any]] = {}
        for kind in request_kinds().kinds.values():
            for spec in kind.fields:
                schema = _detail_schema(spec)
                fields[spec.name] = schema if fields.get(spec.name, schema) == schema else {"type": "string"}
        return {"type": "object", "properties": fields, "additionalProperties": False}


Reference = Annotated[str, StringConstraints(max_length=80)]
Reason = Annotated[str, StringConstraints(max_length=5000)]
FieldValue = Annotated[str, StringConstraints(max_length=5000)] | int | float | None


class PersonIn(Input):
    """A person the request concerns; `subject_id` links a persons-sought subject when known."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    birth_date: date | None = None
    nationality: Annotated[str, StringConstraints(pattern=r"^([A-Z]{2})?$")] = ""
    subject_id: int | None = Field(default=None, ge=1)


class RequestIn(Input):
    kind: RequestKind
    direction: Literal["outgoing", "incoming"]
    requesting_agency_id: int = Field(ge=1)
    requested_agency_id: int = Field(ge=1)
    title: ShortText = ""
    language: TextLanguage = Field(default="en", description="the language the title is in")
    translations: Translations = Field(default_factory=dict)
    our_reference: Reference = ""
    their_reference: Reference = ""
    urgency: Literal["standard", "urgent"] = "standard"
    crime_areas: list[CrimeArea] = Field(default_factory=list, max_length=20)
    facts: LongText = ""
    details: Annotated[dict[Code, FieldValue], DetailFields()] = Field(default_factory=dict, max_length=50)
    persons: list[PersonIn] = Field(default_factory=list, max_length=100)
    engagement_id: int | None = Field(default=None, ge=1)
    commitment_id: int | None = Field(default=None, ge=1)
    request_date: date | None = Field(default=None, description="Date of the request; default today.")
    received_at: datetime | None = Field(
        default=None, description="Incoming requests: when it was received (default now); clocks start then."
    )
    legal_basis_agreement_id: int | None = Field(
        default=None, ge=1, description="Choose an agreement instead of the first proposed one."
    )
    legal_basis_reciprocity: bool = Field(default=False, description="Choose reciprocity explicitly.")
    legal_basis_reason: Reason = Field(default="", description="Required when overriding the proposal.")
    responsible_username: Annotated[str, StringConstraints(max_length=80)] = ""
    handling_code: HandlingCode = "H0"


class RequestPatch(Input):
    """Changes to a request; `version` is the one the client edited (or send If-Match)."""

    version: int | None = Field(default=None, ge=1)
    title: ShortText | None = None
    language: TextLanguage | None = None
    translations: Translations | None = None
    our_reference: Reference | None = None
    their_reference: Reference | None = None
    urgency: Literal["standard", "urgent"] | None = None
    crime_areas: list[CrimeArea] | None = Field(default=None, max_length=20)
    facts: LongText | None = None
    details: Annotated[dict[Code, FieldValue], DetailFields()] | None = Field(default=None, max_length=50)
    persons: list[PersonIn] | None = Field(default=None, max_length=100)
    responsible_username: Annotated[str, StringConstraints(max_length=80)] | None = None


HappenedOn = Annotated[
    date | None,
    Field(
        description="The day it happened, when earlier than today (in the calendar's time zone): "
        "not in the future, not before the request's previous event. The clocks count from it."
    ),
]


class TransitionIn(Input):
    transition: Code
    reason: Reason = ""
    version: int | None = Field(default=None, ge=1)
    happened_on: HappenedOn = None


class LegalBasisIn(Input):
    agreement_id: int | None = Field(default=None, ge=1)
    reciprocity: bool = False
    reason: Reason = ""
    version: int | None = Field(default=None, ge=1)


class CommentIn(Input):
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    happened_on: HappenedOn = None


class DeadlineOverrideIn(Input):
    agreement_id: int = Field(ge=1)
    request_kind: Annotated[str, StringConstraints(pattern=r"^([a-z][a-z0-9_]{0,59})?$")] = ""
    clock: Code
    days: int = Field(ge=1, le=3650)
    day_kind: Literal["calendar", "working"] = "calendar"


class CoverageIn(Input):
    agreement_id: int = Field(ge=1)
    scope: Code


class AgencyRef(Output):
    id: int
    name: str
    country_code: str | None


class DeadlineOut(Output):
    clock: str
    label: str = ""
    started_at: datetime
    days: int
    day_kind: str
    source: str
    due_date: date
    due_at: datetime
    met_at: datetime | None
    cancelled_at: datetime | None
    standing: str = ""


class TransitionOut(Output):
    transition: str
    from_state: str
    to_state: str
    actor: str
    at: datetime = Field(description="When it was recorded.")
    happened_at: datetime = Field(description="When it happened: the clocks count from it.")
    reason: str


class CommentOut(Output):
    id: int
    author: str
    at: datetime = Field(description="When it was recorded.")
    happened_at: datetime = Field(description="When it happened.")
    body: str


class DocumentOut(Output):
    id: int
    document_type: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    withdrawn_at: datetime | None = Field(
        description="When it was withdrawn; a withdrawn document no longer counts."
    )
    withdrawn_by: str
    withdrawal_reason: str


class DocumentWithdrawIn(Input):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)] = Field(
        description="Why the document is withdrawn (required); it stays on the request, struck out."
    )


class ProposalOut(BaseModel):
    agreement_id: int
    title: str
    kind: str
    is_multilateral: bool
    amended_by: list[str]


class LegalBasisOut(BaseModel):
    proposals: list[ProposalOut]
    is_reciprocity: bool
    summary: str


class RequestSummary(Output):
    id: int
    kind: str
    direction: str
    status: str
    title: str
    language: str
    translations: dict[str, dict[str, str]]
    urgency: str
    partner_agency_id: int
    partner_country_code: str | None
    our_reference: str
    their_reference: str
    request_date: date
    next_due_at: datetime | None
    responsible_username: str
    version: int


class RequestOut(RequestSummary):
    requesting_agency: AgencyRef
    requested_agency: AgencyRef
    crime_areas: list[str]
    facts: str
    details: dict[str, Any]
    persons: list[dict[str, Any]]
    engagement_id: int | None
    commitment_id: int | None
    opened_at: datetime | None
    responded_at: datetime | None
    closed_at: datetime | None
    legal_basis_agreement_id: int | None
    legal_basis_is_reciprocity: bool
    legal_basis_proposed: list[int]
    legal_basis_overridden: bool
    legal_basis_reason: str
    handling_code: str
    owning_unit: str
    created_by: str
    remote_thread: str | None = Field(
        default=None, description="The thread shared with the partner's node, when it travelled there."
    )
    deadlines: list[DeadlineOut]
    history: list[TransitionOut]
    comments: list[CommentOut]
    documents: list[DocumentOut]
    allowed_transitions: list[str] = Field(default_factory=list)
    missing_documents: list[str] = Field(default_factory=list)
    missing_fields: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    linked: list[LinkedOut] = Field(
        default_factory=list,
        description="records of other capabilities linked to it (the opening hit)",
    )


class CountOut(BaseModel):
    key: str
    count: int


class ResponseTimeOut(BaseModel):
    partner_agency_id: int
    partner: str
    kind: str
    answered: int
    median_days: float
    p90_days: float


class BacklogPoint(BaseModel):
    on: date
    open: int


class StatisticsOut(BaseModel):
    by_kind: list[CountOut]
    by_partner: list[CountOut]
    by_status: list[CountOut]
    overdue: int
    response_times: list[ResponseTimeOut]
    backlog: list[BacklogPoint]


class KindOut(BaseModel):
    code: str
    label: str
    fields: list[dict[str, Any]]
    documents: list[dict[str, str]]
    clocks: dict[str, dict[str, Any]]
    workflows: dict[str, str]


class ReminderReport(BaseModel):
    recipients: int
    messages: int
    items: int
    skipped_without_email: list[str]


DirectionFilter = Literal["outgoing", "incoming"]
