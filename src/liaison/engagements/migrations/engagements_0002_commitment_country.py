"""engagements: a commitment keeps its engagement's partner country, indexed with status and due date

Revision ID: engagements_0002
Revises: engagements_0001
Create Date: 2026-11-23 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "engagements_0002"
down_revision = "engagements_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country_code", sa.String(length=2), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_commitment_country_code_country"), "country", ["country_code"], ["code"]
        )
        batch_op.create_index(
            "ix_commitment_country_status_due", ["country_code", "status", "due_date"], unique=False
        )
    op.execute(
        "UPDATE commitment SET country_code = "
        "(SELECT engagement.country_code FROM engagement WHERE engagement.id = commitment.engagement_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_country_status_due")
        batch_op.drop_constraint(batch_op.f("fk_commitment_country_code_country"), type_="foreignkey")
        batch_op.drop_column("country_code")
