"""core: an audit event keeps the owning unit and handling code of the record it is about

Revision ID: core_0002_audit_protection
Revises: core_0001
Create Date: 2026-12-01 21:45:00

Empty on events about unprotected records (and on every event written before this revision),
so their hashes, which cover the two fields only when set, still verify.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0002_audit_protection"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owning_unit", sa.String(length=80), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("handling_code", sa.String(length=8), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("handling_code")
        batch_op.drop_column("owning_unit")
