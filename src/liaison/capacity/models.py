"""Tables of capacity building: staff of the home ministry, activities (training, secondment,
application for a post, deployment, experience sharing) with a partner agency, and who took part.

Staff records are the home ministry's own people and are never subjects: they live in their own
table, and a participant is either a staff record (`staff_member_id`) or a partner's person named
as written (`partner_name`), never a person sought. `engagement_id` refers to the engagements
capability's engagement without a foreign key, as between other capabilities; the engagement's
page lists the activities linked to it (`engagement_panel`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.db import Base, Protected, Timestamped, utcnow


class StaffMember(Protected, Timestamped, Base):
    """An officer or civil servant of the home ministry: personnel data, so `Protected` (owning
    unit and handling code) and read through the gate like a subject."""

    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(300), index=True)
    rank: Mapped[str] = mapped_column(String(120), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)


class CapacityActivity(Protected, Timestamped, Base):
    """One training, secondment, application, deployment or experience-sharing session; it names
    staff records, so it is `Protected` too."""

    __tablename__ = "capacity_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(300))
    partner_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    direction: Mapped[str] = mapped_column(String(20), default="")
    post: Mapped[str] = mapped_column(String(200), default="")
    mission: Mapped[str] = mapped_column(String(200), default="")
    subject_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_date: Mapped[date] = mapped_column(Date, index=True)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(30), index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    engagement_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)

    participants: Mapped[list[CapacityParticipant]] = relationship(
        order_by="CapacityParticipant.id", cascade="all, delete-orphan", passive_deletes=True
    )


class CapacityParticipant(Base):
    """Someone who took part: a staff record of the home ministry, or a partner's person by name."""

    __tablename__ = "capacity_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("capacity_activity.id", ondelete="CASCADE"), index=True
    )
    staff_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id"), index=True, default=None
    )
    partner_name: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff_member: Mapped[StaffMember | None] = relationship()
