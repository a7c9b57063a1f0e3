"""What the screening API reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from liaison.core.schemas import Input, Output

MAX_BATCH = 1000  # records in one POST /api/v1/screen

Name = Annotated[str, StringConstraints(max_length=10_000)]
Short = Annotated[str, StringConstraints(max_length=120)]


class RecordIn(Input):
    """One traveller or partner-list record; only `name` is required."""

    record_id: Short = ""
    name: Name
    birth_date: Annotated[str, StringConstraints(max_length=24)] | None = Field(
        default=None, description="YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY or DD/MM/YYYY."
    )
    nationality: Annotated[str, StringConstraints(max_length=3)] | None = None
    document_number: Annotated[str, StringConstraints(max_length=80)] | None = None
    gender: Annotated[str, StringConstraints(max_length=10)] | None = None


class BatchIn(Input):
    records: list[RecordIn] = Field(min_length=1, max_length=MAX_BATCH)
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, description="Default: the calibrated one.")


class FeatureOut(Output):
    feature: str
    verdict: str
    weight: float
    detail: str


class HitOut(Output):
    hit_id: int | None = Field(
        description="The stored hit, for review; None when the pair was dismissed before."
    )
    subject_id: int
    score: float
    matched_name: str
    explanation: list[FeatureOut]
    explanation_text: str


class RecordResult(Output):
    record_id: str
    hits: list[HitOut]
    suppressed: int = Field(description="Hits not raised because a reviewer dismissed the same pair.")
    problems: list[str]


class ScreenOut(Output):
    run_id: int
    threshold: float
    results: list[RecordResult]


class DecisionIn(Input):
    decision: Literal["confirm", "dismiss"]
    reason: Annotated[str, StringConstraints(max_length=2000)] = ""
    requesting_agency_id: int | None = Field(
        default=None, ge=1, description="Confirm: open a locate-or-verify request from this agency ..."
    )
    requested_agency_id: int | None = Field(default=None, ge=1, description="... to this partner agency.")


class ReviewHitOut(Output):
    id: int
    status: str
    score: float
    subject_id: int
    subject_name: str
    matched_name: str
    record_id: str
    record_name: str
    record_birth_date: str
    record_nationality: str
    explanation: list[dict[str, Any]]
    reason: str
    decided_by: str
    decided_at: datetime | None
    request_id: int | None
    created_at: datetime


class RunOut(Output):
    id: int
    kind: str
    actor: str
    source: str
    status: str
    records: int
    hits: int
    suppressed: int
    problems: dict[str, Any]
    detail: str
    created_at: datetime
    finished_at: datetime | None
