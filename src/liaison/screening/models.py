"""Tables of screening: the records that produced hits, the hits, and the pairs reviewers dismissed.

Only records that alerted are stored (a border post screens thousands that do not); each keeps
what was screened and a fingerprint of it. A hit keeps its score, the per-feature explanation and
the fingerprint of the subject as it was when screened. A dismissal remembers the pair
(subject, record fingerprint, subject fingerprint): the same record screened again does not alert
on that subject, until the record or the subject changes. The subject change log (`changelog.py`)
tells every server process's index which persons sought changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.db import Base, utcnow


class ScreeningRun(Base):
    """One call to screen: a single record from the page or API, an API batch, or an uploaded file."""

    __tablename__ = "screening_run"
    __table_args__ = (Index("ix_screening_run_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # single · api · file · demo
    actor: Mapped[str] = mapped_column(String(80), index=True)  # who started it: the run's owner
    source: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default="done")  # queued · running · done · failed
    total: Mapped[int | None] = mapped_column(default=None)  # records in the file, when known
    records: Mapped[int] = mapped_column(default=0)
    hits: Mapped[int] = mapped_column(default=0)
    suppressed: Mapped[int] = mapped_column(default=0)
    problems: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # A queued file run: the owner as they were when they started it (the worker acts as them),
    # the kept upload (a name in the uploads folder, cleared once deleted) and the threshold.
    actor_role: Mapped[str] = mapped_column(String(20), default="")
    actor_unit: Mapped[str] = mapped_column(String(80), default="")
    upload: Mapped[str] = mapped_column(String(300), default="")
    threshold: Mapped[float | None] = mapped_column(Float, default=None)
    # The worker screening it (`host:pid`), its last sign of life and how many times it was claimed.
    worker: Mapped[str] = mapped_column(String(120), default="")
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    # When that worker began screening, its index built, and how many records were screened
    # before it (a run taken over goes on from there): the rate and time left are measured from these.
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    started_from: Mapped[int] = mapped_column(default=0)


class ScreenedRecord(Base):
    """A record that alerted, as it was screened."""

    __tablename__ = "screened_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("screening_run.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[str] = mapped_column(String(120), default="")
    name: Mapped[str] = mapped_column(String(400))
    birth_date: Mapped[str] = mapped_column(String(24), default="")
    nationality: Mapped[str] = mapped_column(String(3), default="")
    document_number: Mapped[str] = mapped_column(String(80), default="")
    gender: Mapped[str] = mapped_column(String(10), default="")
    fingerprint: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    hits: Mapped[list[Hit]] = relationship(back_populates="record", order_by="Hit.score.desc()")


class Hit(Base):
    """A record that may be a subject: score, explanation, and the review's outcome."""

    __tablename__ = "screening_hit"
    __table_args__ = (Index("ix_screening_hit_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    screened_record_id: Mapped[int] = mapped_column(
        ForeignKey("screened_record.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    matched_name: Mapped[str] = mapped_column(String(300), default="")
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    subject_fingerprint: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open · confirmed · dismissed
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    request_id: Mapped[int | None] = mapped_column(default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    record: Mapped[ScreenedRecord] = relationship(back_populates="hits")


class Dismissal(Base):
    """A (subject, record) pair a reviewer dismissed; it stays quiet while neither changes."""

    __tablename__ = "screening_dismissal"
    __table_args__ = (
        UniqueConstraint(
            "subject_id", "record_fingerprint", "subject_fingerprint", name="uq_screening_dismissal_pair"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    record_fingerprint: Mapped[str] = mapped_column(String(32))
    subject_fingerprint: Mapped[str] = mapped_column(String(32))
    hit_id: Mapped[int] = mapped_column(ForeignKey("screening_hit.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubjectChange(Base):
    """One committed transaction that changed persons sought: which, numbered in commit order.

    `seq` has no gaps: it is `ChangeHead.seq + 1`, taken in the same transaction (`changelog.py`)."""

    __tablename__ = "screening_subject_change"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    subject_ids: Mapped[list[int]] = mapped_column(JSON)
    change: Mapped[str] = mapped_column(String(200), default="")
    origin: Mapped[str] = mapped_column(String(32), default="")  # the index already holding it, if any
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ChangeHead(Base):
    """The one row holding the newest `SubjectChange.seq`; its row lock orders the writers."""

    __tablename__ = "screening_change_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
