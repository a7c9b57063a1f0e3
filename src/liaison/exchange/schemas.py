"""What the exchange's JSON routes read and write."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from liaison.core.schemas import Input


class PeerIn(Input):
    node_id: str = Field(max_length=63)
    base_url: str = Field(max_length=300)
    signing_key: str = Field(max_length=64)
    encryption_key: str = Field(max_length=64)
    agency: str | None = Field(default=None, max_length=80)


class VerifyIn(Input):
    signing_fingerprint: str | None = Field(default=None, max_length=100)


class StatusIn(Input):
    status: str = Field(max_length=20)
    reason: str = Field(default="", max_length=500)


class PeerOut(BaseModel):
    id: int
    node_id: str
    agency_id: int | None
    base_url: str
    signing_key: str
    encryption_key: str
    signing_fingerprint: str
    encryption_fingerprint: str
    previous_valid_until: datetime | None
    fingerprint_verified: bool
    status: str
    status_reason: str


class NodeOut(BaseModel):
    node_id: str
    agency: str
    signing_key: str
    encryption_key: str
    signing_fingerprint: str
    encryption_fingerprint: str


class EvidenceOut(BaseModel):
    message_id: str
    stage: str
    node: str
    user: str
    at: datetime
    reason: str
    signed: bool
