"""What every benchmark shares: percentiles, timing through the service, the two database
backends, and writing its own section of docs/benchmarks.md."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

from liaison.core.db import make_engine, unit_of_work

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
INTRO = "# Benchmarks\n\nEach section is written by its `bench/*.py` script.\n"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(engine: Engine, operation: Callable[[Any], Any], calls: int) -> list[float]:
    """Milliseconds of each call, each in its own committed transaction as a route would run it."""
    timings = []
    for _ in range(calls):
        began = time.perf_counter()
        with unit_of_work(engine) as session:
            operation(session)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


@contextmanager
def database_backends(which: str, name: str) -> Iterator[Iterator[tuple[str, Engine]]]:
    """Empty databases to benchmark on: SQLite in a temporary folder and/or a throw-away PostgreSQL."""
    with tempfile.TemporaryDirectory(prefix="liaison-bench-") as folder:

        def engines() -> Iterator[tuple[str, Engine]]:
            if which in ("sqlite", "both"):
                engine = make_engine(f"sqlite:///{folder}/{name}.db")
                yield "SQLite", engine
                engine.dispose()
            if which in ("postgresql", "both"):
                sys.path.insert(0, str(ROOT))
                from tests.conftest import start_postgres

                cluster = start_postgres()
                try:
                    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
                    with admin.connect() as connection:
                        connection.execute(text("CREATE DATABASE bench"))
                    admin.dispose()
                    engine = make_engine(cluster.url("bench"))
                    yield "PostgreSQL", engine
                    engine.dispose()
                finally:
                    cluster.stop()

        yield engines()


Row = tuple[str, str, list[float]]  # backend, operation, milliseconds of each call


def request_arguments(description: str, **counts: int) -> argparse.Namespace:
    """The options of a benchmark over generated requests: `--requests`, `--backend`, `--quick`,
    and its own counts (`runs=5` gives `--runs`, default 5)."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1_000_000)
    for name, default in counts.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="print only; do not touch docs/benchmarks.md")
    return parser.parse_args()


def on_each_backend(
    args: argparse.Namespace, name: str, run: Callable[[str, Engine, argparse.Namespace], list[Row]]
) -> tuple[list[Row], float]:
    """Every row `run` measures on each chosen backend, and the load average before it began."""
    results: list[Row] = []
    load_before = os.getloadavg()[0]
    with database_backends(args.backend, name) as engines:
        for label, engine in engines:
            results += run(label, engine, args)
    return results, load_before


def write_section(section: str, markdown: str) -> None:
    """Replace this benchmark's `## section` of docs/benchmarks.md, leaving the others as they are."""
    text = DOCS.read_text() if DOCS.exists() else INTRO
    start = text.find(f"\n{section}\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + markdown
    else:
        following = text.find("\n## ", start + 5)
        text = text[: start + 1] + markdown + (text[following + 1 :] if following != -1 else "")
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text.rstrip("\n") + "\n")


def publish(section: str, lines: list[str], quick: bool) -> None:
    """Print the section's table, and unless `quick`, put it in docs/benchmarks.md."""
    table = "\n".join(lines) + "\n"
    print(table)
    if not quick:
        write_section(section, table)
