"""requests: events dated when they happened (`happened_at` on transitions and follow-ups)

A transition or follow-up recorded on 1 December may have happened on 20 November; the clocks
and the response times count from when it happened, the history keeps both. Existing rows
happened when they were recorded.

Revision ID: requests_0004_happened_on
Revises: requests_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "requests_0004_happened_on"
down_revision = "requests_0003"
branch_labels = None
depends_on = None

TABLES = ("request_transition", "request_comment")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("happened_at", sa.DateTime(timezone=True), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET happened_at = at"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("happened_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("happened_at")
