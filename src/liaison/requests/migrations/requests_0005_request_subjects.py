"""requests: the persons sought a request names, as rows (`request_subject`)

A subject's page lists the requests naming it; the list of persons is JSON, so the names are
also kept as (request, subject) rows, one index read. Existing requests are read once.

Revision ID: requests_0005
Revises: requests_0004_happened_on
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "requests_0005"
down_revision = "requests_0004_happened_on"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_subject",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["request.id"],
            name=op.f("fk_request_subject_request_id_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "subject_id", name=op.f("pk_request_subject")),
    )
    op.create_index(op.f("ix_request_subject_subject_id"), "request_subject", ["subject_id"], unique=False)
    bind = op.get_bind()
    rows = []
    for request_id, persons in bind.execute(sa.text("SELECT id, persons FROM request")):
        named = json.loads(persons) if isinstance(persons, str) else (persons or [])
        for subject_id in sorted({p.get("subject_id") for p in named if p.get("subject_id")}):
            rows.append({"request_id": request_id, "subject_id": subject_id})
    if rows:
        bind.execute(
            sa.text("INSERT INTO request_subject (request_id, subject_id) VALUES (:request_id, :subject_id)"),
            rows,
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_request_subject_subject_id"), table_name="request_subject")
    op.drop_table("request_subject")
