"""The screening index saved next to the database (`persisted.py`), on SQLite and PostgreSQL: a start
loads it and applies what the change log holds after it; a damaged, forged, stale or foreign file
is refused, never unpickled, and the index built instead; the file is never seen half-written."""

from __future__ import annotations

import dataclasses
import hmac
import json
import os
import pickle
import resource
import shutil
import signal
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine

from liaison import capabilities
from liaison.core.db import make_engine, unit_of_work
from liaison.core.db import utcnow as now
from liaison.core.settings import Settings, get_settings
from liaison.screening import changelog, live, persisted, startup
from liaison.screening.engine import ScreeningIndex, ScreenRecord, SubjectEntry
from liaison.screening.scoring import installed_weights
from liaison.subjects.schemas import DocumentIn, NameIn, SubjectIn
from liaison.subjects.service import change_status, create_subject
from tests.conftest import fresh_engine, make_account
from tests.servers import START_TIMEOUT, Node, free_port, known_to_the_name_cache, wait_for
from tests.subjects.factories import actor

OFFICER = actor("officer")
PEOPLE = [
    ("Nguyễn Văn An", "1980-01-15", "VN"),
    ("阮富仲", "1944-04-14", "VN"),
    ("Колокольцев Владимир Александрович", "1961-05-11", "RU"),
    ("Nurlan Serikovich Abenov", "1975", "KZ"),
    ("Trần Thị Bích Ngọc", "1990-07-02", "VN"),
    ("Zhang Xiaohong", "1985-03-09", "CN"),
]
RECORDS = [
    ScreenRecord("r1", "Nguyen Van An", "1980-01-15", "VN"),
    ScreenRecord("r2", "Ruan Fuzhong"),
    ScreenRecord("r3", "Kolokoltsev Vladimir", "1961"),
    ScreenRecord("r4", "Абенов Нурлан", None, "KZ"),
    ScreenRecord("r5", "Tran Thi Bich Ngoc", "1990-02-07"),
    ScreenRecord("r6", "Xiao Hong Zhang", "1985-03-09", "CN", "P1234567"),
]


