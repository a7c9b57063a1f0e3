"""Server processes for tests that need real ones: `liaison serve` on loopback, each with its own
LIAISON_HOME, on a database of its own or shared with another (`Node`), and fresh PostgreSQL
databases for them (`postgres_url`). The exchange tests pair such nodes (`tests/exchange/conftest`);
the screening tests run two servers on one database.

A node can run with its clock moved on (`Node.time_shift`, e.g. "+8d"): its process is started
with Debian's libfaketime preloaded (`LD_PRELOAD`, `FAKETIME`), so its `datetime.now`, `time.time`
and the clock behind its HTTP signatures read that much later, as after days of an outage. Nothing
in the product knows; the test process itself keeps the real time. The library is preloaded
directly rather than through the `faketime` program, which forks the command and waits for it:
stopping or killing that program left the node running after its test, a server for the rest of
the run. The monotonic clock is left
alone (`FAKETIME_DONT_FAKE_MONOTONIC`): Python's timed waits (`threading.Event.wait`, the worker's
poll) hand a deadline on that clock to the kernel, which would wait out the whole shift.
"""

from __future__ import annotations

import glob
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, text

from liaison.core.db import make_engine
from liaison.core.settings import get_settings
from liaison.exchange import keys
from liaison.exchange.keys import Identity
from liaison.names.nicknames import name_groups_of
from liaison.names.search import prepare_keys
from liaison.names.vietnamese_cyrillic import vietnamese_syllables
from tests.conftest import Account, PostgresCluster

_databases = itertools.count()
SRC = Path(__file__).resolve().parents[1] / "src"
START_TIMEOUT = 240.0  # a loaded CI machine takes long to import the app
# Debian's libfaketime (package faketime, which .ci/run installs); "" where it is not installed
LIBFAKETIME = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))), "")
QUICK = {  # settings that make a test node quick and change nothing a test looks at
    "LIAISON_SIGNIN_DELAY_SECONDS": "0",
    "LIAISON_EXCHANGE_POLL_SECONDS": "0.05",
    "LIAISON_START_WORKER": "false",  # no batch screening here: one process fewer per node
    "LIAISON_SCREENING_PRELOAD_NAMES": "false",  # seconds per start; the tests that screen pay them
    "LIAISON_CACHE_DIR": os.environ["LIAISON_CACHE_DIR"],  # the run's given-name cache (tests/conftest)
}


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
    serve_args: tuple[str, ...] = ()  # more `liaison serve` options (`--workers 2`)
    time_shift: str = ""  # a libfaketime offset ("+1d", "+8d"): the process's clock moved on
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
            LIAISON_EXCHANGE_WORKER="true",
            LIAISON_EXCHANGE_BATCH="100",
            # the test process's key: second factors sealed by `make_account` open on the node too
            LIAISON_SECRET_KEY=get_settings().resolved_secret_key(),
            **QUICK,
        )
        if self.time_shift:
            assert LIBFAKETIME, "libfaketime is not installed (Debian package faketime)"
            env["LD_PRELOAD"] = LIBFAKETIME
            env["FAKETIME"] = self.time_shift  # an offset, as `faketime -f +8d` passes it on
            env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"  # timed waits end on time (module docstring)
        env.update(self.extra_env)
        return env

    @property
    def identity(self) -> Identity:
        return keys.load(self.home)

    def cli(self, *args: str, stdin: str = "") -> str:
        """Run `liaison ARGS` as this node; its output (fails the test on a non-zero exit)."""
        done = subprocess.run(
            self.command(*args),
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

    def command(self, *args: str) -> list[str]:
        """`python -m liaison ARGS` (its clock shifted by `env`)."""
        return [sys.executable, "-m", "liaison", *args]

    def start(self) -> None:
        log = (self.home / "serve.log").open("ab")
        self.process = subprocess.Popen(
            self.command("serve", "--port", str(self.port), *self.serve_args),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.wait_until_ready()

    def wait_until_ready(self) -> None:
        """Until the started process answers `/readyz`; fails when it exits or takes too long."""
        assert self.process is not None
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


def postgres_url(cluster: PostgresCluster) -> str:
    name = f"x{os.getpid()}_{next(_databases)}"
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE liaison_template STRATEGY FILE_COPY"))
    admin.dispose()
    return cluster.url(name)


def wait_for(condition: object, timeout: float = 60.0, every: float = 0.1) -> None:
    """Wait until `condition()` is true, or fail after `timeout` seconds."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"not reached within {timeout} s: {condition}")


def known_to_the_name_cache(names: tuple[str, ...]) -> None:
    """The given-name groups of every word `names` are read into, in the run's shared
    cache (`LIAISON_CACHE_DIR`), as on an installation that has met them before: the servers find
    them there instead of each reading rigour's table (~8 s of CPU) at its first unknown word (which
    inside a timed second would measure that read, not what the test is about)."""
    prepare_keys(names)
    name_groups_of(vietnamese_syllables())  # what the search keys of a given name look up once
