"""core: audit events are chained after commit by one chainer, not under a lock in every request

Revision ID: core_0004_audit_chainer
Revises: core_0003_second_factor
Create Date: 2026-12-02 01:00:00

`seq`, `prev_hash` and `hash` become empty until the chainer links an event; a partial index finds
the events still waiting. Existing events are all chained already and keep their hashes, so an old
chain verifies unchanged and the chainer continues it from `audit_head`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0004_audit_chainer"
down_revision = "core_0003_second_factor"
branch_labels = None
depends_on = None

UNCHAINED = sa.text("seq IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.create_index(
            "ix_audit_event_unchained",
            ["id"],
            unique=False,
            sqlite_where=UNCHAINED,
            postgresql_where=UNCHAINED,
        )


def downgrade() -> None:
    pending = op.get_bind().execute(sa.text("SELECT count(*) FROM audit_event WHERE seq IS NULL")).scalar()
    if pending:
        raise RuntimeError(f"{pending} audit events are not chained yet: run `liaison audit verify` first")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_unchained")
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
