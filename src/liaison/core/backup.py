"""Consistent backups while the application runs, and restores.

SQLite: the online backup API copies a consistent snapshot page by page, and restores the same
way into the live file. PostgreSQL: `pg_dump` in custom format and `pg_restore --clean`.
Stored documents are content-addressed files that never change; copy the data folder's
`documents/` beside the database backup.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine

from liaison.core.errors import Invalid


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise Invalid("An in-memory database cannot be backed up.")
    return Path(database)


def _libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise Invalid("{program} is not installed; it is needed for PostgreSQL backups.", program=command[0])
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Invalid(
            "{program} failed: {reason}", program=command[0], reason=result.stderr.strip().splitlines()[-1:]
        )


def backup(engine: Engine, target: Path) -> None:
    if target.exists():
        raise Invalid(
            "{target} already exists; choose a new file so no backup is overwritten.", target=target
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(_sqlite_path(engine)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(engine)])


def restore(engine: Engine, source: Path) -> None:
    if not source.is_file():
        raise Invalid("{source} is not a backup file.", source=source)
    engine.dispose()
    if engine.dialect.name == "sqlite":
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_db:
                backup_db.execute("SELECT version_num FROM alembic_version").fetchall()
                with sqlite3.connect(_sqlite_path(engine)) as live:
                    backup_db.backup(live)
        except sqlite3.DatabaseError as error:
            raise Invalid(
                "{source} is not a Liaison SQLite backup: {reason}.", source=source, reason=error
            ) from error
        return
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq_url(engine)}", str(source)]
    )
