"""JSON routes of the exchange, under /api/v1: partner nodes (administrators) and this node's keys.

The node-to-node routes (`/exchange/node/...`) are in `transport.py`: they are authenticated by
the calling node's signature, not by a user.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from liaison.core.models import User
from liaison.core.web import DbSession, Permission
from liaison.exchange import keys, message_api, peers, schemas, sharing_api, transport

router = APIRouter(tags=["exchange"])
router.include_router(transport.router)
router.include_router(sharing_api.router)  # x3: STIX bundles, sharing, requests across nodes

Admin = Annotated[User, Depends(Permission("exchange.peers"))]


@router.get("/exchange/node", response_model=schemas.NodeOut)
def show_node(user: Admin) -> schemas.NodeOut:
    """This node's id, agency, public keys and their fingerprints, to give to partners."""
    return schemas.NodeOut(**keys.load().describe())


@router.get("/exchange/peers", response_model=list[schemas.PeerOut])
def list_peers(session: DbSession, user: Admin) -> list[schemas.PeerOut]:
    """Every partner node, with fingerprints, verification and status."""
    return [schemas.PeerOut(**peers.describe(p)) for p in peers.list_peers(session, user)]


@router.post("/exchange/peers", response_model=schemas.PeerOut, status_code=201)
def add_peer(session: DbSession, user: Admin, data: schemas.PeerIn) -> schemas.PeerOut:
    """Record a partner node (unverified until an administrator verifies its fingerprints)."""
    peer = peers.add(session, user, **data.model_dump())
    return schemas.PeerOut(**peers.describe(peer))


@router.post("/exchange/peers/{node_id}/verify", response_model=schemas.PeerOut)
def verify_peer(session: DbSession, user: Admin, node_id: str, data: schemas.VerifyIn) -> schemas.PeerOut:
    """Mark a partner's fingerprints as compared out of band (optionally checking one)."""
    return schemas.PeerOut(**peers.describe(peers.verify(session, user, node_id, data.signing_fingerprint)))


@router.post("/exchange/peers/{node_id}/status", response_model=schemas.PeerOut)
def set_peer_status(session: DbSession, user: Admin, node_id: str, data: schemas.StatusIn) -> schemas.PeerOut:
    """Suspend, remove or reactivate a partner node, with the reason."""
    return schemas.PeerOut(
        **peers.describe(peers.set_status(session, user, node_id, data.status, data.reason))
    )


# x2: messages, approval and correspondence
router.include_router(message_api.router)
