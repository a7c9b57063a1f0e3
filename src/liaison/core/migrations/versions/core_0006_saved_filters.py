"""core: each user's saved filters of the list pages

Revision ID: core_0006_saved_filters
Revises: core_0005_notifications
Create Date: 2026-12-03 12:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0006_saved_filters"
down_revision = "core_0005_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("page", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filter")),
        sa.UniqueConstraint("username", "page", "name", name="uq_saved_filter_username_page_name"),
    )
    op.create_index(op.f("ix_saved_filter_username"), "saved_filter", ["username"])


def downgrade() -> None:
    op.drop_index(op.f("ix_saved_filter_username"), table_name="saved_filter")
    op.drop_table("saved_filter")
