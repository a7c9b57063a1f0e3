"""ingest: a merged draft's engagement is removed, so the merge record no longer points at it

Revision ID: ingest_0002
Revises: ingest_0001
Create Date: 2026-12-02 06:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ingest_0002"
down_revision = "ingest_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_draft_merge", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_ingest_draft_merge_draft_id_engagement"), type_="foreignkey")


def downgrade() -> None:
    # drafts merged since the upgrade are gone: their merge records cannot point at them again
    op.execute(sa.text("DELETE FROM ingest_draft_merge WHERE draft_id NOT IN (SELECT id FROM engagement)"))
    with op.batch_alter_table("ingest_draft_merge", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_ingest_draft_merge_draft_id_engagement"),
            "engagement",
            ["draft_id"],
            ["id"],
            ondelete="CASCADE",
        )
