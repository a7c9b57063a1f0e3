"""screening: file runs queued for a worker process (owner's role and unit, upload, heartbeat)

Revision ID: screening_0003
Revises: screening_0002
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "screening_0003"
down_revision = "screening_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screening_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_role", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("actor_unit", sa.String(length=80), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("upload", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("threshold", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("worker", sa.String(length=120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_screening_run_status", ["status"], unique=False)
    # Runs a thread was screening when the server stopped never finish: say so.
    op.execute(
        "UPDATE screening_run SET status = 'failed', "
        "detail = 'The server stopped while this run was screened; upload the file again.' "
        "WHERE status = 'running'"
    )


def downgrade() -> None:
    with op.batch_alter_table("screening_run", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_run_status")
        for column in ("attempts", "heartbeat_at", "worker", "threshold", "upload", "actor_unit"):
            batch_op.drop_column(column)
        batch_op.drop_column("actor_role")
