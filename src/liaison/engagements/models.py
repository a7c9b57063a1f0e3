"""Tables of engagements: dated events of cooperation, who took part, where the record comes from,
what was agreed, proposed, urged or pledged there (commitments, followed up until done), and
citizen-protection cases tied to a partner country.

An engagement is planned, held or cancelled (`stage`, the machine `engagement_stages` of
`vocab/engagements.yaml`; `status` is the older draft/confirmed mark of ingested press reports). A
planned one carries what preparing it needs: an agenda (ordered items), the delegation lists of both
sides and preparation tasks with an owner and a due date; all of it stays when it is held. Engagements
are protected records (owning unit, handling code) read through the record-access gate; the ones
recorded before planning existed are held, H0, of no unit. Calendar feeds (`CalendarFeed`) are the
secret addresses calendar clients read the engagements from.

Agencies, officials, agreements, programmes and mechanisms belong to the registry; these tables
point at them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.db import Base, Protected, Timestamped, utcnow
from liaison.registry.models import NAME_LENGTH, ActionItem, Agency, Agreement, Mechanism, Official, Programme


class Engagement(Protected, Timestamped, Base):
    """Talks, a reception, a visit, a conference, a training course ... on a date, at a place."""

    __tablename__ = "engagement"
    __table_args__ = (Index("ix_engagement_country_held_on", "country_code", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(NAME_LENGTH))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    end_on: Mapped[date | None] = mapped_column(Date, default=None)
    date_note: Mapped[str] = mapped_column(String(500), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    place_country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"), default=None)
    # The partner country the engagement is with (null for a purely multilateral event).
    country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"), default=None)
    mechanism_id: Mapped[int | None] = mapped_column(ForeignKey("mechanism.id"), index=True, default=None)
    ordinal: Mapped[int | None] = mapped_column(Integer, default=None)
    crime_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    # the language its texts are written in, and their versions in the other (`core.bilingual`)
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")
    # "draft" when extracted from a press report and not yet confirmed by an officer
    status: Mapped[str] = mapped_column(
        String(20), default="confirmed", server_default="confirmed", index=True
    )
    # planned, held or cancelled (`engagement_stages`)
    stage: Mapped[str] = mapped_column(String(20), default="held", server_default="held", index=True)
    # the agenda of a planned meeting, items in order
    agenda: Mapped[list[str]] = mapped_column(JSON, default=list)

    mechanism: Mapped[Mechanism | None] = relationship()
    participants: Mapped[list[EngagementParticipant]] = relationship(
        back_populates="engagement", cascade="all, delete-orphan", order_by="EngagementParticipant.id"
    )
    agencies: Mapped[list[EngagementAgency]] = relationship(
        back_populates="engagement", cascade="all, delete-orphan", order_by="EngagementAgency.id"
    )
    sources: Mapped[list[EngagementSource]] = relationship(
        back_populates="engagement", cascade="all, delete-orphan", order_by="EngagementSource.id"
    )
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="engagement", order_by="Commitment.id"
    )
    delegates: Mapped[list[EngagementDelegate]] = relationship(
        back_populates="engagement",
        cascade="all, delete-orphan",
        order_by="(EngagementDelegate.side, EngagementDelegate.position)",
    )
    tasks: Mapped[list[PreparationTask]] = relationship(
        back_populates="engagement",
        cascade="all, delete-orphan",
        order_by="(PreparationTask.due_on, PreparationTask.id)",
    )


class EngagementDelegate(Base):
    """One member of a delegation list, on our side or the partner's: an official of the registry
    where known, else a name as written; on our side it may be one of this node's users (whose
    calendar feed then carries the engagement)."""

    __tablename__ = "engagement_delegate"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer, default=0)
    official_id: Mapped[int | None] = mapped_column(ForeignKey("official.id"), index=True, default=None)
    username: Mapped[str | None] = mapped_column(String(80), index=True, default=None)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")

    engagement: Mapped[Engagement] = relationship(back_populates="delegates")
    official: Mapped[Official | None] = relationship()


class PreparationTask(Base):
    """Something to get ready before a planned engagement, by a user, by a date."""

    __tablename__ = "engagement_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(80), index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True, default=None)
    is_done: Mapped[bool] = mapped_column(Boolean, default=False)

    engagement: Mapped[Engagement] = relationship(back_populates="tasks")


class CalendarFeed(Base):
    """A secret calendar address of one user: their engagements (`scope` "mine": on a delegation,
    owning a preparation task, or of their unit) or one partner's (`scope` "country" with a country
    code, "agency" with an agency id). Only the SHA-256 of the secret is kept; a revoked feed answers
    as a missing one. The feed reads as its user, through the record-access gate."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(10))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"), default=None)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), default=None)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class EngagementParticipant(Base):
    """An official who took part, with their role in the event (host, guest, head of delegation)."""

    __tablename__ = "engagement_participant"
    __table_args__ = (UniqueConstraint("engagement_id", "official_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), index=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("official.id"), index=True)
    role: Mapped[str] = mapped_column(String(40), default="participant")

    engagement: Mapped[Engagement] = relationship(back_populates="participants")
    official: Mapped[Official] = relationship()


class EngagementAgency(Base):
    __tablename__ = "engagement_agency"
    __table_args__ = (UniqueConstraint("engagement_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)

    engagement: Mapped[Engagement] = relationship(back_populates="agencies")
    agency: Mapped[Agency] = relationship()


class EngagementSource(Base):
    """Where the record comes from: a URL or a file, and the passage quoted from it."""

    __tablename__ = "engagement_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(1000), default="", index=True)
    file: Mapped[str] = mapped_column(String(300), default="")
    published_on: Mapped[date | None] = mapped_column(Date, default=None)
    quote: Mapped[str] = mapped_column(Text, default="")
    # SHA-256 of an ingested report's text: the same report ingested again finds its draft
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    # the ingested report's article text, shown beside the draft for review
    report_text: Mapped[str | None] = mapped_column(Text, default=None)

    engagement: Mapped[Engagement] = relationship(back_populates="sources")


class Commitment(Timestamped, Base):
    """Something an engagement agreed, proposed, urged, pledged or requested, followed up until done."""

    __tablename__ = "commitment"
    __table_args__ = (
        Index("ix_commitment_status_due", "status", "due_date"),
        Index("ix_commitment_country_status_due", "country_code", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id"), index=True)
    # The engagement's partner country, copied so "open commitments with X" is one index range.
    country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"), default=None)
    text: Mapped[str] = mapped_column(Text)
    # the language its texts are written in, and their versions in the other (`core.bilingual`)
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True, default=None)
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    crime_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), default=None)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id"), default=None)
    action_item_id: Mapped[int | None] = mapped_column(ForeignKey("action_item.id"), default=None)

    engagement: Mapped[Engagement] = relationship(back_populates="commitments")
    owner_agency: Mapped[Agency | None] = relationship()
    agreement: Mapped[Agreement | None] = relationship()
    programme: Mapped[Programme | None] = relationship()
    action_item: Mapped[ActionItem | None] = relationship()
    parties: Mapped[list[CommitmentParty]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan", order_by="CommitmentParty.id"
    )
    follow_ups: Mapped[list[CommitmentFollowUp]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan", order_by="CommitmentFollowUp.id"
    )


class CommitmentParty(Base):
    """An agency the commitment binds."""

    __tablename__ = "commitment_party"
    __table_args__ = (UniqueConstraint("commitment_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)

    commitment: Mapped[Commitment] = relationship(back_populates="parties")
    agency: Mapped[Agency] = relationship()


class CommitmentFollowUp(Base):
    """A dated note on a commitment, with the status it moved to (if it moved)."""

    __tablename__ = "commitment_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str | None] = mapped_column(String(20), default=None)
    # on a partner's copy, the status this side's follow-up proposed to the owner node (the copy
    # keeps the owner's status until the owner accepts it)
    proposed_status: Mapped[str | None] = mapped_column(String(20), default=None)
    actor: Mapped[str] = mapped_column(String(80), default="")

    commitment: Mapped[Commitment] = relationship(back_populates="follow_ups")


class CommitmentProposal(Base):
    """A partner node's proposed change of status of one of our commitments (its follow-up
    carried one): kept with where it came from (the node, the envelope's message id, when), until
    an officer of the owning unit accepts it (the status moves through the follow-up path) or
    refuses it, saying why. `decision` is "" while open, else accepted or refused."""

    __tablename__ = "commitment_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    from_node: Mapped[str] = mapped_column(String(120))
    message_id: Mapped[str] = mapped_column(String(80), default="")
    proposed_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[str] = mapped_column(String(20), default="", index=True)
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(Text, default="")

    commitment: Mapped[Commitment] = relationship()


class CitizenProtectionCase(Protected, Timestamped, Base):
    """Protection of a partner country's or our own citizens (business people, students, workers ...).
    Protected: it names people, so it carries an owning unit and a handling code like a subject."""

    __tablename__ = "citizen_protection_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    country_code: Mapped[str] = mapped_column(ForeignKey("country.code"), index=True)
    title: Mapped[str] = mapped_column(String(NAME_LENGTH))
    concerned: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id"), default=None)

    engagement: Mapped[Engagement | None] = relationship()
