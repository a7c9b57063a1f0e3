"""screening: index the hits by the request their confirmation opened

A request's page and API detail look up the hit that opened it; without an index that was a scan
of every hit ever raised, on every read of a request.

Revision ID: screening_0006
Revises: screening_0005
Create Date: 2026-12-08 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "screening_0006"
down_revision = "screening_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screening_hit", schema=None) as batch_op:
        batch_op.create_index("ix_screening_hit_request_id", ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("screening_hit", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_hit_request_id")
