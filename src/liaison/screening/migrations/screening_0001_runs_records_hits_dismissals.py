"""screening: runs, records that alerted, hits and dismissed pairs

Revision ID: screening_0001
Revises:
Create Date: 2026-11-23 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "screening_0001"
down_revision = None
branch_labels = ("screening",)
depends_on = "subjects_0001"


def upgrade() -> None:
    op.create_table(
        "screening_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_run")),
    )
    op.create_table(
        "screened_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("birth_date", sa.String(length=24), nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("document_number", sa.String(length=80), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["screening_run.id"],
            name=op.f("fk_screened_record_run_id_screening_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screened_record")),
    )
    with op.batch_alter_table("screened_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screened_record_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screened_record_fingerprint"), ["fingerprint"], unique=False)
    op.create_table(
        "screening_hit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screened_record_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("matched_name", sa.String(length=300), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("subject_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["screened_record_id"],
            ["screened_record.id"],
            name=op.f("fk_screening_hit_screened_record_id_screened_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subject.id"],
            name=op.f("fk_screening_hit_subject_id_subject"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_hit")),
    )
    with op.batch_alter_table("screening_hit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_hit_screened_record_id"), ["screened_record_id"])
        batch_op.create_index(batch_op.f("ix_screening_hit_subject_id"), ["subject_id"])
        batch_op.create_index("ix_screening_hit_status_created", ["status", "created_at"])
    op.create_table(
        "screening_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("record_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("subject_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("hit_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hit_id"],
            ["screening_hit.id"],
            name=op.f("fk_screening_dismissal_hit_id_screening_hit"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subject.id"],
            name=op.f("fk_screening_dismissal_subject_id_subject"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_dismissal")),
        sa.UniqueConstraint(
            "subject_id",
            "record_fingerprint",
            "subject_fingerprint",
            name="uq_screening_dismissal_pair",
        ),
    )
    with op.batch_alter_table("screening_dismissal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_dismissal_subject_id"), ["subject_id"])


def downgrade() -> None:
    op.drop_table("screening_dismissal")
    op.drop_table("screening_hit")
    op.drop_table("screened_record")
    op.drop_table("screening_run")
