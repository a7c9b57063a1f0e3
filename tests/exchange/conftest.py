"""Real nodes for the exchange tests: separate `liaison serve` processes on loopback, each with its
own LIAISON_HOME and database (SQLite or PostgreSQL), initialised with `liaison init` and
`liaison node init`, paired and verified on both sides, with an administrator and a token each.

`node_pair` (A on SQLite, B on PostgreSQL: both backends in one pair) and `sqlite_node_pair`
yield `(a, b)`; each `Node` has `url`, `engine_url`, `home`, `identity`, `admin` (an `Account`),
`engine()`, `kill()` (SIGKILL), `stop()`, `start()` and `restart()`. The delivery worker runs
inside each `serve` (`LIAISON_EXCHANGE_WORKER=true`). Other helpers' tests reuse these fixtures.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

from liaison.core.db import make_engine, unit_of_work
from liaison.core.migrate import upgrade
from liaison.core.security.policy import CLI_ACTOR
from liaison.core.settings import Settings, get_settings
from liaison.exchange import keys, peers
from liaison.exchange.keys import Identity
from tests.conftest import Account, PostgresCluster, make_account

SRC = Path(__file__).resolve().parents[2] / "src"
_databases = itertools.count()
START_TIMEOUT = 240.0  # a loaded CI machine takes long to import the app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    """One node process and what a test needs to talk to it or break it."""

    name: str
    home: Path
    engine_url: str
    port: int
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    admin: Account | None = None
    _engine: Engine | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
        env.update(
            PYTHONPATH=str(SRC),
            LIAISON_HOME=str(self.home),
            LIAISON_DATABASE_URL=self.engine_url,
            LIAISON_SIGNIN_DELAY_SECONDS="0",
            LIAISON_EXCHANGE_WORKER="true",
            LIAISON_EXCHANGE_POLL_SECONDS="0.05",
            LIAISON_EXCHANGE_BATCH="100",
            # the test process's key: second factors sealed by `make_account` open on the node too
            LIAISON_SECRET_KEY=get_settings().resolved_secret_key(),
            LIAISON_START_WORKER="false",  # no batch screening here: one process fewer per node
            LIAISON_SCREENING_PRELOAD_NAMES="false",  # seconds per start; the tests that screen pay them
        )
        env.update(self.extra_env)
        return env

    @property
    def identity(self) -> Identity:
        return keys.load(self.home)

    def cli(self, *args: str, stdin: str = "") -> str:
        """Run `liaison ARGS` as this node; its output (fails the test on a non-zero exit)."""
        done = subprocess.run(
            [sys.executable, "-m", "liaison", *args],
            env=self.env,
            input=stdin.encode(),
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr.decode() + done.stdout.decode()
        return done.stdout.decode()

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.engine_url)
        return self._engine

    def start(self) -> None:
        log = (self.home / "serve.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "liaison", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"node {self.name} exited: {(self.home / 'serve.log').read_text()[-2000:]}"
                )
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"node {self.name} did not start")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flush, as a power cut."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.kill()
        self.start()

    def close(self) -> None:
        self.stop()
        if self._engine is not None:
            self._engine.dispose()


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


def postgres_url(cluster: PostgresCluster) -> str:
    name = f"x{os.getpid()}_{next(_databases)}"
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE liaison_template STRATEGY FILE_COPY"))
    admin.dispose()
    return cluster.url(name)


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


def wait_for(condition: object, timeout: float = 60.0, every: float = 0.1) -> None:
    """Wait until `condition()` is true, or fail after `timeout` seconds."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"not reached within {timeout} s: {condition}")
