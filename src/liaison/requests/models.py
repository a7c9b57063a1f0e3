"""Tables of cooperation requests: the request, its deadlines, history, comments and documents,
the reminders already sent, and per-agreement terms (coverage and deadline overrides).

`request.next_due_at` is the earliest open deadline, kept by the service whenever a deadline
starts, is met or is cancelled, so "overdue for this partner" is one range read of the index
`(partner_agency_id, next_due_at)` however many requests there are.

"Persons concerned" are a structured list on the request (name, birth date, nationality and an
optional `subject_id`); `subject_id` refers to the persons-sought capability's subject without a
foreign key, so either capability can be installed alone. The same holds for `engagement_id` and
`commitment_id` (the engagement or commitment a request follows from).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.db import Base, Protected, Timestamped
from liaison.registry.models import Agency, Agreement


class CooperationRequest(Protected, Timestamped, Base):
    """A formal request between two agencies, incoming or outgoing."""

    __tablename__ = "request"
    __table_args__ = (
        # Covering: the overdue list for a partner and its count read only this index (access
        # filter included), in deadline order; `id` breaks ties in the same order.
        Index(
            "ix_request_partner_due", "partner_agency_id", "next_due_at", "id", "handling_code", "owning_unit"
        ),
        Index("ix_request_responsible_due", "responsible_username", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    direction: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    # the language its title is written in, and its version in the other (`core.bilingual`)
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")
    requesting_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    requested_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    # The foreign side: the requested agency of an outgoing request, the requesting one of an incoming.
    partner_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    partner_country_code: Mapped[str | None] = mapped_column(String(2), index=True, default=None)
    our_reference: Mapped[str] = mapped_column(String(80), default="")
    their_reference: Mapped[str] = mapped_column(String(80), default="")
    urgency: Mapped[str] = mapped_column(String(10), default="standard")
    crime_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    facts: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    persons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    engagement_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    commitment_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    request_date: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime | None] = mapped_column(default=None)
    responded_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    legal_basis_agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), default=None)
    legal_basis_is_reciprocity: Mapped[bool] = mapped_column(default=False)
    legal_basis_proposed: Mapped[list[int]] = mapped_column(JSON, default=list)
    legal_basis_overridden: Mapped[bool] = mapped_column(default=False)
    legal_basis_reason: Mapped[str] = mapped_column(Text, default="")
    responsible_username: Mapped[str] = mapped_column(String(80), default="")
    created_by: Mapped[str] = mapped_column(String(80), default="")
    next_due_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    # The thread this request shares with the partner's own system (a node's exchange thread id),
    # so a reply there finds this request here; None for a request kept on this side only.
    remote_thread: Mapped[str | None] = mapped_column(String(64), unique=True, index=True, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    requesting_agency: Mapped[Agency] = relationship(foreign_keys=[requesting_agency_id])
    requested_agency: Mapped[Agency] = relationship(foreign_keys=[requested_agency_id])
    partner_agency: Mapped[Agency] = relationship(foreign_keys=[partner_agency_id])
    legal_basis_agreement: Mapped[Agreement | None] = relationship()
    deadlines: Mapped[list[RequestDeadline]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestDeadline.due_at"
    )
    history: Mapped[list[RequestTransition]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestTransition.id"
    )
    comments: Mapped[list[RequestComment]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestComment.id"
    )
    documents: Mapped[list[RequestDocument]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestDocument.id"
    )
    subject_links: Mapped[list[RequestSubject]] = relationship(
        cascade="all, delete-orphan", order_by="RequestSubject.subject_id"
    )


class RequestSubject(Base):
    """A person sought the request names (`persons[].subject_id`), kept in step with the list so
    "the requests naming subject 3" is one index read; no foreign key (see above)."""

    __tablename__ = "request_subject"

    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class RequestDeadline(Base):
    """One clock of one request: when it started, when it falls due, and whether it was met."""

    __tablename__ = "request_deadline"
    __table_args__ = (UniqueConstraint("request_id", "clock"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)
    clock: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime]
    days: Mapped[int] = mapped_column(Integer)
    day_kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(80), default="kind")
    due_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(index=True)
    met_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)

    request: Mapped[CooperationRequest] = relationship(back_populates="deadlines")

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None


class RequestTransition(Base):
    """One step of a request's history: who moved it, from which state to which, when and why."""

    __tablename__ = "request_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)
    transition: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(40), default="")
    to_state: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]  # when it was recorded
    # When it happened (the officer's "happened on", as an instant): the clocks count from it.
    happened_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[CooperationRequest] = relationship(back_populates="history")


class RequestComment(Base):
    """A follow-up note on a request (a call, a reminder sent, what the partner said), recorded
    at `at` and dated when it happened (`happened_at`)."""

    __tablename__ = "request_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]
    happened_at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)

    request: Mapped[CooperationRequest] = relationship(back_populates="comments")


class RequestDocument(Base):
    """A document attached to a request; its bytes are stored once, by SHA-256, outside the database."""

    __tablename__ = "request_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)
    document_type: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime]
    # Withdrawn, never deleted: the row and its bytes stay for the record, struck out with who,
    # when and why; a withdrawn document no longer counts, travels or is exported.
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)
    withdrawn_by: Mapped[str] = mapped_column(String(80), default="")
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[CooperationRequest] = relationship(back_populates="documents")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class AgreementCoverage(Base):
    """An extra request scope an agreement covers beyond its registry kind (UNTOC: extradition
    and mutual legal assistance, though the registry files it as one kind)."""

    __tablename__ = "agreement_coverage"
    __table_args__ = (UniqueConstraint("agreement_id", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(60))


class AgreementDeadlineOverride(Base):
    """An agreement's own period for a clock (the treaty says 40 days, not the default 60).
    `request_kind` empty means every kind the agreement covers."""

    __tablename__ = "agreement_deadline_override"
    __table_args__ = (UniqueConstraint("agreement_id", "request_kind", "clock"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    request_kind: Mapped[str] = mapped_column(String(60), default="")
    clock: Mapped[str] = mapped_column(String(40))
    days: Mapped[int] = mapped_column(Integer)
    day_kind: Mapped[str] = mapped_column(String(10), default="calendar")


class ReminderSent(Base):
    """A reminder already e-mailed: one per request, clock, standing, recipient and day, so
    running `liaison remind` again the same day sends nothing new."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("request_id", "clock", "standing", "recipient", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)
    clock: Mapped[str] = mapped_column(String(40))
    standing: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(80))
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime]
