"""subjects: names keyed as screening reads them, the key index covering name and subject

The search box now asks for the keys screening indexes a name by (`liaison.names.search`), so
every stored name is keyed again here; the index becomes (key, name_id, subject_id) because a
search intersects its terms by name.

Revision ID: subjects_0002
Revises: subjects_0001
Create Date: 2026-12-02 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "subjects_0002"
down_revision = "subjects_0001"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("subject_name_key", schema=None) as batch_op:
        batch_op.drop_index("ix_subject_name_key_key_subject")
        batch_op.create_index("ix_subject_name_key_key_name", ["key", "name_id", "subject_id"], unique=False)
    _rekey()


def _rekey() -> None:
    """Every name's keys again, from the one definition the application uses."""
    from liaison.names.search import stored_keys

    bind = op.get_bind()
    keys = sa.table("subject_name_key", sa.column("subject_id"), sa.column("name_id"), sa.column("key"))
    names = sa.table("subject_name", sa.column("id"), sa.column("subject_id"), sa.column("full_name"))
    bind.execute(sa.delete(keys))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(names.c.id, names.c.subject_id, names.c.full_name)
            .where(names.c.id > last)
            .order_by(names.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = [
            {"subject_id": subject_id, "name_id": name_id, "key": key}
            for name_id, subject_id, full_name in rows
            for key in sorted(stored_keys(full_name))
        ]
        if values:
            bind.execute(keys.insert(), values)
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("subject_name_key", schema=None) as batch_op:
        batch_op.drop_index("ix_subject_name_key_key_name")
        batch_op.create_index("ix_subject_name_key_key_subject", ["key", "subject_id"], unique=False)
