"""requests: documents withdrawn with a reason, never deleted (`withdrawn_at`, `withdrawn_by`,
`withdrawal_reason` on `request_document`)

A document attached by mistake is withdrawn: it stays on the request, struck out with who, when
and why, and no longer counts as attached, travels to the partner or is exported. Existing
documents are not withdrawn.

Revision ID: requests_0006
Revises: requests_0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "requests_0006"
down_revision = "requests_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("request_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("withdrawn_by", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("request_document", schema=None) as batch_op:
        batch_op.alter_column("withdrawn_by", existing_type=sa.String(length=80), server_default=None)
        batch_op.alter_column("withdrawal_reason", existing_type=sa.Text(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("request_document", schema=None) as batch_op:
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawn_by")
        batch_op.drop_column("withdrawn_at")
