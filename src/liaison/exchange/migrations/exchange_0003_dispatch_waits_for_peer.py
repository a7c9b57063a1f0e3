"""exchange: a request's step waits for a suspended or unverified peer instead of being lost;
a partner's hit alert is a proposal the owner's officer accepts or refuses

Revision ID: exchange_0003
Revises: exchange_0002
Create Date: 2026-12-02 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "exchange_0003"
down_revision = "exchange_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_dispatch") as batch:
        batch.add_column(sa.Column("waits_for_peer", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "exchange_hit_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("alert", sa.JSON(), nullable=False),
        sa.Column("proposed_status", sa.String(length=20), nullable=False),
        sa.Column("proposed_country", sa.String(length=2), nullable=False),
        sa.Column("proposed_by", sa.String(length=80), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("owning_unit", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["peer_id"], ["exchange_peer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_exchange_hit_alert_peer_id", "exchange_hit_alert", ["peer_id"])
    op.create_index("ix_exchange_hit_alert_subject_id", "exchange_hit_alert", ["subject_id"])
    op.create_index("ix_exchange_hit_alert_owning_unit", "exchange_hit_alert", ["owning_unit"])


def downgrade() -> None:
    op.drop_table("exchange_hit_alert")
    with op.batch_alter_table("exchange_dispatch") as batch:
        batch.drop_column("waits_for_peer")
