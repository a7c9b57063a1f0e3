"""Every stored name keyed again, from the one definition the application uses.

A name's search keys are written when it is stored (`names.search.stored_keys`). When the way a
name is read changes (a new script, a new romanisation), the names stored before are keyed again
by a migration, so the search box finds them by the new spellings too.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

BATCH = 2000


def rekey_names(bind: Connection) -> None:
    """Replace every name's keys, a batch of names at a time, in the caller's transaction."""
    from liaison.names.search import stored_keys

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
