"""Load and soak: a real `liaison serve` on loopback, 24 clients doing the mixed load.

Two units, ten users (officers and a supervisor per unit), persons sought and requests carrying
H0-H3. Each client loops over search, screen one person, create commitment, create request,
comment, list and get for `--seconds` (60; `--soak` makes it 600), through httpx's async client.
Reported: requests per second, p50/p95/p99 per operation and overall, errors and 5xx, the
acknowledged writes missing afterwards (every 201's id looked up in the database: must be 0),
the server's resident memory at the start and end, and `liaison audit verify` at the end.

`--workers N` starts `liaison serve --workers N`; the CPU per request adds up all the server's
processes (the batch worker beside it apart). `--batch RECORDS` measures the load a second time on
the same server while batch screening runs of RECORDS travellers go on, and gives the p99 rise.

`--before-src DIR` first runs the same load on a copy of the same seeded database with the code in
DIR (a `git archive` of the commit before a change), so before and after are measured in one run
on the same data. `--write-docs` replaces the "Load" section of docs/benchmarks.md.

    python bench/load.py --backend both --before-src /tmp/liaison-before/src --write-docs
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import percentile, write_section  # noqa: E402

SRC = ROOT / "src"
UNITS = ("unit-a", "unit-b")
USERS = [  # (name, role, unit): five per unit, the fifth a supervisor
    (f"{unit[-1]}{n}", "supervisor" if n == 5 else "officer", unit) for unit in UNITS for n in range(1, 6)
]
CODES = ("H0", "H1", "H2", "H3")
SUBJECTS_PER_USER, REQUESTS_PER_USER, ENGAGEMENTS = 20, 4, 10
GIVEN = ("Nguyen Van", "Tran Thi", "Le Minh", "Ivan", "Olga", "Wang", "Aliya", "Pham Quoc", "Sergei", "Mei")
FAMILY = ("An", "Binh", "Petrov", "Ivanova", "Li", "Nurlanovna", "Hung", "Smirnov", "Chen", "Dung")
MIX = {  # operation: weight
    "search": 3,
    "screen": 2,
    "create commitment": 1,
    "create request": 1,
    "comment": 2,
    "list": 2,
    "get": 3,
}
ACCOUNTS_SCRIPT = """
import json, sys
import pyotp
from liaison.core import accounts, second_factor
from liaison.core.db import unit_of_work
users = json.loads(sys.argv[1])
tokens = {}
with unit_of_work() as session:
    for name, role, unit in users:
        user = accounts.create_user(
            session, "bench", name, name + "-bench-pass-1", role, unit=unit, full_name=name
        )
        code = None
        if second_factor.is_required(user):  # enrolled as a person would, the token against a recovery code
            enrolment = second_factor.start_enrolment(user)
            first = pyotp.TOTP(enrolment.secret).now()
            code = second_factor.confirm_enrolment(session, user, enrolment.sealed, first)[0]
        tokens[name] = accounts.create_token(session, "bench", name, code=code)[1]
print(json.dumps(tokens))
"""


def _person(rng: random.Random) -> tuple[str, str]:
    return (
        f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
        f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-15",
    )


class Database:
    """The databases of one backend: SQLite files in a folder, or a throw-away PostgreSQL cluster."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend, self.folder = backend, folder
        self.cluster: Any = None
        if backend == "postgresql":
            from tests.conftest import start_postgres

            self.cluster = start_postgres()

    def url(self, name: str) -> str:
        return self.cluster.url(name) if self.cluster else f"sqlite:///{self.folder / name}.db"

    def create(self, name: str, template: str | None = None) -> str:
        if self.cluster is None:
            for suffix in (".db", ".db-wal", ".db-shm") if template else ():
                if (self.folder / f"{template}{suffix}").exists():
                    shutil.copy(self.folder / f"{template}{suffix}", self.folder / f"{name}{suffix}")
            return self.url(name)
        admin = create_engine(self.cluster.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(
                text(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
            )
        admin.dispose()
        return self.url(name)

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()


def _env(src: Path, url: str, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(src),
        "LIAISON_DATABASE_URL": url,
        "LIAISON_HOME": str(home),
        "LIAISON_SECRET_KEY": "bench-secret-key-not-for-production",
    }


def liaison(src: Path, url: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args],
        env=_env(src, url, home),
        capture_output=True,
        text=True,
        check=False,
    )


def _listen(port: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes used so far (from /proc), for CPU cost per request."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids(cluster: Any) -> list[int]:
    """The postmaster and its children (backends, writer, WAL) of the throw-away cluster."""
    if cluster is None:
        return []
    postmaster = int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0])
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return [postmaster, *children]


