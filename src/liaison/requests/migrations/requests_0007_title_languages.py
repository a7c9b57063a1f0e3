"""requests: the language a request's title is written in, and its version in the other language
(`core.bilingual`)

Revision ID: requests_0007
Revises: requests_0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "requests_0007"
down_revision = "requests_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=False, server_default="en"))
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.drop_column("translations")
        batch_op.drop_column("language")
