"""engagements: the language an engagement's and a commitment's texts are written in, and their
versions in the other language (`core.bilingual`)

Revision ID: engagements_0007_bilingual_texts
Revises: engagements_0006_proposals
Create Date: 2026-12-03 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "engagements_0007_bilingual_texts"
down_revision = "engagements_0006_proposals"
branch_labels = None
depends_on = None

TABLES = ("engagement", "commitment")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("language", sa.String(length=2), nullable=False, server_default="en")
            )
            batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("translations")
            batch_op.drop_column("language")
