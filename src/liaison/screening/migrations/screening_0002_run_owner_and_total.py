"""screening: a run's record total (for progress) and an index on its owner (runs are theirs)

Revision ID: screening_0002
Revises: screening_0001
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "screening_0002"
down_revision = "screening_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screening_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("total", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_screening_run_actor"), ["actor"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("screening_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_run_actor"))
        batch_op.drop_column("total")
