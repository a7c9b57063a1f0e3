"""Several server processes, one truth: two `liaison serve` servers on one database (PostgreSQL,
woken by NOTIFY; SQLite, polling), real HTTP on loopback, the second with `--workers 2`. A person
sought added, renamed or cancelled through one is screened accordingly through the other within a
second."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from liaison.core.db import make_engine
from tests.conftest import BACKENDS, Account, make_account
from tests.servers import START_TIMEOUT, Node, free_port, known_to_the_name_cache, postgres_url

pytestmark = pytest.mark.xdist_group("several-processes")  # one worker starts the servers once a backend
PROPAGATION_SECONDS = 1.0  # what the issue asks: the other process finds the change within a second


def start_all(nodes: list[Node]) -> None:
    """Start the servers side by side (each start waits for `/readyz`)."""
    problems: list[BaseException] = []

    def start(node: Node) -> None:
        try:
            node.start()
        except BaseException as error:
            problems.append(error)

    threads = [threading.Thread(target=start, args=(node,)) for node in nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if problems:
        raise problems[0]


@pytest.fixture(scope="module", params=BACKENDS)
def servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Node, Node, Account]]:
    """Two servers, each with its own data folder, on ONE database; and an officer. B is
    `liaison serve --workers 2`: two processes behind one port, so three indexes follow the log.
    The tests of this module share them (a start costs seconds) and each uses names of its own."""
    tmp_path = tmp_path_factory.mktemp(f"servers-{request.param}")
    if request.param == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), tmp_path / "shared.db")
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    else:
        url = postgres_url(request.getfixturevalue("postgres"))
    # SQLite polls every 0.2 s here (0.5 s by default) to leave room for a loaded test machine.
    quiet = {"LIAISON_EXCHANGE_WORKER": "false", "LIAISON_SCREENING_POLL_SECONDS": "0.2"}
    known_to_the_name_cache(NAMES)
    nodes = []
    for name, serve_args in (("server-a", ()), ("server-b", ("--workers", "2"))):
        (tmp_path / name).mkdir()
        nodes.append(Node(name, tmp_path / name, url, free_port(), quiet, serve_args))
    engine = make_engine(url)
    officer = make_account(engine, "officer")
    engine.dispose()
    try:
        start_all(nodes)
        warm_up(nodes[0], nodes[1], officer)
        yield nodes[0], nodes[1], officer
    finally:
        for node in nodes:
            node.close()


WARM_UP_NAMES = ("Abdulla Aripov", "Абдулла Арипов", "阿里波夫")  # Latin, Cyrillic, Chinese
# every name the tests store or screen (a name added here is looked up in the name cache first)
NAMES = (
    *WARM_UP_NAMES,
    "Колокольцев Владимир",
    "Kolokoltsev Vladimir",
    "Trần Văn Bình",
    "Tran Van Binh",
    "王小洪",
)


def warm_up(a: Node, b: Node, officer: Account) -> None:
    """What a process still loads on first use (a script's tables when it first indexes or screens a
    name of that kind) is loaded here: a first person sought with a name in each script the tests
    use, found by every process, is waited for without the tests' one-second limit."""
    names = [{"full_name": name} for name in WARM_UP_NAMES]
    created = call(a, officer, "/subjects", {"names": names}, status=201)
    for node in (a, b):
        seconds_until(
            lambda node=node: all(
                hits_for(node, officer, name) == [created["id"]] for name in WARM_UP_NAMES for _ in range(3)
            ),
            limit=START_TIMEOUT,
        )


def call(node: Node, who: Account, path: str, body: dict[str, Any], status: int = 200) -> Any:
    response = httpx.post(node.url + "/api/v1" + path, json=body, headers=who.headers, timeout=START_TIMEOUT)
    assert response.status_code == status, response.text
    return response.json()


def hits_for(node: Node, who: Account, name: str) -> list[int]:
    (result,) = call(node, who, "/screen", {"record_id": "T1", "name": name})["results"]
    return [hit["subject_id"] for hit in result["hits"]]


