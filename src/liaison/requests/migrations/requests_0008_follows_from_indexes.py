"""requests: index the engagement and the commitment a request follows from

An engagement's page and API detail list the requests that follow from it or from one of its
commitments; without these indexes that was a scan of every request, on every read.

Revision ID: requests_0008
Revises: requests_0007
Create Date: 2026-12-08 00:00:00
"""

from __future__ import annotations

from alembic import op

revision = "requests_0008"
down_revision = "requests_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.create_index("ix_request_engagement_id", ["engagement_id"], unique=False)
        batch_op.create_index("ix_request_commitment_id", ["commitment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.drop_index("ix_request_commitment_id")
        batch_op.drop_index("ix_request_engagement_id")
