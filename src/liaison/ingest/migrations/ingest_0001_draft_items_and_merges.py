"""ingest: what a draft's report names for the officer to settle (officials, agencies,
agreements), and drafts merged into an existing engagement

Revision ID: ingest_0001
Revises:
Create Date: 2026-12-02 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ingest_0001"
down_revision = None
branch_labels = ("ingest",)
depends_on = "engagements_0004"


def upgrade() -> None:
    op.create_table(
        "ingest_draft_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("cue", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_ingest_draft_item_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_draft_item")),
        sa.UniqueConstraint(
            "engagement_id", "kind", "name_key", name=op.f("uq_ingest_draft_item_engagement_id_kind_name_key")
        ),
    )
    with op.batch_alter_table("ingest_draft_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ingest_draft_item_engagement_id"), ["engagement_id"], unique=False
        )
    op.create_table(
        "ingest_draft_merge",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("merged_by", sa.String(length=80), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["engagement.id"],
            name=op.f("fk_ingest_draft_merge_draft_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagement.id"],
            name=op.f("fk_ingest_draft_merge_engagement_id_engagement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("draft_id", name=op.f("pk_ingest_draft_merge")),
    )
    with op.batch_alter_table("ingest_draft_merge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ingest_draft_merge_engagement_id"), ["engagement_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("ingest_draft_merge")
    op.drop_table("ingest_draft_item")
