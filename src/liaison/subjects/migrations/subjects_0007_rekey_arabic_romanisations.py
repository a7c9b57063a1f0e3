"""subjects: names keyed again for Arabic names romanised another way

Screening now reads two romanisations of one Arabic name as one (Mohammed and Muhammad, Gaddafi
and Qadhafi, Abd al-Aziz and Abdelaziz: `names.phonetic.arabic_latin_keys`). Names stored before
are keyed again, so the search box finds them by those spellings as screening does.

Revision ID: subjects_0007
Revises: subjects_0006
Create Date: 2026-12-05 08:10:00
"""

from __future__ import annotations

from alembic import op

from liaison.subjects.name_keys import rekey_names

revision = "subjects_0007"
down_revision = "subjects_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rekey_names(op.get_bind())


def downgrade() -> None:
    """The new keys stay: the older code asks for none of them, and finds its own among them."""