def rss_kib(pids: list[int]) -> int:
    """Resident memory of the processes added up (each server process holds its own index)."""
    total = 0
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in lines if line.startswith("VmRSS:"))
    return total


def process_tree(root: int) -> tuple[list[int], list[int]]:
    """`liaison serve`'s processes: (the server's: the uvicorn parent and the request processes it
    starts with `--workers`, uvicorn's supervisor included; the batch worker's: `liaison worker`,
    which `serve` starts beside itself, and anything under it). Read from /proc at each call, so a
    request process uvicorn restarted is counted from when it appears."""
    parents: dict[int, int] = {}
    commands: dict[int, bytes] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid = int(stat.parent.name)
            parents[pid] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            commands[pid] = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
    server, worker = [root], list[int]()
    frontier = [(root, False)]
    while frontier:
        parent, in_worker = frontier.pop()
        for pid, ppid in parents.items():
            if ppid != parent:
                continue
            below_worker = in_worker or commands.get(pid, b"").split(b"\0")[-3:-1] == [b"liaison", b"worker"]
            (worker if below_worker else server).append(pid)
            frontier.append((pid, below_worker))
    return server, worker


@contextmanager
def server(
    src: Path, url: str, home: Path, workers: int = 1
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`liaison serve --workers N` in its own process on a free loopback port, until it answers
    /readyz (with several processes: until each has answered, since each builds its own index)."""
    port = _free_port()
    log = open(home / f"server-{port}.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "liaison", "serve", *_listen(port), "--workers", str(workers)],
        env=_env(src, url, home),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600  # start-up builds the screening index; slow on a loaded machine
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}: see {log.name}")
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200 and _all_ready(
                    base, workers, Path(log.name)
                ):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not become ready: see {log.name}")
            time.sleep(0.3)
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _all_ready(base: str, workers: int, log: Path) -> bool:
    """With several processes on one port each connection goes to one of them: ready when every
    process has logged its start-up complete and /readyz answers 200 on fresh connections in a row
    (the answers carry no process id)."""
    if workers == 1:
        return True
    if log.read_text(errors="replace").count("Application startup complete.") < workers:
        return False
    return all(httpx.get(base + "/readyz", timeout=5).status_code == 200 for _ in range(8 * workers))


@dataclass
class Seed:
    tokens: dict[str, str]
    engagements: list[int]
    requests: dict[str, list[int]]  # unit: request ids its users may read (H0-H3)
    names: list[tuple[str, str]]
    agencies: tuple[int, int]


def _post(client: httpx.Client, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    if answer.status_code != 201:
        raise RuntimeError(f"seeding {path}: {answer.status_code} {answer.text[:300]}")
    return dict(answer.json())


def _request_body(agencies: tuple[int, int], code: str, rng: random.Random) -> dict[str, Any]:
    return {
        "kind": "extradition",
        "direction": "outgoing",
        "requesting_agency_id": agencies[0],
        "requested_agency_id": agencies[1],
        "title": f"Extradition {rng.randint(1, 10**6)}",
        "details": {"offence": "Embezzlement", "warrant_reference": "W-1", "penalty": "20 years"},
        "handling_code": code,
    }


def seed(src: Path, url: str, home: Path) -> Seed:
    """Users and tokens (through the code's own accounts module), then records through the API."""
    users = [*USERS, ("bench-admin", "admin", UNITS[0])]
    made = subprocess.run(
        [sys.executable, "-c", ACCOUNTS_SCRIPT, json.dumps(users)],
        env=_env(src, url, home),
        capture_output=True,
        text=True,
        check=True,
    )
    tokens: dict[str, str] = json.loads(made.stdout)
    rng = random.Random(20261202)
    names: list[tuple[str, str]] = []
    requests: dict[str, list[int]] = defaultdict(list)
    with server(src, url, home) as (base, _), httpx.Client(base_url=base + "/api/v1", timeout=60) as client:
        admin = tokens["bench-admin"]
        vn = _post(
            client,
            "/agencies",
            admin,
            {"name": "Ministry of Public Security", "kind": "interior", "country": "VN"},
        )
        kz = _post(
            client,
            "/agencies",
            admin,
            {"name": "Anti-Corruption Agency", "kind": "anti_corruption", "country": "KZ"},
        )
        agencies = (int(vn["id"]), int(kz["id"]))
        talks = {"kind": "talks", "held_on": "2025-02-25", "country": "KZ"}
        engagements = [
            int(_post(client, "/engagements", admin, {**talks, "title": f"Talks {n}"})["id"])
            for n in range(ENGAGEMENTS)
        ]
        for name, _role, unit in USERS:
            for n in range(SUBJECTS_PER_USER):
                full_name, born = _person(rng)
                names.append((full_name, born))
                body = {
                    "names": [{"full_name": full_name}],
                    "birth_dates": [born],
                    "handling_code": CODES[n % 4],
                }
                _post(client, "/subjects", tokens[name], body)
            for n in range(REQUESTS_PER_USER):
                created = _post(client, "/requests", tokens[name], _request_body(agencies, CODES[n % 4], rng))
                requests[unit].append(int(created["id"]))
    return Seed(tokens, engagements, dict(requests), names, agencies)


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # transport errors by kind
    written: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )  # table: ids acknowledged


async def client_loop(
    base: str, seed: Seed, user: tuple[str, str, str], until: float, out: Results, rng: random.Random
) -> None:
    name, _role, unit = user
    headers = {"Authorization": f"Bearer {seed.tokens[name]}"}
    operations, weights = list(MIX), list(MIX.values())
    mine = seed.requests[unit]
    async with httpx.AsyncClient(base_url=base + "/api/v1", headers=headers, timeout=60) as client:
        while time.monotonic() < until:
            operation = rng.choices(operations, weights)[0]
            person, born = rng.choice(seed.names)
            if operation == "search":
                call = client.get("/subjects", params={"q": person.split()[-1], "limit": 20})
            elif operation == "screen":
                call = client.post("/screen", json={"name": person, "birth_date": born})
            elif operation == "create commitment":
                body = {
                    "engagement_id": rng.choice(seed.engagements),
                    "text": "Exchange information",
                    "kind": "agreed",
                }
                call = client.post("/commitments", json=body)
            elif operation == "create request":
                call = client.post("/requests", json=_request_body(seed.agencies, rng.choice(CODES), rng))
            elif operation == "comment":
                call = client.post(
                    f"/requests/{rng.choice(mine)}/comments", json={"body": f"Note {rng.random()}"}
                )
            elif operation == "list":
                call = client.get("/requests", params={"limit": 20})
            else:
                call = client.get(f"/requests/{rng.choice(mine)}")
            began = time.perf_counter()
            try:
                answer = await call
            except httpx.HTTPError as error:
                out.failures[type(error).__name__] += 1
                continue
            out.latencies[operation].append((time.perf_counter() - began) * 1000)
            out.statuses[answer.status_code] += 1
            if answer.status_code == 201:
                table = {
                    "create commitment": "commitment",
                    "create request": "request",
                    "comment": "request_comment",
                }[operation]
                out.written[table].append(int(answer.json()["id"]))


def missing_writes(url: str, written: dict[str, list[int]]) -> int:
    """Acknowledged writes that are not in the database (must be 0)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    missing = 0
    with engine.connect() as connection:
        for table, ids in written.items():
            present = {row[0] for row in connection.execute(text(f"SELECT id FROM {table}"))}
            missing += len(set(ids) - present)
    engine.dispose()
    return missing


@dataclass
class Run:
    label: str
    backend: str
    seconds: float
    results: Results
    missing: int
    rss_start: int
    rss_end: int
    verify: str
    load_start: float
    load_end: float
    server_cpu: float  # seconds of CPU the server's processes used during the measured load
    database_cpu: float  # the same for PostgreSQL's processes (0 on SQLite: it runs in the server)
    processes: int = 1  # the server's processes counted (uvicorn's parent and its request processes)
    worker_cpu: float = 0.0  # the same for the batch worker beside it (`liaison worker`)
    batch_records: int | None = None  # records the batch run screened during the window

    @property
    def all_latencies(self) -> list[float]:
        return [ms for values in self.results.latencies.values() for ms in values]

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.results.statuses.items() if status >= 400) + sum(
            self.results.failures.values()
        )

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.results.statuses.items() if status >= 500)


class Batch:
    """A batch screening run going on during the load, as an officer starts one from the batch page
    or `POST /screening/runs`: a CSV of `records` travellers, and another as soon as one is done, so
    `liaison serve`'s batch worker screens for the whole measured window."""

    def __init__(self, base: str, token: str, records: int) -> None:
        self.client = httpx.Client(
            base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=120
        )
        rng = random.Random(11)
        rows = ["record_id,name,birth_date"] + [
            f"r{n},{_person(rng)[0]},{_person(rng)[1]}" for n in range(records)
        ]
        self.csv = ("\n".join(rows) + "\n").encode()
        self.stop = threading.Event()
        self.screened = 0  # records screened while `measure` ran
        self.runs: list[int] = []
        self.failed: list[str] = []

    def _start(self) -> int:
        answer = self.client.post("/screening/runs", files={"file": ("travellers.csv", self.csv, "text/csv")})
        if answer.status_code != 202:
            raise RuntimeError(f"batch run refused: {answer.status_code} {answer.text[:300]}")
        self.runs.append(int(answer.json()["id"]))
        return self.runs[-1]

    def _get(self, run: int) -> dict[str, Any]:
        return dict(self.client.get(f"/screening/runs/{run}").json())

    def wait_running(self) -> None:
        """Start the first run and wait until the worker screens it (it first builds its index)."""
        run = self._start()
        deadline = time.monotonic() + 600
        while self._get(run)["status"] == "queued" and time.monotonic() < deadline:
            time.sleep(0.5)

    def keep_going(self) -> None:
        """Until `stop`: count what is screened, and start a new run when one ends."""
        run, seen = self.runs[-1], self._get(self.runs[-1])["records"]
        while not self.stop.wait(1.0):
            state = self._get(run)
            self.screened += state["records"] - seen
            seen = state["records"]
            if state["status"] in ("done", "failed"):
                if state["status"] == "failed":
                    self.failed.append(str(state["detail"]))
                run, seen = self._start(), 0

    @contextmanager
    def going(self) -> Iterator[None]:
        thread = threading.Thread(target=self.keep_going, daemon=True)
        thread.start()
        try:
            yield
        finally:
            self.stop.set()
            thread.join()
            self.client.close()


def _measure(
    label: str,
    database: Database,
    base: str,
    process: subprocess.Popen[bytes],
    seed: Seed,
    seconds: float,
    clients: int,
    rng: random.Random,
    batch: Batch | None = None,
) -> tuple[Run, Results]:
    """One measured window of the load on a running server."""
    out = Results()
    server_pids, worker_pids = process_tree(process.pid)
    rss_start, load_start = rss_kib(server_pids), os.getloadavg()[0]
    pg = postgres_pids(database.cluster)
    cpu_start = cpu_seconds(server_pids), cpu_seconds(worker_pids), cpu_seconds(pg)
    began = time.monotonic()
    with batch.going() if batch else _nothing():
        asyncio.run(_clients(base, seed, clients, began + seconds, out, rng))
    elapsed = time.monotonic() - began
    rss_end, load_end = rss_kib(server_pids), os.getloadavg()[0]
    cpu_end = cpu_seconds(server_pids), cpu_seconds(worker_pids), cpu_seconds(pg)
    run = Run(
        label,
        database.backend,
        elapsed,
        out,
        0,
        rss_start,
        rss_end,
        "",
        load_start,
        load_end,
        cpu_end[0] - cpu_start[0],
        max(cpu_end[2] - cpu_start[2], 0.0),
        len(server_pids),
        cpu_end[1] - cpu_start[1],
        batch.screened if batch else None,
    )
    return run, out


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def run_load(
    label: str,
    database: Database,
    src: Path,
    url: str,
    home: Path,
    seed: Seed,
    seconds: float,
    clients: int,
    workers: int = 1,
    batch_records: int = 0,
) -> list[Run]:
    """The load on one server: once, and with `batch_records` again with a batch run going on."""
    runs = []
    with server(src, url, home, workers) as (base, process):
        rng = random.Random(7)
        warm_until = time.monotonic() + 3
        asyncio.run(_clients(base, seed, clients, warm_until, Results(), rng))  # warm-up, not counted
        runs.append(_measure(label, database, base, process, seed, seconds, clients, rng))
        if batch_records:
            batch = Batch(base, seed.tokens[USERS[0][0]], batch_records)
            batch.wait_running()
            runs.append(
                _measure(label + " + batch", database, base, process, seed, seconds, clients, rng, batch)
            )
        alive = process.poll() is None
    verified = liaison(src, url, home, "audit", "verify")
    verify = (verified.stdout + verified.stderr).strip().replace("\n", " ")
    if not alive:
        verify = "SERVER DIED; " + verify
    done = []
    for run, out in runs:
        run.missing, run.verify = missing_writes(url, out.written), verify
        done.append(run)
    return done


async def _clients(
    base: str, seed: Seed, clients: int, until: float, out: Results, rng: random.Random
) -> None:
    await asyncio.gather(
        *(
            client_loop(base, seed, USERS[n % len(USERS)], until, out, random.Random(rng.random()))
            for n in range(clients)
        )
    )


def report(runs: list[Run], args: argparse.Namespace) -> str:
    lines = [
        "## Load",
        "",
        f"`python bench/load.py --backend {args.backend} --seconds {args.seconds:g} --clients {args.clients}"
        f" --workers {args.workers}"
        + (f" --batch {args.batch}" if args.batch else "")
        + (" --before-src <commit before the change>/src" if args.before_src else "")
        + f"` — a real `liaison serve --workers {args.workers}` on loopback, "
        f"{args.clients} httpx async clients, two units, ten users, "
        f"{len(USERS) * SUBJECTS_PER_USER} persons sought and {len(USERS) * REQUESTS_PER_USER} requests "
        "carrying H0–H3 at the start; the mix "
        + ", ".join(f"{op} ×{w}" for op, w in MIX.items())
        + ". 2 cores, 24 GiB, shared with other work (the 1-minute load average is given). "
        "Targets: PostgreSQL ≥ 400 req/s with p99 ≤ 150 ms; SQLite ≥ 200 req/s with p99 ≤ 300 ms; "
        "with a batch run going on, p99 up by at most 50%. CPU: the server's processes added up "
        "(uvicorn's parent and its request processes), PostgreSQL's, and the batch worker's "
        "(`liaison worker`, beside the server), each per request of the load.",
        "",
        "| run | backend | req/s | p50 ms | p95 ms | p99 ms | errors | 5xx | acknowledged writes missing"
        " | CPU ms/request server (processes) + PostgreSQL + batch worker | batch records/s"
        " | RSS start → end MiB | load avg | audit verify |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|---|",
    ]
    p99s: dict[tuple[str, str], float] = {}
    for run in runs:
        every = run.all_latencies
        p50, p95, p99 = (percentile(every, share) for share in (0.5, 0.95, 0.99))
        p99s[run.backend, run.label] = p99
        per = 1000 / max(len(every), 1)
        batch = "–" if run.batch_records is None else f"{run.batch_records / run.seconds:.0f}"
        lines.append(
            f"| {run.label} | {run.backend} | {len(every) / run.seconds:.0f} | "
            f"{p50:.0f} | {p95:.0f} | {p99:.0f} | {run.errors} | {run.server_errors} | "
            f"{run.missing} | {per * run.server_cpu:.1f} ({run.processes}) + "
            f"{per * run.database_cpu:.1f} + {per * run.worker_cpu:.1f} | {batch} | "
            f"{run.rss_start / 1024:.0f} → {run.rss_end / 1024:.0f} | "
            f"{run.load_start:.1f} → {run.load_end:.1f} | {run.verify} |"
        )
    rises = [
        f"{backend} {label}: p99 {p99s[backend, label]:.0f} → {p99:.0f} ms "
        f"({100 * (p99 / max(p99s[backend, label], 1e-9) - 1):+.0f}%)"
        for (backend, both), p99 in p99s.items()
        if both.endswith(" + batch") and (backend, label := both.removesuffix(" + batch")) in p99s
    ]
    if rises:
        lines += ["", "With the batch run going on (target: at most +50%): " + "; ".join(rises) + "."]
    lines += [
        "",
        "Per operation (p50 / p99 ms):",
        "",
        "| run | backend | " + " | ".join(MIX) + " |",
        "|---|---|" + "---:|" * len(MIX),
    ]
    for run in runs:
        timings = run.results.latencies
        cells = [
            f"{percentile(timings[op], 0.5):.0f} / {percentile(timings[op], 0.99):.0f}"
            if timings[op]
            else "–"
            for op in MIX
        ]
        lines.append(f"| {run.label} | {run.backend} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--soak", action="store_true", help="run for 10 minutes")
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument(
        "--before-src", type=Path, help="also run the code in this src folder first, on the same data"
    )
    parser.add_argument("--workers", type=int, default=1, help="`liaison serve --workers N`")
    parser.add_argument(
        "--batch",
        type=int,
        default=0,
        metavar="RECORDS",
        help="measure the load again with batch runs of RECORDS travellers going on (e.g. 20000)",
    )
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    if args.soak:
        args.seconds = 600
    runs: list[Run] = []
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory(prefix="liaison-load-") as folder:
            home, database = Path(folder), Database(backend, Path(folder))
            try:
                first = args.before_src or SRC
                seeded_url = database.create("seeded")
                upgraded = liaison(first, seeded_url, home, "db", "upgrade")
                if upgraded.returncode:
                    raise RuntimeError(upgraded.stderr)
                data = seed(first, seeded_url, home)
                variants = (
                    [("before", args.before_src), ("after", SRC)] if args.before_src else [("this code", SRC)]
                )
                for label, src in variants:
                    url = database.create(label.replace(" ", "_"), template="seeded")
                    liaison(src, url, home, "db", "upgrade")
                    done = run_load(
                        label,
                        database,
                        src,
                        url,
                        home,
                        data,
                        args.seconds,
                        args.clients,
                        args.workers,
                        args.batch,
                    )
                    runs += done
                    for row in report(done, args).splitlines()[6 : 6 + len(done)]:
                        print(row, flush=True)
            finally:
                database.stop()
    markdown = report(runs, args)
    print(markdown)
    if args.write_docs:
        write_section(
            "## Load" if not args.soak else "## Soak",
            markdown if not args.soak else markdown.replace("## Load", "## Soak", 1),
        )


if __name__ == "__main__":
    main()
