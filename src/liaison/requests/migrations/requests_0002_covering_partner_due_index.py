"""requests: make the partner/deadline index covering (id, handling code, owning unit)

The overdue list for one partner and its total are then answered from the index alone, the
access filter included, instead of visiting thousands of table rows per call.

Revision ID: requests_0002
Revises: requests_0001
"""

from __future__ import annotations

from alembic import op

revision = "requests_0002"
down_revision = "requests_0001"
branch_labels = None
depends_on = None

OLD = ["partner_agency_id", "next_due_at"]
NEW = ["partner_agency_id", "next_due_at", "id", "handling_code", "owning_unit"]


def upgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.drop_index("ix_request_partner_due")
        batch_op.create_index("ix_request_partner_due", NEW, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("request", schema=None) as batch_op:
        batch_op.drop_index("ix_request_partner_due")
        batch_op.create_index("ix_request_partner_due", OLD, unique=False)
