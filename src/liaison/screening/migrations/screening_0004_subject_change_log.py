"""screening: the subject change log every server process's index follows, and its head

Revision ID: screening_0004
Revises: screening_0003
Create Date: 2026-12-02 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "screening_0004"
down_revision = "screening_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_subject_change",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("subject_ids", sa.JSON(), nullable=False),
        sa.Column("change", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_screening_subject_change")),
    )
    op.create_index(op.f("ix_screening_subject_change_at"), "screening_subject_change", ["at"], unique=False)
    head = op.create_table(
        "screening_change_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_change_head")),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0}])


def downgrade() -> None:
    op.drop_table("screening_change_head")
    op.drop_index(op.f("ix_screening_subject_change_at"), table_name="screening_subject_change")
    op.drop_table("screening_subject_change")
