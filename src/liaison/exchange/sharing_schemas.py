"""What the JSON routes of STIX bundles, sharing with partners and requests across nodes read and
write (x3's part of the exchange; `schemas.py` holds the protocol's)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from liaison.core.schemas import HandlingCode, Input, Output
from liaison.exchange.stix import ExportChoice, FreeNote


class FreeNoteIn(Input):
    """A note written into a STIX bundle."""

    content: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    abstract: Annotated[str, StringConstraints(max_length=300)] = ""
    handling_code: HandlingCode = "H0"
    about: list[Annotated[str, StringConstraints(max_length=100)]] = Field(
        default_factory=list, max_length=100, description="STIX ids in the bundle; empty: the producer."
    )


SubjectNumbers = Annotated[
    list[Annotated[int, Field(ge=1)]],
    Field(max_length=10_000, description="Empty: every person sought you may read."),
]


class StixExportIn(Input):
    subject_ids: SubjectNumbers = Field(default_factory=list)
    hits: bool = Field(default=True, description="Include confirmed screening hits as sightings.")
    notes: list[FreeNoteIn] = Field(default_factory=list, max_length=100)

    def choice(self) -> ExportChoice:
        """What `stix.export_bundle` takes, for the API and the page alike."""
        notes = tuple(FreeNote(n.content, n.abstract, n.handling_code, tuple(n.about)) for n in self.notes)
        return ExportChoice(subject_ids=tuple(self.subject_ids), hits=self.hits, notes=notes)


class StixExportForm(Input):
    """The STIX export page's form: the API's input with at most one note, written in a text area.

    The note's handling code is checked even without a note: a wrong one is refused, never
    silently dropped."""

    subject_ids: SubjectNumbers = Field(default_factory=list)
    hits: bool = False
    note: Annotated[str, StringConstraints(max_length=20_000)] = ""
    note_handling_code: HandlingCode = "H0"

    def choice(self) -> ExportChoice:
        """What `stix.export_bundle` takes: the API's input made of it, so both convert one way."""
        notes = [FreeNoteIn(content=self.note, handling_code=self.note_handling_code)] if self.note else []
        return StixExportIn(subject_ids=self.subject_ids, hits=self.hits, notes=notes).choice()


class StixImportOut(Output):
    bundle_id: str
    objects: int
    created: int
    updated: int
    notices: int
    skipped: dict[str, int]
    handling_code: str
    subject_ids: list[int]


class ShareIn(Input):
    agency_id: int = Field(ge=1, description="The partner agency whose node receives it.")
    releasability: Annotated[str, StringConstraints(max_length=200)] = Field(
        default="", description="Country codes it may be released to; empty: the partner's country."
    )


class AskPartnerIn(Input):
    text: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    kind: Literal["question", "information"] = "question"


class ShareOut(Output):
    dispatch_id: int
    status: str


class ShareRecordIn(ShareIn):
    """The sharing page's form: which record goes to which partner agency (and where it may go)."""

    number: int = Field(ge=1, description="The person sought's or the engagement's number.")


class AlertDecisionIn(Input):
    reason: Annotated[str, StringConstraints(max_length=2000)] = ""


class AlertRefusalIn(Input):
    """A refusal says why: the partner and the audit trail are told the reason."""

    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"\S")]


class AlertOut(Output):
    """A partner's alert on one of our persons sought and the decision on what it proposes."""

    id: int
    subject_id: int
    proposed_status: str
    proposed_country: str
    proposed_by: str
    decision: str
    decided_by: str
    reason: str
