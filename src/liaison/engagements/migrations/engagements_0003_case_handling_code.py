"""engagements: a citizen-protection case carries an owning unit and a handling code

Revision ID: engagements_0003
Revises: engagements_0002
Create Date: 2026-12-01 21:50:00

Existing cases become H0 with no owning unit: readable as before, until someone restricts them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "engagements_0003"
down_revision = "engagements_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("citizen_protection_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owning_unit", sa.String(length=80), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("handling_code", sa.String(length=2), nullable=False, server_default="H0")
        )
        batch_op.create_index(
            batch_op.f("ix_citizen_protection_case_owning_unit"), ["owning_unit"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("citizen_protection_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_protection_case_owning_unit"))
        batch_op.drop_column("handling_code")
        batch_op.drop_column("owning_unit")
