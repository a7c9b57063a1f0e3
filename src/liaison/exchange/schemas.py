"""What the exchange's JSON routes read and write."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from liaison.core.schemas import Documented, Input
from liaison.exchange.keys import NODE_ID
from liaison.exchange.peers import BASE_URL, HEX_KEY, STATUSES

# The rules `peers` checks in its own words, stated in the document too.
NodeId = Annotated[str, Field(max_length=63), Documented(pattern=NODE_ID.pattern)]
HexKey = Annotated[str, Field(max_length=64), Documented(pattern=HEX_KEY.pattern)]


class PeerIn(Input):
    node_id: NodeId
    base_url: Annotated[str, Field(max_length=300), Documented(pattern=BASE_URL.pattern)]
    signing_key: HexKey
    encryption_key: HexKey
    agency: str | None = Field(default=None, max_length=80)


class VerifyIn(Input):
    signing_fingerprint: str | None = Field(default=None, max_length=100)


class StatusIn(Input):
    status: Annotated[str, Field(max_length=20), Documented(enum=list(STATUSES))]
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
