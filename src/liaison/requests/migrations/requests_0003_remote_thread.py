"""requests: the thread a request shares with the partner's own system (`remote_thread`)

A request sent to, or received from, a partner's node is the same conversation on both sides:
the thread id links this side's request to the other side's, whatever each side calls it.

Revision ID: requests_0003
Revises: requests_0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "requests_0003"
down_revision = "requests_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("remote_thread", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_request_remote_thread", ["remote_thread"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.drop_index("ix_request_remote_thread")
        batch_op.drop_column("remote_thread")
