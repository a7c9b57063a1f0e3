"""engagements: an engagement may be a draft (extracted from a press report, not yet confirmed), and
a source keeps the report's text and its hash, so the review page shows the report beside the
draft and ingesting the same report twice changes nothing

Revision ID: engagements_0004
Revises: engagements_0003
Create Date: 2026-12-01 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "engagements_0004"
down_revision = "engagements_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="confirmed")
        )
        batch_op.create_index(batch_op.f("ix_engagement_status"), ["status"], unique=False)
    with op.batch_alter_table("engagement_source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("report_text", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_engagement_source_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_engagement_source_url"), ["url"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("engagement_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_source_url"))
        batch_op.drop_index(batch_op.f("ix_engagement_source_content_hash"))
        batch_op.drop_column("report_text")
        batch_op.drop_column("content_hash")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_status"))
        batch_op.drop_column("status")
