"""What the screening API reads and writes."""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, computed_field

from liaison.core.progress import Pace, current_pace
from liaison.core.schemas import Input, Output

MAX_BATCH = 1000  # records in one POST /api/v1/screen
REJECTING = frozenset({"name has no letters"})  # problems that leave a row unscreened

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


class SubjectSide(Output):
    """The person sought a hit points at. When `restricted`, the reader may not read the subject:
    the hit still alerts, with its Liaison id, handling code and owning unit (whom to call), and
    every particular (names, the list's id for it) reads `[restricted]`."""

    subject_id: int
    subject_source: str = Field(description="The list the subject came from (manual when typed in).")
    subject_source_id: str = Field(description="The list's own id for the subject.")
    subject_name: str
    matched_name: str = Field(description="The subject's name that matched.")
    handling_code: str
    owning_unit: str
    restricted: bool


class HitOut(SubjectSide):
    hit_id: int | None = Field(
        description="The stored hit, for review; None when the pair was dismissed before."
    )
    score: float
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


class HitNoticeOut(Output):
    """A notice on the hit's person sought, with its status as of today (`expired` once past)."""

    id: int
    kind: str
    reference: str
    issued_on: date | None
    expires_on: date | None
    status: str = Field(description="active, expired or withdrawn")


class DismissIn(Input):
    """Dismiss several open hits with one reason: one audited decision per hit."""

    hit_ids: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1, max_length=500)]
    reason: Annotated[str, StringConstraints(max_length=2000)]
    skip_undecidable: bool = Field(
        default=False,
        description="False: a batch holding a hit you may not dismiss is refused whole (nothing "
        "changes, each such hit listed with why). True: dismiss the others and list those skipped.",
    )


class SkippedHitOut(Output):
    hit_id: int
    reason: str


class DismissOut(Output):
    dismissed: list[int]
    skipped: list[SkippedHitOut]


class ReviewHitOut(SubjectSide):
    id: int
    run_id: int
    status: str
    score: float
    ambiguous: int = Field(
        description="Persons sought this record fits as well, this one included (1: none other)."
    )
    notices: list[HitNoticeOut] = Field(description="The subject's notices; none when restricted.")
    record_id: str
    record_name: str
    record_birth_date: str
    record_nationality: str
    record_document_number: str
    record_gender: str
    explanation: list[dict[str, Any]]
    reason: str
    decided_by: str
    decided_at: datetime | None
    request_id: int | None
    created_at: datetime


class RunOut(Output):
    """A screening run: who started it (its owner), how far it has got and what it found."""

    id: int
    kind: str
    actor: str = Field(description="Who started the run: only they, supervisors and admins see it.")
    source: str
    status: str = Field(
        description="queued (waiting for the batch worker), running, done or failed (then `detail` says why)."
    )
    total: int | None = Field(description="Records in the file, when known (file runs).")
    records: int = Field(description="Records screened so far.")
    hits: int
    suppressed: int = Field(description="Hits not raised because a reviewer dismissed the same pair.")
    problems: dict[str, Any] = Field(description="Rows with problems, by reason.")
    detail: str
    created_at: datetime
    started_at: datetime | None = Field(
        description="When its batch worker began screening, its index built (file runs)."
    )
    started_from: int = Field(exclude=True)  # records screened before that worker took the run
    finished_at: datetime | None

    @computed_field(description="Share of the records screened, 0 to 1 (1 once done).")  # type: ignore[prop-decorator]
    @property
    def progress(self) -> float:
        if self.status not in ("queued", "running"):
            return 1.0
        return min(1.0, self.records / self.total) if self.total else 0.0

    @cached_property
    def pace(self) -> Pace:
        """Measured once an answer, so its rate and time left agree."""
        running = self.status == "running"
        return current_pace(self.records, self.total, self.started_at if running else None, self.started_from)

    @computed_field(description="Records screened per second since its worker began (running runs).")  # type: ignore[prop-decorator]
    @property
    def rate(self) -> float | None:
        return self.pace.rate

    @computed_field(description="Seconds until the run is done at that rate (running runs of known total).")  # type: ignore[prop-decorator]
    @property
    def seconds_left(self) -> float | None:
        return self.pace.seconds_left

    @computed_field(description="Rows that could not be screened at all, by reason.")  # type: ignore[prop-decorator]
    @property
    def rejected(self) -> dict[str, int]:
        return {reason: int(count) for reason, count in self.problems.items() if reason in REJECTING}

    @computed_field(description="Rows screened without a field they had (an impossible birth date ...).")  # type: ignore[prop-decorator]
    @property
    def partly_screened(self) -> dict[str, int]:
        return {reason: int(count) for reason, count in self.problems.items() if reason not in REJECTING}
