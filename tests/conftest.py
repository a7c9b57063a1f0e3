"""Fixtures shared by every test: databases (SQLite and a real PostgreSQL), the app, users.

PostgreSQL: a throw-away cluster is started once per test worker with `initdb`/`pg_ctl`,
listening only on a unix socket inside its temporary folder. Each test gets a fresh database
copied from a migrated template (SQLite: a copied file), so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TEST_HOME = tempfile.mkdtemp(prefix="liaison-test-home-")
# One given-name cache for the whole run (every test worker and every node or CLI process the tests
# start, whatever its data folder): rigour's name table, ~8 s of CPU to read, is read by the first
# process that meets a word, not again by each (`liaison.names.nicknames`).
_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(os.getpid())
_TEST_CACHE = os.environ.get("LIAISON_CACHE_DIR") or os.path.join(tempfile.gettempdir(), f"liaison-{_RUN}")
os.environ.update(
    LIAISON_HOME=_TEST_HOME,
    LIAISON_CACHE_DIR=_TEST_CACHE,
    LIAISON_SECRET_KEY="test-secret-key-not-for-production",
    LIAISON_SIGNIN_DELAY_SECONDS="0",
    LIAISON_DATABASE_URL=f"sqlite:///{_TEST_HOME}/unused.db",
    # one data folder serves every test's database: a saved screening index would only be
    # written and refused again at each start (tests/screening/test_persisted_index.py turns it on)
    LIAISON_SCREENING_PERSIST_INDEX="0",
)

import pyotp  # noqa: E402
import pytest  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine, create_engine, text  # noqa: E402

from liaison.app import create_app  # noqa: E402
from liaison.core import accounts, second_factor  # noqa: E402
from liaison.core.db import make_engine, unit_of_work  # noqa: E402
from liaison.core.migrate import upgrade  # noqa: E402
from liaison.core.settings import get_settings  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
_counter = itertools.count()


def _pg_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


@dataclass
class PostgresCluster:
    folder: Path
    pg_ctl: str
    as_postgres: list[str]

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@/postgres?host={self.folder}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.folder}"

    def stop(self) -> None:
        subprocess.run(
            [*self.as_postgres, self.pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        # Every test's database is a copy (gigabytes by the end): removed by a process of its own,
        # which outlives the worker, rather than the worker's last test waiting half a minute for it.
        subprocess.Popen(["rm", "-rf", str(self.folder)], start_new_session=True)


def start_postgres() -> PostgresCluster:
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if not initdb or not pg_ctl:
        reason = "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql"
        if os.environ.get("CI"):
            pytest.fail(reason + " (required in CI)")
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="lpg", dir="/tmp"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    subprocess.run(
        [*as_postgres, initdb, "-D", str(data), "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
        check=True,
        capture_output=True,
    )
    options = f"-k {folder} -c listen_addresses='' -F -c max_connections=200"
    subprocess.run(
        [*as_postgres, pg_ctl, "-D", str(data), "-w", "-l", str(folder / "log"), "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    return PostgresCluster(folder, pg_ctl, as_postgres)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = start_postgres()
    template = cluster.url("liaison_template")
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("CREATE DATABASE liaison_template"))
    admin.dispose()
    engine = make_engine(template)
    upgrade(engine)
    engine.dispose()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def fresh_engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """A newly migrated, empty database of the given backend."""
    if backend == "sqlite":
        path = tmp_path / "liaison.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return make_engine(f"sqlite:///{path}")
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    name = f"t{os.getpid()}_{next(_counter)}"
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} TEMPLATE liaison_template STRATEGY FILE_COPY"))
    admin.dispose()
    return make_engine(cluster.url(name))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    db_engine = fresh_engine(request.param, request, tmp_path)
    yield db_engine
    db_engine.dispose()


@pytest.fixture
def sqlite_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh migrated SQLite database, for tests whose subject is not the database."""
    db_engine = fresh_engine("sqlite", request, tmp_path)
    yield db_engine
    db_engine.dispose()


@dataclass
class _BuiltApp:
    app: FastAPI
    state: dict[str, Any]  # `app.state` as `create_app` left it, before any start-up ran


