"""Schema migrations: Alembic is the only way tables come to exist.

The core has its own migration branch; each capability keeps its branch in its package's
`migrations/` folder (with `depends_on` the core), and `upgrade` brings every branch to its head.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from liaison.capabilities import folders

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = [MIGRATIONS_DIR / "versions", *folders("migrations")]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


def is_up_to_date(engine: Engine) -> bool:
    """True when the database is at every migration head (what `/readyz` reports)."""
    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False)))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    # A branch that `depends_on` another leaves only its own head in the version table, so every
    # head counts as applied when it is a current head or an ancestor (or dependency) of one.
    applied = (
        {revision.revision for revision in script.iterate_revisions(current, "base")} if current else set()
    )
    return set(script.get_heads()) <= applied