def seconds_until(condition: Any, limit: float = PROPAGATION_SECONDS) -> float:
    """How long until `condition()` held, looking every 20 ms; fails after `limit` seconds."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < limit, f"not reached within {limit} s"
        time.sleep(0.02)
    took = time.monotonic() - started
    assert took < limit, f"reached after {took:.2f} s, not within {limit} s"
    return took


def test_a_subject_added_through_one_server_is_screened_by_the_other_within_a_second(
    servers: tuple[Node, Node, Account], record_property: Any
) -> None:
    a, b, officer = servers
    assert hits_for(b, officer, "Колокольцев Владимир") == []
    created = call(a, officer, "/subjects", {"names": [{"full_name": "Kolokoltsev Vladimir"}]}, status=201)
    # every one of B's processes: several screens in a row, which its two processes share
    took = seconds_until(
        lambda: all(hits_for(b, officer, "Колокольцев Владимир") == [created["id"]] for _ in range(4))
    )
    record_property("propagation_seconds", round(took, 3))
    print(f"propagation through the change log: {took * 1000:.0f} ms")
    for node in (a, b):  # both indexes are current with the log
        assert httpx.get(node.url + "/readyz", timeout=10).json()["status"] == "ready"


def test_a_subject_renamed_or_cancelled_through_one_server_is_so_in_the_other(
    servers: tuple[Node, Node, Account],
) -> None:
    a, b, officer = servers
    created = call(b, officer, "/subjects", {"names": [{"full_name": "Trần Văn Bình"}]}, status=201)
    seconds_until(lambda: hits_for(a, officer, "Tran Van Binh") == [created["id"]])
    assert hits_for(a, officer, "王小洪") == []
    call(b, officer, f"/subjects/{created['id']}/names", {"full_name": "王小洪"}, status=201)
    seconds_until(lambda: hits_for(a, officer, "王小洪") == [created["id"]])
    call(a, officer, f"/subjects/{created['id']}/status", {"status": "cancelled", "note": "withdrawn"})
    seconds_until(lambda: hits_for(b, officer, "Tran Van Binh") == [])
    assert hits_for(a, officer, "Tran Van Binh") == []  # the writer's own index, at once


LISTEN, ESTABLISHED = "0A", "01"  # TCP states as /proc/net/tcp writes them


def local_sockets(port: int, state: str) -> set[int]:
    """The inodes of the sockets on local `port` in `state` (from /proc/net/tcp and tcp6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == state and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(int(fields[9]))
    return inodes


def listeners(port: int) -> dict[int, int]:
    """The sockets listening on loopback `port`, as {socket inode: pid of the process holding it}."""
    inodes = local_sockets(port, LISTEN)
    return {inode: pid for inode, pid in socket_holders().items() if inode in inodes}


def socket_holders() -> dict[int, int]:
    """Every open socket's inode and the process holding it (read from /proc/*/fd)."""
    found = {}
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            target = os.readlink(fd)
        except OSError:  # the process or descriptor went meanwhile
            continue
        if target.startswith("socket:["):
            found[int(target[8:-1])] = int(fd.parts[2])
    return found


def connections_per_process(port: int, clients: list[httpx.Client]) -> Counter[int]:
    """Which of the server's processes holds each of the clients' open connections."""
    for client in clients:  # each opens its connection and keeps it
        client.get("/readyz").raise_for_status()
    server_side = local_sockets(port, ESTABLISHED)
    return Counter(pid for inode, pid in socket_holders().items() if inode in server_side)


def test_each_process_of_a_server_listens_on_its_own_socket_and_gets_its_share_of_connections(
    servers: tuple[Node, Node, Account],
) -> None:
    """`--workers 2` is two processes doing the work, not one: with uvicorn's one shared socket
    the process awake for a burst of connections took them all (24 of 24 in `bench/load.py`)."""
    _, b, _ = servers
    assert b.process is not None
    held = listeners(b.port)
    assert len(held) == 2 and len(set(held.values())) == 2, held
    assert b.process.pid not in held.values()  # the supervisor holds the port but takes no connection
    clients = [httpx.Client(base_url=b.url, timeout=START_TIMEOUT) for _ in range(16)]
    try:
        shares = connections_per_process(b.port, clients)
    finally:
        for client in clients:
            client.close()
    assert set(shares) == set(held.values()), shares  # 16 connections: each process has some
    assert sum(shares.values()) == 16


def test_a_process_restarted_by_the_supervisor_listens_again_on_its_own_socket(
    servers: tuple[Node, Node, Account],
) -> None:
    """(Last in the module: it takes one of B's processes down.)"""
    _, b, officer = servers
    before = listeners(b.port)
    os.kill(next(iter(before.values())), signal.SIGKILL)
    seconds_until(
        lambda: len(held := listeners(b.port)) == 2 and set(held.values()) != set(before.values()),
        limit=START_TIMEOUT,
    )

    # every connection is answered, whichever process it reaches (the new one has its index)
    def screened_by_all() -> bool:
        body = {"record_id": "T1", "name": "Abdulla Aripov"}
        try:  # the new process's first screen loads its name tables: longer than httpx's 5 s when loaded
            url, headers = b.url + "/api/v1/screen", officer.headers
            answers = [httpx.post(url, json=body, headers=headers, timeout=START_TIMEOUT) for _ in range(8)]
        except httpx.HTTPError:
            return False
        return all(answer.status_code == 200 and answer.json()["results"][0]["hits"] for answer in answers)

    seconds_until(screened_by_all, limit=START_TIMEOUT)