@pytest.fixture(autouse=True)
def subscribed() -> None:
    """The subscriptions of every capability, as a started node has them (no app is built here)."""
    capabilities.install(capabilities.enabled(get_settings().capabilities))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The node's settings with the saved index on, in a data folder of this test's own."""
    return get_settings().model_copy(
        update={"screening_persist_index": True, "home": tmp_path / "home", "screening_preload_names": False}
    )


@pytest.fixture
def apps() -> Iterator[list[FastAPI]]:
    """Every app a test started, stopped at its end (their followers are threads)."""
    started: list[FastAPI] = []
    yield started
    for app in started:
        startup.stop(app)


def start(engine: Engine, settings: Settings, apps: list[FastAPI]) -> FastAPI:
    """A node's start-up of screening, as the app's lifespan runs it (`startup.start`)."""
    app = FastAPI()
    app.state.settings, app.state.engine = settings, engine
    apps.append(app)
    startup.start(app)
    return app


def restart(app: FastAPI, settings: Settings, apps: list[FastAPI]) -> FastAPI:
    """Stop this node cleanly (it saves its index) and start another on the same database."""
    startup.stop(app)
    apps.remove(app)
    return start(app.state.engine, settings, apps)


def add(engine: Engine, name: str, born: str | None = None, country: str | None = None) -> int:
    data = SubjectIn(
        names=[NameIn(full_name=name)],
        birth_dates=[born] if born else [],
        nationalities=[country] if country else [],
        documents=[DocumentIn(number="P1234567")] if name.startswith("Zhang") else [],
    )
    with unit_of_work(engine) as session:
        return int(create_subject(session, OFFICER, data).id)


def head(engine: Engine) -> int:
    with engine.connect() as connection:
        return changelog.head(connection)


def hits(index: ScreeningIndex) -> list[tuple[str, int, float, str]]:
    found = index.screen_records(RECORDS, threshold=0.0)
    return [(s.record.record_id, h.subject_id, h.score, h.explanation) for s in found for h in s.hits]


def found(app: FastAPI, name: str) -> list[int]:
    assert startup.ready(app) is None  # what `/readyz` asks: every committed change applied
    return [h.subject_id for h in app.state.screening_index.screen(ScreenRecord("r", name))]


def key(settings: Settings) -> bytes:
    return persisted.mac_key(settings.resolved_secret_key())


def save(engine: Engine, settings: Settings, index: ScreeningIndex, sequence: int, change: str = "") -> Path:
    path = persisted.path_in(settings.home)
    persisted.save(
        index, sequence, path, key(settings), database=persisted.database_identity(engine), change=change
    )
    return path


def test_a_loaded_index_screens_as_a_fresh_build(
    engine: Engine, settings: Settings, apps: list[FastAPI]
) -> None:
    for name, born, country in PEOPLE:
        add(engine, name, born, country)
    first = start(engine, settings, apps)
    assert first.state.screening_index_source == "built"
    assert persisted.path_in(settings.home).stat().st_mode & 0o777 == 0o600  # names of persons sought
    second = restart(first, settings, apps)
    assert second.state.screening_index_source == "loaded"
    fresh = live.build_index(engine)
    assert hits(second.state.screening_index) == hits(fresh)
    assert len(hits(fresh)) >= len(RECORDS)
    assert second.state.screening_index.stats() == fresh.stats()


def test_changes_committed_while_the_file_was_on_disk_are_applied_before_ready(
    engine: Engine, settings: Settings, apps: list[FastAPI]
) -> None:
    cancelled = add(engine, "Phan Văn Khải", "1933")
    first = start(engine, settings, apps)
    saved_at = head(engine)
    startup.stop(first)
    apps.remove(first)
    # another process (the command line, a node that stayed up) changes persons sought meanwhile
    added = add(engine, "Kolokoltsev Vladimir", "1961")
    with unit_of_work(engine) as session:
        change_status(session, OFFICER, cancelled, "cancelled")
    second = start(engine, settings, apps)
    assert second.state.screening_index_source == "loaded"
    assert second.state.screening_saved_at == saved_at < head(engine)  # it started behind the log
    assert found(second, "Колокольцев Владимир") == [added]
    assert found(second, "Phan Van Khai") == []
    assert second.state.screening_follower.applied == head(engine)
    third = restart(second, settings, apps)  # the stop saved it current to the log's head
    assert third.state.screening_saved_at == head(engine)
    assert found(third, "Kolokoltsev Vladimir") == [added]


class Planted:
    """What a forged file would run when unpickled."""

    marker: Path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(self.marker),))  # type: ignore[return-value]


def test_a_damaged_or_forged_file_is_rebuilt_and_never_unpickled(
    engine: Engine, settings: Settings, apps: list[FastAPI], tmp_path: Path
) -> None:
    subject_id = add(engine, "Nguyễn Văn An", "1980-01-15")
    first = start(engine, settings, apps)
    startup.stop(first)
    apps.remove(first)
    path = persisted.path_in(settings.home)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of the payload
    path.write_bytes(bytes(data))
    damaged = start(engine, settings, apps)
    assert damaged.state.screening_index_source == "built"
    assert found(damaged, "Nguyen Van An") == [subject_id]
    # a file written with another key, whose payload would run code: refused before unpickling
    planted = Planted()
    planted.marker = tmp_path / "unpickled"
    body = pickle.dumps(planted, protocol=5)
    header = persisted.Header(
        persisted.FORMAT_VERSION,
        persisted.dependencies(installed_weights()),
        persisted.database_identity(engine),
        head(engine),
        "",
        len(body),
        1,
        0.0,
    )
    header_bytes = json.dumps(dataclasses.asdict(header)).encode()
    head_bytes = persisted.MAGIC + len(header_bytes).to_bytes(4, "big") + header_bytes
    forged = hmac.new(b"not the node's key", head_bytes + body, "sha256").digest()
    startup.stop(damaged)
    apps.remove(damaged)
    path.write_bytes(head_bytes + body + forged)
    refused = start(engine, settings, apps)
    assert refused.state.screening_index_source == "built"
    assert not planted.marker.exists()
    # the same file with the node's key would have been unpickled: the check is what stopped it
    signed = hmac.new(key(settings), head_bytes + body, "sha256").digest()
    path.write_bytes(head_bytes + body + signed)
    with engine.connect() as connection:
        persisted.read_header(path, key(settings))
        assert (
            persisted.load(
                path,
                key(settings),
                database=persisted.database_identity(engine),
                weights=installed_weights(),
                connection=connection,
            )
            is None
        )  # not an index, but it ran
    assert planted.marker.exists()


def test_a_file_the_log_no_longer_covers_is_rebuilt(
    engine: Engine, settings: Settings, apps: list[FastAPI]
) -> None:
    add(engine, "Võ Văn Kiệt", "1922")
    first = start(engine, settings, apps)
    startup.stop(first)
    apps.remove(first)
    later = add(engine, "Đỗ Mười", "1917")
    assert changelog.prune(engine, now() + timedelta(hours=1)) >= 1  # pruned past the file's change
    pruned = start(engine, settings, apps)
    assert pruned.state.screening_index_source == "built"
    assert found(pruned, "Do Muoi") == [later]
    # a file ahead of the log (a database restored from an older backup)
    startup.stop(pruned)
    apps.remove(pruned)
    save(engine, settings, live.build_index(engine), head(engine) + 5)
    assert start(engine, settings, apps).state.screening_index_source == "built"


def test_a_file_made_with_other_weights_is_rebuilt(
    engine: Engine, settings: Settings, apps: list[FastAPI]
) -> None:
    subject_id = add(engine, "Lê Duẩn", "1907")
    other = dataclasses.replace(installed_weights(), prior=installed_weights().prior - 1.0)
    index = ScreeningIndex(other)
    index.upsert(SubjectEntry(subject_id, ("Lê Duẩn",), ("1907",)))
    save(engine, settings, index, head(engine))
    app = start(engine, settings, apps)
    assert app.state.screening_index_source == "built"
    assert app.state.screening_index.weights == installed_weights()
    # the same index with the installed weights is taken: the weights were the reason
    startup.stop(app)
    apps.remove(app)
    index.weights = installed_weights()
    save(engine, settings, index, head(engine))
    assert start(engine, settings, apps).state.screening_index_source == "loaded"


def test_a_file_of_another_database_is_rebuilt(
    engine: Engine, settings: Settings, apps: list[FastAPI], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    add(engine, "Nông Đức Mạnh", "1940")
    first = start(engine, settings, apps)
    startup.stop(first)
    apps.remove(first)
    (tmp_path / "other").mkdir()
    other = fresh_engine(engine.dialect.name, request, tmp_path / "other")
    try:
        mine = add(other, "Trương Tấn Sang", "1949")
        changelog.prune(other, now() + timedelta(hours=1))  # nothing left to compare the change with
        assert head(other) == head(engine)  # its log is at the file's number: only the address tells
        app = start(other, settings, apps)
        assert app.state.screening_index_source == "built"
        assert found(app, "Nong Duc Manh") == [] and found(app, "Truong Tan Sang") == [mine]
        startup.stop(app)
        apps.remove(app)
    finally:
        other.dispose()
    # the same address, another history (a copy, a restore that went on): the change differs
    save(engine, settings, live.build_index(engine), head(engine), change="0" * 64)
    assert start(engine, settings, apps).state.screening_index_source == "built"


def test_the_file_is_replaced_whole_or_not_at_all(engine: Engine, settings: Settings) -> None:
    index = ScreeningIndex(installed_weights())
    index.add_many(SubjectEntry(n, (f"Nguyễn Văn Số{n}", f"Số{n} Văn Nguyễn")) for n in range(1, 2001))
    path = save(engine, settings, index, head(engine))
    before = path.read_bytes()
    # a write that fails half-way (the disk full: the file-size limit makes `write` fail)
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) // 2, limit[1]))
    try:
        with pytest.raises(OSError):
            save(engine, settings, index, head(engine) + 1)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, previous)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]  # no temporary file left behind
    # a reader never sees half a file while another process saves over it
    stop, problems = threading.Event(), []

    def read() -> None:
        while not stop.is_set():
            try:
                persisted.read_header(path, key(settings))
            except persisted.Refused as refused:
                problems.append(str(refused))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for sequence in range(20):
            save(engine, settings, index, sequence)
    finally:
        stop.set()
        reader.join()
    assert problems == []
    assert persisted.read_header(path, key(settings))[0].sequence == 19


def test_the_database_is_known_by_its_address_without_the_password(engine: Engine) -> None:
    other = make_engine(engine.url.render_as_string(hide_password=False))  # another process's engine
    try:
        assert persisted.database_identity(other) == persisted.database_identity(engine)
    finally:
        other.dispose()
    remote = create_engine("postgresql+psycopg://liaison:s3cret@db.example:5432/liaison")
    assert persisted.database_identity(remote) == "postgresql+psycopg://liaison:***@db.example:5432/liaison"


def test_a_server_saves_at_shutdown_and_starts_from_the_file(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A real `liaison serve`: a clean stop (SIGTERM) leaves a whole file; the next start loads it
    (it is not written again) and screens what was added meanwhile. One process on SQLite only:
    the file and the log's sequence are the same on both backends and checked on each above, and
    several writers of one file by `test_the_file_is_replaced_whole_or_not_at_all`."""
    shutil.copy(request.getfixturevalue("sqlite_template"), tmp_path / "shared.db")
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    known_to_the_name_cache(("Trần Đại Quang", "Tran Dai Quang", "Nguyễn Xuân Phúc", "Nguyen Xuan Phuc"))
    (tmp_path / "node").mkdir()
    node = Node(
        "persist",
        tmp_path / "node",
        url,
        free_port(),
        {"LIAISON_SCREENING_POLL_SECONDS": "0.2"},
    )
    engine = make_engine(url)
    officer = make_account(engine, "officer")
    path = persisted.path_in(node.home)
    node_key = persisted.mac_key(node.env["LIAISON_SECRET_KEY"])

    def screened(name: str) -> list[int]:
        response = httpx.post(
            node.url + "/api/v1/screen",
            json={"record_id": "T1", "name": name},
            headers=officer.headers,
            timeout=START_TIMEOUT,
        )
        assert response.status_code == 200, response.text
        return [hit["subject_id"] for hit in response.json()["results"][0]["hits"]]

    try:
        node.start()
        response = httpx.post(
            node.url + "/api/v1/subjects",
            json={"names": [{"full_name": "Trần Đại Quang"}]},
            headers=officer.headers,
            timeout=START_TIMEOUT,
        )
        assert response.status_code == 201, response.text
        first = response.json()["id"]
        # the server's follower has counted the change it wrote (it saves only what it moved on to)
        wait_for(lambda: httpx.get(node.url + "/readyz", timeout=10).status_code == 200, timeout=30)
        node.stop()  # SIGTERM: the shutdown saves the index
        header, _ = persisted.read_header(path, node_key)
        assert 1 <= header.sequence <= head(engine) and header.subjects >= 1
        second = add(engine, "Nguyễn Xuân Phúc", "1954")  # written while no server runs
        node.start()
        assert screened("Tran Dai Quang") == [first] and screened("Nguyen Xuan Phuc") == [second]
        assert persisted.read_header(path, node_key)[0] == header  # loaded, not rebuilt
        node.stop()
        assert persisted.read_header(path, node_key)[0].sequence == head(engine)
        assert [p.name for p in node.home.iterdir() if p.name.endswith(".tmp")] == []
    finally:
        node.close()
        engine.dispose()
