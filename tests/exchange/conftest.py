"""Real nodes for the exchange tests: separate `liaison serve` processes on loopback, each with its
own LIAISON_HOME and database (SQLite or PostgreSQL), initialised with `liaison init` and
`liaison node init`, paired and verified on both sides, with an administrator and a token each.

`node_pair` (A on SQLite, B on PostgreSQL: both backends in one pair) and `sqlite_node_pair`
yield `(a, b)`; each `Node` has `url`, `engine_url`, `home`, `identity`, `admin` (an `Account`),
`engine()`, `kill()` (SIGKILL), `stop()`, `start()` and `restart()` (`tests/servers.py`). The
delivery worker runs inside each `serve` (`LIAISON_EXCHANGE_WORKER=true`). Other helpers' tests
reuse these fixtures.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from liaison.core.db import unit_of_work
from liaison.core.migrate import upgrade
from liaison.core.security.policy import CLI_ACTOR
from liaison.core.settings import Settings
from liaison.exchange import keys, peers
from tests.conftest import make_account
from tests.servers import Node, free_port, postgres_url, wait_for

__all__ = ["Node", "free_port", "postgres_url", "wait_for"]  # where the other exchange tests find them


def make_node(
    name: str, tmp: Path, engine_url: str, extra_env: dict[str, str] | None = None, by_cli: bool = False
) -> Node:
    """A node initialised as `liaison init` and `liaison node init` do (`by_cli`: by running them,
    which costs two interpreter starts; else the same functions in this process), with an admin."""
    home = tmp / name
    home.mkdir(parents=True, exist_ok=True)
    node = Node(name, home, engine_url or f"sqlite:///{home / 'liaison.db'}", free_port(), extra_env or {})
    if by_cli:
        node.cli("init")
        node.cli("node", "init", "--node-id", name)
    else:
        Settings(home=home, secret_key="").resolved_secret_key(create=True)
        upgrade(node.engine())
        keys.init(name, home=home)
    node.admin = make_account(node.engine(), "admin", username="admin", unit="international-cooperation")
    return node


def pair(a: Node, b: Node) -> None:
    """Each node records the other as a peer and verifies its fingerprint."""
    for here, there in ((a, b), (b, a)):
        partner = there.identity
        with unit_of_work(here.engine()) as session:
            peers.add(
                session,
                CLI_ACTOR,
                node_id=partner.node_id,
                base_url=there.url,
                signing_key=partner.signing_public,
                encryption_key=partner.encryption_public,
            )
            peers.verify(session, CLI_ACTOR, partner.node_id, keys.fingerprint(partner.signing_public))


MIXED = "sqlite+postgresql"  # node A on SQLite, node B on PostgreSQL: both backends in one run


def database_urls(backend: str, names: Sequence[str], request: pytest.FixtureRequest, tmp: Path) -> list[str]:
    """One fresh migrated database per node: all SQLite, all PostgreSQL, or (`MIXED`) the first
    node on SQLite and the others on PostgreSQL, as partners running different backends do."""
    backends = ["sqlite", *["postgresql"] * (len(names) - 1)] if backend == MIXED else [backend] * len(names)
    urls = []
    for name, each in zip(names, backends, strict=True):
        if each == "sqlite":  # a migrated copy, as the rest of the suite does, instead of migrating
            template: Path = request.getfixturevalue("sqlite_template")
            (tmp / name).mkdir(parents=True)
            shutil.copy(template, tmp / name / "liaison.db")
            urls.append(f"sqlite:///{tmp / name / 'liaison.db'}")
        else:
            urls.append(postgres_url(request.getfixturevalue("postgres")))
    return urls


@contextmanager
def paired_nodes(
    backend: str,
    names: Sequence[str],
    request: pytest.FixtureRequest,
    tmp: Path,
    prepare: Callable[[Node], None] | None = None,
    pairing: Callable[[Node, Node], None] | None = None,
    start: bool = True,
) -> Iterator[list[Node]]:
    """Nodes on fresh databases (`database_urls`), each `prepare`d, the first paired with each of
    the others (by `pair`, or `pairing`), started (unless `start` is false: the test starts them),
    and all closed at the end whatever happens: a node that did not start never leaves another
    running."""
    urls = database_urls(backend, names, request, tmp)
    made = [make_node(name, tmp, url) for name, url in zip(names, urls, strict=True)]
    try:
        for node in made:
            if prepare is not None:
                prepare(node)
        for other in made[1:]:
            (pairing or pair)(made[0], other)
        for node in made if start else ():
            node.start()
        yield made
    finally:
        for node in made:
            node.close()


@pytest.fixture(params=(MIXED,))
def node_pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    """Two paired node processes, A on SQLite and B on PostgreSQL: each backend sends and receives."""
    with paired_nodes(request.param, ("node-a", "node-b"), request, tmp_path) as (a, b):
        yield a, b


@pytest.fixture
def sqlite_node_pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    """Two paired node processes on SQLite, for tests whose subject is not the database."""
    with paired_nodes("sqlite", ("node-a", "node-b"), request, tmp_path) as (a, b):
        yield a, b
