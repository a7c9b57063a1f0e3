"""subjects: a partner's restricted copy records whether its provider allowed passing it on

Revision ID: subjects_0005
Revises: subjects_0004
Create Date: 2026-12-02 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "subjects_0005"
down_revision = "subjects_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subject") as batch:
        batch.add_column(
            sa.Column("onward_permitted", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("subject") as batch:
        batch.drop_column("onward_permitted")
