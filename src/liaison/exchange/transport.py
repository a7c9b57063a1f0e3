"""Node-to-node HTTP: the routes a partner node calls, authenticated by its signature, not a user.

Every call carries `X-Liaison-Node` (the caller's node id), `X-Liaison-Time` and
`X-Liaison-Signature`: the caller's Ed25519 signature over method, path, time and the body's
SHA-256 (`envelope.transport_stamp`). `NodeSignature` is the dependency that checks it, as
`Permission` does for users: an unknown, unverified or suspended peer, a bad signature or a call
outside the freshness window is refused with a machine-readable `reason`, and the refusal is
audited in its own transaction. The envelopes inside are signed too and checked one by one.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

import httpx
import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from liaison.core import audit
from liaison.core.db import unit_of_work, utcnow
from liaison.core.errors import DomainError
from liaison.exchange import envelope, keys, receiver
from liaison.exchange.keys import Identity
from liaison.exchange.models import Peer

router = APIRouter()
NODE_PREFIX = "/exchange/node"
API_PREFIX = "/api/v1"
CALL_WINDOW = timedelta(minutes=5)


class NodeRefused(DomainError):
    """A partner node's call refused before anything is read; `reason` says why, for machines."""

    status = 403
    slug = "node-refused"
    title = "Refused"


class NodeUnsigned(NodeRefused):
    status = 401
    slug = "node-unsigned"
    title = "Node signature required"


@dataclass(frozen=True)
class CallingNode:
    """The authenticated caller: a plain copy, for work done in a thread after the check."""

    peer_id: int
    node_id: str
    body: bytes


def _refusal(request: Request, node_id: str, reason: str) -> None:
    with unit_of_work(request.app.state.engine) as session:
        where = f"{request.method} {request.url.path}"[:80]
        audit.record(
            session, receiver.node_actor(node_id or "?"), "refuse", "exchange_call", where, detail=reason
        )


def _authenticate(request: Request, body: bytes) -> CallingNode:
    node_id = request.headers.get("x-liaison-node", "")[:64]
    stamp, signature_text = (
        request.headers.get("x-liaison-time", ""),
        request.headers.get("x-liaison-signature", ""),
    )
    if not node_id or not stamp or not signature_text:
        raise NodeUnsigned(
            "A partner node's call carries X-Liaison-Node, X-Liaison-Time and X-Liaison-Signature.",
            reason="unsigned",
        )
    reason = ""
    peer_id = 0
    with unit_of_work(request.app.state.engine) as session:
        peer = session.scalar(select(Peer).where(Peer.node_id == node_id))
        if peer is None:
            reason = "unknown_peer"
        elif peer.status != "active":
            reason = "suspended_peer" if peer.status == "suspended" else "removed_peer"
        elif not peer.fingerprint_verified:
            reason = "unverified_peer"
        else:
            peer_id = peer.id
            try:
                moment = envelope.parse_timestamp(stamp)
                signature = base64.b64decode(signature_text, validate=True)
            except (ValueError, binascii.Error):
                moment, signature = None, b""
            signed = (
                envelope.transport_stamp(request.method, request.url.path, body, moment) if moment else b""
            )
            if moment is None or not envelope.verify(signed, signature, receiver.peer_signing_keys(peer)):
                reason = "bad_signature"
            elif abs(utcnow() - moment) > CALL_WINDOW:
                reason = "stale"
    if reason:
        _refusal(request, node_id, reason)
        raise NodeRefused(
            "The call of node {node_id} is refused ({why}).", node_id=node_id, why=reason, reason=reason
        )
    return CallingNode(peer_id, node_id, body)


class NodeSignature:
    """Dependency: the partner node that signed this call (routes for nodes, not for users)."""

    async def __call__(self, request: Request) -> CallingNode:
        body = await request.body()
        return await run_in_threadpool(_authenticate, request, body)


Node = Annotated[CallingNode, Depends(NodeSignature())]

_BATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["envelopes"],
    "properties": {
        "envelopes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["header", "signature", "body"],
                "properties": {
                    "header": {"type": "string", "description": "base64 of the canonical JSON header"},
                    "signature": {"type": "string", "description": "base64 Ed25519 signature of the header"},
                    "body": {"type": "string", "description": "base64 of the encrypted body"},
                },
            },
        }
    },
}
_CHUNK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["header", "signature", "attachment", "chunk", "data"],
    "properties": {
        "header": {"type": "string"},
        "signature": {"type": "string"},
        "attachment": {"type": "integer"},
        "chunk": {"type": "integer"},
        "data": {"type": "string", "description": "base64 of the encrypted chunk"},
    },
}


def _json(document: Any) -> Response:
    return Response(orjson.dumps(document), media_type="application/json")


def _items(body: bytes, key: str) -> Any:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise NodeRefused("The body is not JSON.", reason="malformed") from None
    if not isinstance(document, dict) or (key and not isinstance(document.get(key), list)):
        raise NodeRefused("The body is not a batch of envelopes.", reason="malformed")
    return document[key] if key else document


@router.post(
    f"{NODE_PREFIX}/envelopes",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": _BATCH_SCHEMA}}, "required": True}
    },
    responses={200: {"description": "A signed receipt for each envelope, in order."}},
)
def receive_envelopes(request: Request, node: Node) -> Response:
    """A partner node delivers a batch of envelopes; each gets a signed receipt (accepted or
    rejected with its reason). Applied once per message id, however often it is delivered."""
    items = _items(node.body, "envelopes")
    receipts = receiver.receive_batch(request.app.state.engine, keys.load(), node.peer_id, items)
    return _json({"receipts": receipts})


@router.post(
    f"{NODE_PREFIX}/chunks",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": _CHUNK_SCHEMA}}, "required": True}
    },
    responses={200: {"description": "Whether the chunk is held, or why it was refused."}},
)
def receive_chunk(request: Request, node: Node) -> Response:
    """A partner node sends one encrypted attachment chunk ahead of its envelope; its digest must be
    the one its signed header names. Sending a held chunk again is harmless (resumable)."""
    item = _items(node.body, "")
    return _json(receiver.receive_chunk(request.app.state.engine, keys.load(), node.peer_id, item))


def signed_headers(
    identity: Identity, method: str, path: str, body: bytes, moment: datetime | None = None
) -> dict[str, str]:
    """The headers that authenticate this node's call to a partner, signed with `identity`: the
    keys the partner knows this node by (`rotation.known_identity`)."""
    moment = moment or utcnow()
    signature = identity.signing.sign(envelope.transport_stamp(method, path, body, moment)).signature
    return {
        "content-type": "application/json",
        "x-liaison-node": identity.node_id,
        "x-liaison-time": envelope.timestamp(moment),
        "x-liaison-signature": base64.b64encode(signature).decode(),
    }


def post(
    client: httpx.Client, identity: Identity, base_url: str, route: str, document: Any
) -> httpx.Response:
    """POST a signed call to a partner node's route (`envelopes` or `chunks`)."""
    path = f"{API_PREFIX}{NODE_PREFIX}/{route}"
    body = orjson.dumps(document)
    return client.post(base_url + path, content=body, headers=signed_headers(identity, "POST", path, body))
