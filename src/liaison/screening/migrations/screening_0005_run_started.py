"""screening: when a run's current worker began screening and from which record (rate, time left)

Revision ID: screening_0005
Revises: screening_0004
Create Date: 2026-12-05 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "screening_0005"
down_revision = "screening_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screening_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("started_from", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("screening_run", schema=None) as batch_op:
        batch_op.drop_column("started_from")
        batch_op.drop_column("started_at")
