"""registry: search keys in code-point order on PostgreSQL, and indexed by entity

A prefix search is then one exact index range on both backends (SQLite compares bytes already),
and a list filtered by name reads the ids from the index alone.

Revision ID: registry_0002
Revises: registry_0001
Create Date: 2026-11-23 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = "registry_0002"
down_revision = "registry_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE search_entry ALTER COLUMN key TYPE VARCHAR(300) COLLATE "C"')
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index("ix_search_entry_entity_key", ["entity", "key", "entity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_search_entry_entity_key")
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE search_entry ALTER COLUMN key TYPE VARCHAR(300) COLLATE "default"')
