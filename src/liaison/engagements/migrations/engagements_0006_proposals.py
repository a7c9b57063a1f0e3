"""engagements: a partner node's proposed change of status of one of our commitments
(`commitment_proposal`, decided by the owning unit), and the status a follow-up on a partner's
copy proposed to its owner (`commitment_follow_up.proposed_status`)

Revision ID: engagements_0006_proposals
Revises: engagements_0005_planned
Create Date: 2026-12-02 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "engagements_0006_proposals"
down_revision = "engagements_0005_planned"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commitment_follow_up", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_status", sa.String(length=20), nullable=True))
    op.create_table(
        "commitment_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("from_node", sa.String(length=120), nullable=False),
        sa.Column("message_id", sa.String(length=80), nullable=False),
        sa.Column("proposed_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commitment_proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_proposal_commitment_id"), ["commitment_id"])
        batch_op.create_index(batch_op.f("ix_commitment_proposal_decision"), ["decision"])


def downgrade() -> None:
    op.drop_table("commitment_proposal")
    with op.batch_alter_table("commitment_follow_up", schema=None) as batch_op:
        batch_op.drop_column("proposed_status")
