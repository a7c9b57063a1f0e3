"""Migrations are the only way tables come to exist, and they agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from liaison.capabilities import load_models
from liaison.core.db import Base
from liaison.core.migrate import is_up_to_date, upgrade


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    load_models()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_database_reports_up_to_date_after_upgrade(engine: Engine) -> None:
    assert is_up_to_date(engine)
    upgrade(engine)  # running again is harmless
    assert is_up_to_date(engine)


def test_fresh_database_has_no_tables_until_migrated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from liaison.core.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert inspect(engine).get_table_names() == []
    assert not is_up_to_date(engine)
    upgrade(engine)
    assert "audit_event" in inspect(engine).get_table_names()


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
