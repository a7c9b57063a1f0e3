"""subjects: Vietnamese syllables no longer store given-name group keys

A query word now asks for the syllables sharing one of its given-name groups by their phonetic
keys (`liaison.names.search`), so the `=v:` keys each stored syllable held (a quarter of the key
rows) are asked by nobody: removed.

Revision ID: subjects_0003
Revises: subjects_0002
Create Date: 2026-12-02 07:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "subjects_0003"
down_revision = "subjects_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM subject_name_key WHERE key LIKE '=v:%'"))


def downgrade() -> None:
    """The keys are not put back: the code of `subjects_0002` would find a syllable by a nickname
    again only once the names are stored anew (an import, an edit)."""
