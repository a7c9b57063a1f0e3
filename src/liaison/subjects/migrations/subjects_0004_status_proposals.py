"""subjects: proposed changes of status (`subject_status_proposal`)

A confirmed screening hit (ours, or a partner's hit alert: `alert_id`) proposes "located", an
executed extradition "surrendered"; an officer
confirms or dismisses each proposal on the subject's page.

Revision ID: subjects_0004
Revises: subjects_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "subjects_0004"
down_revision = "subjects_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subject_status_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("hit_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by", sa.String(length=80), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subject.id"],
            name=op.f("fk_subject_status_proposal_subject_id_subject"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_status_proposal")),
    )
    op.create_index(
        op.f("ix_subject_status_proposal_subject_id"), "subject_status_proposal", ["subject_id"], unique=False
    )
    op.create_index(
        op.f("ix_subject_status_proposal_alert_id"), "subject_status_proposal", ["alert_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_subject_status_proposal_alert_id", table_name="subject_status_proposal")
    op.drop_index("ix_subject_status_proposal_subject_id", table_name="subject_status_proposal")
    op.drop_table("subject_status_proposal")
