"""What SQLite plans for the statements a block of a test makes: for tests that a read looks its
rows up by index, never by scanning a table that grows with every year of use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def plans_reading(engine: Engine, table: str) -> Iterator[list[list[str]]]:
    """The query plan of every statement reading `table` inside the block (filled at its end)."""
    asked: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if f"FROM {table}" in statement or f"JOIN {table} " in statement:
            asked.append((statement, parameters))

    plans: list[list[str]] = []
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield plans
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    # A raw connection: EXPLAIN begins no transaction there, so the plans can be read while the
    # block's own unit of work is still open (it holds SQLite's write lock until it ends).
    connection = engine.raw_connection()
    try:
        plans += [
            [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            for statement, parameters in asked
        ]
    finally:
        connection.close()


def scans(plans: list[list[str]], table: str) -> list[list[str]]:
    """The plans that read every row of `table` (asserting `plans` first: a block that no longer
    reads the table checks nothing)."""
    assert plans, f"nothing in the block read {table}: the test checks nothing"
    return [plan for plan in plans if any(step.split()[:2] == ["SCAN", table] for step in plan)]
