"""Two partner nodes for x3's end-to-end tests: `liaison serve` processes (x1's `Node`), each with
its own database (SQLite or PostgreSQL) and registry holding both ministries, paired as peers of
those agencies; an `Api` calls a node's JSON API as one of its users."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.core.security.policy import CLI_ACTOR
from liaison.exchange import keys, peers
from liaison.registry.models import Agency
from tests.conftest import Account, make_account
from tests.exchange.conftest import MIXED, Node, paired_nodes

UNIT = "international-cooperation"
AGENCIES = {
    "node-a": ("vn-mps", "Ministry of Public Security", "VN"),
    "node-b": ("kz-aca", "Anti-Corruption Agency", "KZ"),
}


def account(node: Node, role: str) -> Account:
    return make_account(node.engine(), role, username=f"{role}.{node.name}", unit=UNIT)


def registry(node: Node) -> None:
    """Both ministries in this node's registry (each node keeps its own registry)."""
    with unit_of_work(node.engine()) as session:
        for ref, name, country in AGENCIES.values():
            session.add(
                Agency(ref=ref, name=name, name_key=name.lower(), kind="police", country_code=country)
            )


def agency_ids(node: Node) -> dict[str, int]:
    with unit_of_work(node.engine()) as session:
        return {a.ref or "": a.id for a in session.scalars(select(Agency))}


def pair(a: Node, b: Node) -> None:
    """Each node records the other as a peer of its agency and verifies its fingerprint."""
    for here, there in ((a, b), (b, a)):
        partner = there.identity
        with unit_of_work(here.engine()) as session:
            peers.add(session, CLI_ACTOR, node_id=partner.node_id, base_url=there.url,
                      signing_key=partner.signing_public, encryption_key=partner.encryption_public,
                      agency=AGENCIES[there.name][0])  # fmt: skip
            peers.verify(session, CLI_ACTOR, partner.node_id, keys.fingerprint(partner.signing_public))


@pytest.fixture(params=(MIXED,))
def nodes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    """The two partner agencies' nodes, A on SQLite and B on PostgreSQL (`["sqlite"]` indirectly
    for both on SQLite)."""
    names = list(AGENCIES)
    with paired_nodes(request.param, names, request, tmp_path, prepare=registry, pairing=pair) as (a, b):
        yield a, b


class Api:
    """A user of one node, calling its JSON API."""

    def __init__(self, node: Node, who: Account) -> None:
        self.client = httpx.Client(base_url=node.url + "/api/v1", headers=who.headers, timeout=60)

    def __call__(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code == status, response.text
        return response.json() if response.content else None


def trail(node: Node, object_type: str = "request") -> list[tuple[str, str, str]]:
    """(actor, action, detail) of the node's audit events about one kind of record, in order."""
    with unit_of_work(node.engine()) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == object_type).order_by(AuditEvent.seq)
        )
        return [(e.actor, e.action, e.detail) for e in events]
