"""What the ingest API reads and writes: a draft under review, its items and merge proposals."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from liaison.core.schemas import Input, Name, Output
from liaison.registry.schemas import AgreementKind, AgreementStatus


class LinkIn(Input):
    record_id: int


class NewAgreementIn(Input):
    """A registry agreement made from what the report says; status and date default to its cue."""

    title: Name
    kind: AgreementKind
    status: AgreementStatus | None = None
    effective_on: date | None = None


class MergeIn(Input):
    engagement_id: int


class SuggestionOut(Output):
    record_id: int
    label: str
    score: float
    reasons: list[str]


class ItemOut(Output):
    id: int
    kind: str
    name: str
    title: str
    country_code: str | None
    decision: str
    record_id: int | None
    suggestions: list[SuggestionOut] = Field(default_factory=list)


class ProposalOut(Output):
    engagement_id: int
    title: str
    held_on: date
    score: float
    reasons: list[str]


class DraftReviewOut(Output):
    engagement_id: int
    status: str
    merged_into: int | None
    items: list[ItemOut]
    proposals: list[ProposalOut]
