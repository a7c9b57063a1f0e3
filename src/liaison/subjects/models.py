"""Tables of persons sought: subjects, their names (and search keys), birth dates, nationalities,
identity documents, charges, status history, notices and links to requests.

Rows that came from an import carry `imported = True`: a re-import replaces those and keeps what
officers added by hand. `subject_request_link.request_id` has no foreign key yet, so this
capability does not depend on the requests capability's tables; the requests capability may add
one in its own migration.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.db import Base, Protected, Timestamped, utcnow

MANUAL_SOURCE = "manual"
PARTNER_SOURCE = "node:"  # a partner node's copy: source "node:<node id>", `source_id` its id there


class Subject(Protected, Timestamped, Base):
    """A person sought. `source`/`source_id` name the list it came from, for idempotent imports."""

    __tablename__ = "subject"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    primary_name: Mapped[str] = mapped_column(String(300), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    gender: Mapped[str] = mapped_column(String(10), default="unknown")
    birth_place: Mapped[str] = mapped_column(String(200), default="")
    believed_country: Mapped[str] = mapped_column(String(2), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(60), default=MANUAL_SOURCE)
    source_id: Mapped[str | None] = mapped_column(String(200), default=None)
    # A partner's H2/H3 copy (source `node:<id>`) leaves in an export only once its provider allowed it.
    onward_permitted: Mapped[bool] = mapped_column(default=False)

    names: Mapped[list[SubjectName]] = relationship(
        order_by="SubjectName.id", cascade="all, delete-orphan", passive_deletes=True
    )
    birth_dates: Mapped[list[SubjectBirthDate]] = relationship(
        order_by="SubjectBirthDate.id", cascade="all, delete-orphan", passive_deletes=True
    )
    nationalities: Mapped[list[SubjectNationality]] = relationship(
        order_by="SubjectNationality.country", cascade="all, delete-orphan", passive_deletes=True
    )
    documents: Mapped[list[SubjectDocument]] = relationship(
        order_by="SubjectDocument.id", cascade="all, delete-orphan", passive_deletes=True
    )
    charges: Mapped[list[SubjectCharge]] = relationship(
        order_by="SubjectCharge.id", cascade="all, delete-orphan", passive_deletes=True
    )
    notices: Mapped[list[Notice]] = relationship(
        order_by="Notice.id", cascade="all, delete-orphan", passive_deletes=True
    )
    status_changes: Mapped[list[SubjectStatusChange]] = relationship(
        order_by="SubjectStatusChange.id", cascade="all, delete-orphan", passive_deletes=True
    )
    status_proposals: Mapped[list[SubjectStatusProposal]] = relationship(
        order_by="SubjectStatusProposal.id", cascade="all, delete-orphan", passive_deletes=True
    )
    request_links: Mapped[list[SubjectRequestLink]] = relationship(
        order_by="SubjectRequestLink.request_id", cascade="all, delete-orphan", passive_deletes=True
    )


class SubjectName(Base):
    """One name as written, with its script, language, kind and (when known) its parts."""

    __tablename__ = "subject_name"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(300))
    script: Mapped[str] = mapped_column(String(12))
    language: Mapped[str] = mapped_column(String(12), default="")
    kind: Mapped[str] = mapped_column(String(20))
    given_name: Mapped[str] = mapped_column(String(200), default="")
    family_name: Mapped[str] = mapped_column(String(200), default="")
    name_order: Mapped[str] = mapped_column(String(20), default="unknown")
    imported: Mapped[bool] = mapped_column(default=False)


class SubjectNameKey(Base):
    """A key a name is found by, the same screening indexes it by (`liaison.names.search.stored_keys`):
    each word's phonetic keys in every reading, their first and last letters, its initial and its
    given-name groups. Search by any form is a lookup of its terms here, intersected by name (the
    index covers the lookup: key, then name and subject)."""

    __tablename__ = "subject_name_key"
    __table_args__ = (Index("ix_subject_name_key_key_name", "key", "name_id", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    name_id: Mapped[int] = mapped_column(ForeignKey("subject_name.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300))


class SubjectBirthDate(Base):
    """A birth date as precise as known: exact (1970-05-12), month (1970-05), year (1970) or a range
    (1968..1971); `year_from`/`year_to` make search by birth year an indexed range test."""

    __tablename__ = "subject_birth_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(String(24))
    precision: Mapped[str] = mapped_column(String(10))
    year_from: Mapped[int] = mapped_column(Integer, index=True)
    year_to: Mapped[int] = mapped_column(Integer)
    imported: Mapped[bool] = mapped_column(default=False)


class SubjectNationality(Base):
    __tablename__ = "subject_nationality"

    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    imported: Mapped[bool] = mapped_column(default=False)


class SubjectDocument(Base):
    """An identity document; `number_key` is the number without spaces, dashes or case, unique per
    kind and issuing country so one document cannot belong to two subjects."""

    __tablename__ = "subject_document"
    __table_args__ = (UniqueConstraint("number_key", "kind", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(80))
    number_key: Mapped[str] = mapped_column(String(80), index=True)
    country: Mapped[str] = mapped_column(String(2), default="")
    issued_on: Mapped[date | None] = mapped_column(default=None)
    expires_on: Mapped[date | None] = mapped_column(default=None)
    imported: Mapped[bool] = mapped_column(default=False)


class SubjectCharge(Base):
    __tablename__ = "subject_charge"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    crime_area: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    legal_provision: Mapped[str] = mapped_column(String(300), default="")
    issuing_authority: Mapped[str] = mapped_column(String(200), default="")
    issuing_country: Mapped[str] = mapped_column(String(2), default="")
    warrant_reference: Mapped[str] = mapped_column(String(120), default="")
    warrant_date: Mapped[date | None] = mapped_column(default=None)
    imported: Mapped[bool] = mapped_column(default=False)


class SubjectStatusChange(Base):
    __tablename__ = "subject_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")


class Notice(Base):
    """An alert about a subject. Whether it is in force is `service.notice_status`: a notice
    past its expiry date reads as expired without anyone touching the row."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    reference: Mapped[str] = mapped_column(String(120), default="")
    issuer: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None] = mapped_column(default=None)
    expires_on: Mapped[date | None] = mapped_column(default=None, index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    reason: Mapped[str] = mapped_column(Text, default="")
    imported: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubjectRequestLink(Base):
    """A request (requests capability) that concerns the subject; no foreign key yet, see above."""

    __tablename__ = "subject_request_link"

    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubjectStatusProposal(Base):
    """A change of status the subject's requests and hits suggest (a confirmed hit: located; an
    executed extradition: surrendered; a partner's hit alert: located), waiting for an officer to
    confirm or dismiss it. `hit_id`, `request_id` and `alert_id` (the exchange's `HitAlert`) name
    what suggested it (no foreign keys: either capability may be absent)."""

    __tablename__ = "subject_status_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    hit_id: Mapped[int | None] = mapped_column(Integer, default=None)
    request_id: Mapped[int | None] = mapped_column(Integer, default=None)
    alert_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str] = mapped_column(String(20), default="")  # "" open | confirmed | dismissed
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
