"""Partner nodes: only an administrator adds, verifies, suspends or removes one; all audited.

A peer starts unverified: nothing is sent to it or accepted from it until an administrator has
compared its fingerprints with its operators out of band and marked them verified.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.errors import Conflict, Invalid, NotFound
from liaison.core.records import snapshot
from liaison.core.security.policy import Actor, ensure
from liaison.exchange import dispatch
from liaison.exchange.keys import NODE_ID, fingerprint
from liaison.exchange.models import Cursor, Peer
from liaison.registry.models import Agency

ACTION = "exchange.peers"
HEX_KEY = re.compile(r"^[0-9a-f]{64}$")
BASE_URL = re.compile(
    r"^https?://[^\x00-\x20\x7f/]+(/[^\x00-\x20\x7f]*)?$"
)  # ranges, not \s: one meaning in Python and JSON Schema
STATUSES = ("active", "suspended", "removed")
FIELDS = (
    "node_id",
    "agency_id",
    "base_url",
    "signing_key",
    "encryption_key",
    "fingerprint_verified",
    "status",
)


def describe(peer: Peer) -> dict[str, Any]:
    return {
        "id": peer.id,
        "node_id": peer.node_id,
        "agency_id": peer.agency_id,
        "base_url": peer.base_url,
        "signing_key": peer.signing_key,
        "encryption_key": peer.encryption_key,
        "signing_fingerprint": fingerprint(peer.signing_key),
        "encryption_fingerprint": fingerprint(peer.encryption_key),
        "previous_valid_until": peer.previous_valid_until,
        "fingerprint_verified": peer.fingerprint_verified,
        "status": peer.status,
        "status_reason": peer.status_reason,
    }


def _check_key(value: str, field: str) -> str:
    value = value.strip().lower()
    if not HEX_KEY.match(value):
        raise Invalid(
            "A public key is 64 hexadecimal digits, as `liaison node show` prints it.",
            fields={field: "Give the 64 hexadecimal digits of the key."},
        )
    return value


def _agency(session: Session, agency: int | str | None) -> int | None:
    if agency is None or agency == "":
        return None
    found = session.get(Agency, agency) if isinstance(agency, int) else None
    if found is None and isinstance(agency, str):
        found = session.scalar(select(Agency).where(Agency.ref == agency))
        if found is None and agency.isdigit():
            found = session.get(Agency, int(agency))
    if found is None:
        raise Invalid(
            "There is no agency {agency}.",
            agency=str(agency),
            fields={"agency": "There is no such agency: choose one of the registry."},
        )
    return found.id


def add(
    session: Session,
    actor: Actor,
    *,
    node_id: str,
    base_url: str,
    signing_key: str,
    encryption_key: str,
    agency: int | str | None = None,
) -> Peer:
    """Record a partner node, unverified."""
    ensure(actor, ACTION)
    if not NODE_ID.match(node_id):
        raise Invalid(
            "A node id is 2 to 63 lower-case letters, digits or hyphens, such as vn-mps.",
            fields={"node_id": "Use lower-case letters, digits and hyphens."},
        )
    if not BASE_URL.match(base_url):
        raise Invalid(
            "The base URL of a node starts with http:// or https://.",
            fields={"base_url": "Give the node's address, such as https://liaison.example.org."},
        )
    if session.scalar(select(Peer.id).where(Peer.node_id == node_id)) is not None:
        raise Conflict("Partner node {node_id} is already recorded.", node_id=node_id)
    peer = Peer(
        node_id=node_id,
        agency_id=_agency(session, agency),
        base_url=base_url.rstrip("/"),
        signing_key=_check_key(signing_key, "signing_key"),
        encryption_key=_check_key(encryption_key, "encryption_key"),
        fingerprint_verified=False,
        status="active",
        status_reason="",
    )
    session.add(peer)
    session.flush()
    session.add(Cursor(peer_id=peer.id, last_sequence=0, last_acked=0, last_received=0))
    audit.record(session, actor.username, "create", "exchange_peer", peer.id, after=snapshot(peer, FIELDS))
    return peer


def get(session: Session, node_id: str) -> Peer:
    peer = session.scalar(select(Peer).where(Peer.node_id == node_id))
    if peer is None:
        raise NotFound("There is no partner node {node_id}.", node_id=node_id)
    return peer


def list_peers(session: Session, actor: Actor) -> list[Peer]:
    ensure(actor, ACTION)
    return list(session.scalars(select(Peer).order_by(Peer.node_id)))


def verify(session: Session, actor: Actor, node_id: str, signing_fingerprint: str | None = None) -> Peer:
    """Mark the fingerprints compared out of band; when given, the fingerprint must match."""
    ensure(actor, ACTION)
    peer = get(session, node_id)
    if signing_fingerprint is not None:
        given = re.sub(r"[\s:]", "", signing_fingerprint).upper()
        if given != fingerprint(peer.signing_key).replace(" ", ""):
            raise Invalid(
                "The fingerprint given does not match the signing key of {node_id}: do not verify it.",
                node_id=node_id,
                fields={"fingerprint": "Compare it again with the partner's operators."},
            )
    before = snapshot(peer, FIELDS)
    peer.fingerprint_verified = True
    audit.record(
        session,
        actor.username,
        "verify",
        "exchange_peer",
        peer.id,
        before=before,
        after=snapshot(peer, FIELDS),
    )
    dispatch.release_waiting(session, actor.username, peer)
    return peer


def set_status(session: Session, actor: Actor, node_id: str, status: str, reason: str = "") -> Peer:
    """Suspend, remove or reactivate a peer; the reason is kept and audited."""
    ensure(actor, ACTION)
    if status not in STATUSES:
        raise Invalid(
            "A peer is active, suspended or removed.",
            fields={"status": "Choose active, suspended or removed."},
        )
    peer = get(session, node_id)
    before = snapshot(peer, FIELDS)
    peer.status, peer.status_reason = status, reason[:500]
    audit.record(
        session,
        actor.username,
        "status",
        "exchange_peer",
        peer.id,
        before=before,
        after=snapshot(peer, FIELDS),
        detail=reason[:500],
    )
    dispatch.release_waiting(session, actor.username, peer)
    return peer


def update_keys(
    session: Session, peer: Peer, signing_key: str, encryption_key: str, valid_until: datetime, actor: str
) -> None:
    """A peer rotated its keys: the new ones are current, the old ones verify until `valid_until`."""
    before = snapshot(peer, FIELDS)
    peer.previous_signing_key, peer.previous_encryption_key = peer.signing_key, peer.encryption_key
    peer.previous_valid_until = valid_until
    peer.signing_key = _check_key(signing_key, "signing_key")
    peer.encryption_key = _check_key(encryption_key, "encryption_key")
    audit.record(
        session, actor, "rotate", "exchange_peer", peer.id, before=before, after=snapshot(peer, FIELDS)
    )
