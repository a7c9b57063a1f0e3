"""Tables of the asset register: assets of persons sought, their dated status history, and the
requests that ask something of them (trace, freeze, confiscate, return).

`owner_subject_id` and `asset_request_link.request_id` have no foreign key, as elsewhere between
capabilities (`subjects/models.py`): the assets capability requires those two but keeps its own
tables. An asset's owner is a subject, or a company in the register (`owner_asset_id`) that a
subject controls. Values are kept in minor units (cents) as integers: exact on both databases.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.db import Base, Protected, Timestamped, utcnow

MANUAL_SOURCE = "manual"


class Asset(Protected, Timestamped, Base):
    """One asset: what it is, whose, where it is held, how it is identified, what it is worth."""

    __tablename__ = "asset"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), index=True)
    owner_subject_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    owner_asset_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"), index=True, default=None)
    country: Mapped[str] = mapped_column(String(2), index=True, default="")
    institution: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str] = mapped_column(String(40), default="", index=True)
    account_number: Mapped[str] = mapped_column(String(80), default="")
    registration_number: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    imo_number: Mapped[str] = mapped_column(String(7), default="")
    wallet_address: Mapped[str] = mapped_column(String(100), default="", index=True)
    value_minor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    currency: Mapped[str] = mapped_column(String(3), default="")
    value_date: Mapped[date | None] = mapped_column(Date, default=None)
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(60), default=MANUAL_SOURCE)
    source_id: Mapped[str | None] = mapped_column(String(200), default=None)

    status_changes: Mapped[list[AssetStatusChange]] = relationship(
        order_by="AssetStatusChange.id", cascade="all, delete-orphan", passive_deletes=True
    )
    request_links: Mapped[list[AssetRequestLink]] = relationship(
        order_by="AssetRequestLink.request_id", cascade="all, delete-orphan", passive_deletes=True
    )


class AssetStatusChange(Base):
    """One step of an asset's history: from which status to which, on what date, caused by which
    request (`request_id`) or decision (a court order's or a decision's reference)."""

    __tablename__ = "asset_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), index=True)
    effective_on: Mapped[date] = mapped_column(Date)
    request_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    decision: Mapped[str] = mapped_column(String(200), default="")
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class AssetRequestLink(Base):
    """A request that asks `action` (trace, freeze ...) of this asset; answering it moves the asset."""

    __tablename__ = "asset_request_link"

    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
