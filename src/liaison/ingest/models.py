"""Tables of ingestion: what a draft's report names that the officer still has to settle, and
which drafts were merged into which engagement.

A draft's report names officials, agencies and agreements; each becomes a `DraftItem` the review
page lists, open until the officer links it to a registry record, creates one from it (through the
registry's services) or sets it aside. A second outlet's report of a meeting already recorded is
merged into that engagement and its own engagement removed; `DraftMerge` remembers where it went,
so merging twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from liaison.core.db import Base, utcnow
from liaison.registry.models import NAME_LENGTH


class DraftItem(Base):
    """An official, agency or agreement a report names, and what the officer made of it."""

    __tablename__ = "ingest_draft_item"
    __table_args__ = (UniqueConstraint("engagement_id", "kind", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), index=True)
    # "official", "agency" or "agreement"
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # an official's title as written; an agreement's kind
    title: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    country_code: Mapped[str | None] = mapped_column(String(2), default=None)
    # an agreement's status cue ("in_force", "to_sign" ...) and year
    cue: Mapped[str] = mapped_column(String(40), default="")
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    start: Mapped[int] = mapped_column(Integer, default=0)
    end: Mapped[int] = mapped_column(Integer, default=0)
    # "open", "linked", "created" or "dismissed"
    decision: Mapped[str] = mapped_column(String(20), default="open")
    # the registry record it was linked to or created as (official, agency or agreement id)
    record_id: Mapped[int | None] = mapped_column(Integer, default=None)


class DraftMerge(Base):
    """A draft merged into an existing engagement: its report became that engagement's source and
    the draft's own engagement was removed; its number is kept so the merge can be answered again."""

    __tablename__ = "ingest_draft_merge"

    draft_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), index=True)
    merged_by: Mapped[str] = mapped_column(String(80))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)
