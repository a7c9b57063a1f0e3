"""subjects: names keyed again for the readings screening learnt

Screening now reads Palladius Cyrillic as pinyin, Han names in Taiwanese Hokkien, Persian
letters, Greek by sound and kana and hangul without their added vowels (`liaison.names`), and
finds a name by an initial (`!v`). Names stored before are keyed again, so the search box finds
them by those spellings as screening does.

Revision ID: subjects_0006
Revises: subjects_0005
Create Date: 2026-12-03 17:20:00
"""

from __future__ import annotations

from alembic import op

from liaison.subjects.name_keys import rekey_names

revision = "subjects_0006"
down_revision = "subjects_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rekey_names(op.get_bind())


def downgrade() -> None:
    """The new keys stay: the older code asks for none of them, and finds its own among them."""
