"""capacity: staff records and activities carry an owning unit and a handling code; activities are
found by their engagement

Revision ID: capacity_0002
Revises: capacity_0001
Create Date: 2026-12-02 13:30:00

Existing rows become H0 with no owning unit: readable as before, until someone restricts them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "capacity_0002"
down_revision = "capacity_0001"
branch_labels = None
depends_on = None
TABLES = ("staff_member", "capacity_activity")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("owning_unit", sa.String(length=80), nullable=False, server_default="")
            )
            batch_op.add_column(
                sa.Column("handling_code", sa.String(length=2), nullable=False, server_default="H0")
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_owning_unit"), ["owning_unit"], unique=False)
    with op.batch_alter_table("capacity_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capacity_activity_engagement_id"), ["engagement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("capacity_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capacity_activity_engagement_id"))
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_owning_unit"))
            batch_op.drop_column("handling_code")
            batch_op.drop_column("owning_unit")
