"""exchange: index dispatches by the record they carry

A record's page (a person sought, a request) shows which partners it was sent to; without this
index that was a scan of every dispatch ever made, on every read.

Revision ID: exchange_0004
Revises: exchange_0003
Create Date: 2026-12-08 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "exchange_0004"
down_revision = "exchange_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_exchange_dispatch_source", "exchange_dispatch", ["source_type", "source_id"])


def downgrade() -> None:
    op.drop_index("ix_exchange_dispatch_source", table_name="exchange_dispatch")
