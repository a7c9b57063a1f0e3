"""subjects: names keyed as screening reads them, the key index covering name and subject

The search box now asks for the keys screening indexes a name by (`liaison.names.search`), so
every stored name is keyed again here; the index becomes (key, name_id, subject_id) because a
search intersects its terms by name.

Revision ID: subjects_0002
Revises: subjects_0001
Create Date: 2026-12-02 01:20:00
"""

from __future__ import annotations

from alembic import op

from liaison.subjects.name_keys import rekey_names

revision = "subjects_0002"
down_revision = "subjects_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subject_name_key", schema=None) as batch_op:
        batch_op.drop_index("ix_subject_name_key_key_subject")
        batch_op.create_index("ix_subject_name_key_key_name", ["key", "name_id", "subject_id"], unique=False)
    rekey_names(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("subject_name_key", schema=None) as batch_op:
        batch_op.drop_index("ix_subject_name_key_key_name")
        batch_op.create_index("ix_subject_name_key_key_subject", ["key", "subject_id"], unique=False)