_built: list[_BuiltApp] = []


def app_on(engine: Engine) -> FastAPI:
    """The whole app on `engine`, as `create_app` makes it.

    FastAPI takes about half a second to build the app's ~900 routes, and most tests need an app:
    so each worker builds it once (again when the settings change) and gives it each test's
    database. Everything the app derived from a database (the screening index, workers) lives in
    `app.state`, and is dropped: the state is set back to what `create_app` left, with the new
    engine; the next start-up derives it again from this database."""
    settings = get_settings()
    if not _built or _built[0].app.state.settings is not settings:
        application = create_app(settings, engine)
        _built[:] = [_BuiltApp(application, dict(application.state._state))]
    built = _built[0]
    built.app.state._state.clear()
    built.app.state._state.update(built.state, engine=engine)
    return built.app


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    return app_on(engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@dataclass
class Account:
    username: str
    password: str
    role: str
    token: str = ""
    totp_secret: str = ""  # the key of the account's authenticator app, when it has a second factor
    recovery_codes: tuple[str, ...] = ()
    last_step: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def code(self) -> str:
        """What the account's authenticator app shows: a real TOTP code of a step not used yet.

        The server takes the step before or after now too; the one before only while the step has
        enough of itself left that it is still good when the server checks. When the usable steps
        are spent, wait for the next one, as a person would."""
        totp = pyotp.TOTP(self.totp_secret)
        while True:
            now = time.time()
            current, into = divmod(now, totp.interval)
            steps = ([int(current) - 1] if into < totp.interval - 5 else []) + [
                int(current),
                int(current) + 1,
            ]
            usable = [step for step in steps if step > self.last_step]
            if usable:
                self.last_step = usable[0]
                return totp.generate_otp(usable[0])
            time.sleep(totp.interval - into + 0.05)


def enrol(engine: Engine, account: Account) -> Account:
    """Enrol the account's second factor through the service, with the code its app would show."""
    with unit_of_work(engine) as session:
        user = accounts.get_user(session, account.username)
        enrolment = second_factor.start_enrolment(user)
        account.totp_secret = enrolment.secret
        account.recovery_codes = tuple(
            second_factor.confirm_enrolment(session, user, enrolment.sealed, account.code())
        )
    return account


def make_account(engine: Engine, role: str, username: str | None = None, unit: str = "") -> Account:
    """A user of `role` with a password and a bearer token; administrators and supervisors have
    an enrolled second factor (a real TOTP key) and their token was issued against a code."""
    username = username or f"{role}{next(_counter)}"
    password = f"{username}-password"
    with unit_of_work(engine) as session:
        accounts.create_user(session, "test", username, password, role, unit=unit, full_name=username.title())
    account = Account(username, password, role)
    if role in second_factor.REQUIRED_FOR:
        enrol(engine, account)
    with unit_of_work(engine) as session:
        code = account.code() if account.totp_secret else None
        _, account.token = accounts.create_token(session, "test", username, code=code)
    return account


def csrf_token(client: TestClient, path: str = "/signin") -> str:
    """The CSRF token a page's form carries (and sets the cookie it is checked against)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match is not None
    return match.group(1)


def sign_in_pages(client: TestClient, account: Account, next: str = "/") -> Any:
    """Sign in through the pages as a person does: the password, then the code when asked."""
    form = {"csrf_token": csrf_token(client), "username": account.username, "password": account.password}
    response = client.post("/signin", data=form | {"next": next}, follow_redirects=False)
    if response.status_code == 303 and response.headers["location"].startswith("/signin/code"):
        token = csrf_token(client, response.headers["location"])
        form = {"csrf_token": token, "code": account.code(), "next": next}
        response = client.post("/signin/code", data=form, follow_redirects=False)
    return response


@pytest.fixture
def accounts_by_role(engine: Engine) -> dict[str, Account]:
    """One account per role, each with a bearer token."""
    return {role: make_account(engine, role, username=role) for role in accounts.ROLES}


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """Debian's Chromium, one per worker: every browser test of the worker shares it (a second
    Playwright in the same process would find the first one's asyncio loop running)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        reason = "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI"):
            pytest.fail(reason + " (required in CI)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
