"""What the messages, approval and correspondence API reads and writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import UploadFile
from pydantic import Field, StringConstraints

from liaison.core.schemas import HandlingCode, Input, LongText, Output, Ref

Subject = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Evaluation = Annotated[str, StringConstraints(pattern=r"^[ABCXabcx][1-4]$")]
Releasability = Annotated[str, StringConstraints(max_length=200)]
MessageText = Annotated[str, StringConstraints(max_length=200_000)]


class MessageIn(Input):
    """A message to compose: to a peer, or a reply (`reply_to`, the local id of the message answered)."""

    peer_id: int = Field(ge=1)
    subject: Subject
    body: MessageText = ""
    handling_code: HandlingCode = "H1"
    evaluation: Evaluation | None = Field(
        default=None, description="Source A/B/C/X and information 1-4, e.g. B2 (the 4×4 evaluation)."
    )
    releasability: Releasability = Field(
        default="", description="Country codes the material may go to, comma-separated; empty: no limit."
    )
    reply_to: int | None = Field(default=None, ge=1)
    to_unit: Annotated[str, StringConstraints(max_length=80)] = ""


class MessageWithAttachmentsIn(MessageIn):
    """A message to compose with files (`multipart/form-data`): the message's fields as form fields
    and one `attachment` part per file, each up to the exchange's attachment limit."""

    attachment: list[UploadFile] = Field(
        default_factory=list,
        description="A file to attach (one part per file); the part's content type is its media type.",
    )


class ForwardIn(Input):
    peer_id: int = Field(ge=1)
    note: LongText = ""


class DecisionIn(Input):
    reason: LongText = ""


class EvidenceOut(Output):
    stage: str
    node: str
    user: str
    at: datetime
    reason: str


class DispatchOut(Output):
    id: int
    peer_id: int
    type: str
    summary: str
    source_type: str
    source_id: int | None
    handling_code: str
    owning_unit: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str
    decided_at: datetime | None
    reason: str
    message_id: str | None


class MessageOut(Output):
    id: int
    direction: Literal["in", "out"]
    peer_id: int
    message_id: str | None
    thread: str
    in_reply_to: str | None
    subject: str
    body: str
    handling_code: str
    owning_unit: str
    evaluation: str | None
    releasability: str
    author: str
    created_at: datetime
    forward_permitted: bool
    delivery: str = Field(
        description="pending, refused, queued, accepted, rejected, delivered, opened, answered or received"
    )
    dispatch: DispatchOut | None = None
    evidence: list[EvidenceOut] = Field(default_factory=list)


class CorrespondenceIn(Input):
    direction: Literal["in", "out"]
    kind: Literal["note_verbale", "letter"]
    reference: Ref
    dated: date
    from_agency_id: int = Field(ge=1)
    to_agency_id: int = Field(ge=1)
    subject: Subject
    summary: LongText = ""
    handling_code: HandlingCode = "H0"
    message_id: int | None = Field(
        default=None, ge=1, description="The local id of the message it went with."
    )


class CorrespondenceOut(Output):
    id: int
    direction: str
    kind: str
    reference: str
    dated: date
    from_agency_id: int
    to_agency_id: int
    subject: str
    summary: str
    handling_code: str
    owning_unit: str
    filename: str
    size_bytes: int
    sha256: str
    recorded_by: str
    recorded_at: datetime
