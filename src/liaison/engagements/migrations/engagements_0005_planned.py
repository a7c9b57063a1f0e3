"""engagements: planned engagements — a stage (planned, held, cancelled; engagements recorded so far
are held), an agenda, delegation lists of both sides, preparation tasks, an owning unit and a
handling code (so far H0 of no unit: readable as before), and users' secret calendar feeds

Revision ID: engagements_0005_planned
Revises: engagements_0004
Create Date: 2026-12-02 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "engagements_0005_planned"
down_revision = "engagements_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.String(length=20), nullable=False, server_default="held"))
        batch_op.add_column(sa.Column("agenda", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("owning_unit", sa.String(length=80), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("handling_code", sa.String(length=2), nullable=False, server_default="H0")
        )
        batch_op.create_index(batch_op.f("ix_engagement_stage"), ["stage"], unique=False)
        batch_op.create_index(batch_op.f("ix_engagement_owning_unit"), ["owning_unit"], unique=False)
    op.create_table(
        "engagement_delegate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["official_id"], ["official.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("engagement_delegate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_engagement_delegate_engagement_id"), ["engagement_id"])
        batch_op.create_index(batch_op.f("ix_engagement_delegate_official_id"), ["official_id"])
        batch_op.create_index(batch_op.f("ix_engagement_delegate_username"), ["username"])
    op.create_table(
        "engagement_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("is_done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("engagement_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_engagement_task_engagement_id"), ["engagement_id"])
        batch_op.create_index(batch_op.f("ix_engagement_task_owner"), ["owner"])
        batch_op.create_index(batch_op.f("ix_engagement_task_due_on"), ["due_on"])
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["country_code"], ["country.code"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_feed_user_id"), ["user_id"])


def downgrade() -> None:
    op.drop_table("calendar_feed")
    op.drop_table("engagement_task")
    op.drop_table("engagement_delegate")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_owning_unit"))
        batch_op.drop_index(batch_op.f("ix_engagement_stage"))
        batch_op.drop_column("handling_code")
        batch_op.drop_column("owning_unit")
        batch_op.drop_column("agenda")
        batch_op.drop_column("stage")
