"""subjects: names keyed again for their consonants as Arabic script writes them

Screening now meets a Western name written in Arabic or Persian script (بوتين is Putin: Arabic
has no p, v or c) through the consonants each side writes (`names.search._across_scripts`),
splits the article off an Arabic word (الأسد, al-Assad), reads a Persian word joined by a
zero-width non-joiner as one word, and drops a generational suffix (`Jr.`). Names stored before
are keyed again, so the search box finds them by those spellings as screening does.

Revision ID: subjects_0008
Revises: subjects_0007
Create Date: 2026-12-05 18:00:00
"""

from __future__ import annotations

from alembic import op

from liaison.subjects.name_keys import rekey_names

revision = "subjects_0008"
down_revision = "subjects_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rekey_names(op.get_bind())


def downgrade() -> None:
    """The new keys stay: the older code asks for none of them, and finds its own among them."""
