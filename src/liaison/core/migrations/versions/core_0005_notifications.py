"""core: notifications (in the app and by e-mail) and each user's choice of them

Revision ID: core_0005_notifications
Revises: core_0004_audit_chainer
Create Date: 2026-12-02 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0005_notifications"
down_revision = "core_0004_audit_chainer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email", sa.String(length=10), nullable=False),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owning_unit", sa.String(length=80), nullable=False),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("recipient", "key", name="uq_notification_recipient_key"),
    )
    op.create_index(op.f("ix_notification_recipient"), "notification", ["recipient"])
    op.create_index(op.f("ix_notification_owning_unit"), "notification", ["owning_unit"])
    op.create_table(
        "notification_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preference")),
        sa.UniqueConstraint("username", "kind", name="uq_notification_preference_username_kind"),
    )
    op.create_index(op.f("ix_notification_preference_username"), "notification_preference", ["username"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notification_preference_username"), table_name="notification_preference")
    op.drop_table("notification_preference")
    op.drop_index(op.f("ix_notification_owning_unit"), table_name="notification")
    op.drop_index(op.f("ix_notification_recipient"), table_name="notification")
    op.drop_table("notification")
