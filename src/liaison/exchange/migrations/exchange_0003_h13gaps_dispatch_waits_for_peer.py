"""exchange: a request's step waits for a suspended or unverified peer instead of being lost

Revision ID: exchange_0003_h13gaps
Revises: exchange_0002
Create Date: 2026-12-02 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0003_h13gaps"
down_revision = "exchange_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_dispatch") as batch:
        batch.add_column(sa.Column("waits_for_peer", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("exchange_dispatch") as batch:
        batch.drop_column("waits_for_peer")
