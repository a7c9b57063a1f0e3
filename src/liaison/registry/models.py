"""Tables of the cooperation registry: who the partners are and the legal framework with each.

Countries (ISO 3166-1, preloaded by the migration), agencies and officials with their names in
every script, mechanisms with members and roles held for a period, agreements with parties and a
dated status history, programmes with action items, and `search_entry`: one row per folded word
suffix of every name form, so any form of a name is found with an indexed range query.

`ref` columns are stable external keys (the demo file's ids, later an extraction's); a load that
finds a row with the same `ref` updates it instead of adding a duplicate.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.db import Base, Timestamped

NAME_LENGTH = 300


class Country(Base):
    """An ISO 3166-1 country; `name_vi` falls back to English where CLDR has no Vietnamese."""

    __tablename__ = "country"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_vi: Mapped[str] = mapped_column(String(120))


class Agency(Timestamped, Base):
    """A police, security, justice or international body; `country_code` is null for international ones."""

    __tablename__ = "agency"
    __table_args__ = (UniqueConstraint("country_code", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    acronym: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(40))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"), index=True, default=None)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")

    country: Mapped[Country | None] = relationship()
    parent: Mapped[Agency | None] = relationship(remote_side=[id])
    names: Mapped[list[AgencyName]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="AgencyName.id"
    )


class AgencyName(Base):
    """One form of an agency's name: a language, a script, as written."""

    __tablename__ = "agency_name"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(NAME_LENGTH))
    lang: Mapped[str] = mapped_column(String(10), default="")

    agency: Mapped[Agency] = relationship(back_populates="names")


class Official(Timestamped, Base):
    """A person in an official role (minister, permanent secretary, secretary-general). Not a subject."""

    __tablename__ = "official"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")

    agency: Mapped[Agency | None] = relationship()
    names: Mapped[list[OfficialName]] = relationship(
        back_populates="official", cascade="all, delete-orphan", order_by="OfficialName.id"
    )
    posts: Mapped[list[OfficialPost]] = relationship(
        back_populates="official", cascade="all, delete-orphan", order_by="OfficialPost.start_date"
    )


class OfficialName(Base):
    __tablename__ = "official_name"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("official.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(NAME_LENGTH))
    lang: Mapped[str] = mapped_column(String(10), default="")

    official: Mapped[Official] = relationship(back_populates="names")


class OfficialPost(Base):
    """A title or rank an official held, in an agency, between two dates (either may be unknown)."""

    __tablename__ = "official_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("official.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(NAME_LENGTH))
    rank: Mapped[str] = mapped_column(String(120), default="")
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), default=None)
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)

    official: Mapped[Official] = relationship(back_populates="posts")
    agency: Mapped[Agency | None] = relationship()


class Mechanism(Timestamped, Base):
    """A standing framework of cooperation: an annual meeting, a conference, AMMTC, INTERPOL ..."""

    __tablename__ = "mechanism"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    acronym: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(20))
    recurrence: Mapped[str] = mapped_column(String(20), default="regular")
    # The international organisation it runs under (ASEAN for AMMTC), when there is one.
    host_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True, default=None)
    description: Mapped[str] = mapped_column(Text, default="")

    host_agency: Mapped[Agency | None] = relationship()
    members: Mapped[list[MechanismMember]] = relationship(
        back_populates="mechanism", cascade="all, delete-orphan", order_by="MechanismMember.id"
    )
    roles: Mapped[list[MechanismRole]] = relationship(
        back_populates="mechanism", cascade="all, delete-orphan", order_by="MechanismRole.start_date"
    )


class MechanismMember(Base):
    __tablename__ = "mechanism_member"
    __table_args__ = (UniqueConstraint("mechanism_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("mechanism.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)

    mechanism: Mapped[Mechanism] = relationship(back_populates="members")
    agency: Mapped[Agency] = relationship()


class MechanismRole(Base):
    """A role held in a mechanism for a period: chair, co-chair, lead of a crime area, coordinator
    of a dialogue relationship with a partner country (ASEAN–UK 2024–2027)."""

    __tablename__ = "mechanism_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("mechanism.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    holder_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True, default=None)
    holder_country_code: Mapped[str | None] = mapped_column(
        ForeignKey("country.code"), index=True, default=None
    )
    counterpart_country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"), default=None)
    crime_area: Mapped[str | None] = mapped_column(String(40), default=None)
    start_date: Mapped[date | None] = mapped_column(Date, default=None)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="held")
    note: Mapped[str] = mapped_column(Text, default="")

    mechanism: Mapped[Mechanism] = relationship(back_populates="roles")
    holder_agency: Mapped[Agency | None] = relationship(foreign_keys=[holder_agency_id])
    holder_country: Mapped[Country | None] = relationship(foreign_keys=[holder_country_code])
    counterpart_country: Mapped[Country | None] = relationship(foreign_keys=[counterpart_country_code])


class Agreement(Timestamped, Base):
    """A treaty, convention, memorandum or plan. `status` is the newest entry of its history."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    title: Mapped[str] = mapped_column(String(NAME_LENGTH))
    title_key: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    is_multilateral: Mapped[bool] = mapped_column(default=False)
    crime_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), index=True, default=None)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), index=True, default=None)
    mechanism_id: Mapped[int | None] = mapped_column(ForeignKey("mechanism.id"), default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    # the language its texts are written in, and their versions in the other (`core.bilingual`)
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")

    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementParty.id"
    )
    history: Mapped[list[AgreementStatusChange]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="(AgreementStatusChange.effective_on, AgreementStatusChange.id)",
    )
    documents: Mapped[list[AgreementDocument]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementDocument.id"
    )
    amends: Mapped[Agreement | None] = relationship(remote_side=[id], foreign_keys=[amends_id])
    supersedes: Mapped[Agreement | None] = relationship(remote_side=[id], foreign_keys=[supersedes_id])
    mechanism: Mapped[Mechanism | None] = relationship()


class AgreementParty(Base):
    """A party: always a country; the agency that signed for it when known."""

    __tablename__ = "agreement_party"
    __table_args__ = (Index("ix_agreement_party_country_agreement", "country_code", "agreement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    country_code: Mapped[str | None] = mapped_column(ForeignKey("country.code"), default=None)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), default=None)

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    country: Mapped[Country | None] = relationship()
    agency: Mapped[Agency | None] = relationship()


class AgreementStatusChange(Base):
    """One step of an agreement's history: the status it entered and the date it took effect."""

    __tablename__ = "agreement_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(80), default="")

    agreement: Mapped[Agreement] = relationship(back_populates="history")


class AgreementDocument(Base):
    __tablename__ = "agreement_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(NAME_LENGTH))
    url: Mapped[str] = mapped_column(String(1000), default="")
    language: Mapped[str] = mapped_column(String(10), default="")

    agreement: Mapped[Agreement] = relationship(back_populates="documents")


class Programme(Timestamped, Base):
    """A multi-year plan of coordinated action (2022–2024, 2025–2027) with action items."""

    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    title: Mapped[str] = mapped_column(String(NAME_LENGTH))
    title_key: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="active")
    signed_on: Mapped[date | None] = mapped_column(Date, default=None)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), default=None)
    mechanism_id: Mapped[int | None] = mapped_column(ForeignKey("mechanism.id"), default=None)
    summary: Mapped[str] = mapped_column(Text, default="")
    # the language its texts are written in, and their versions in the other (`core.bilingual`)
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")

    parties: Mapped[list[ProgrammeParty]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeParty.id"
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ActionItem.id"
    )
    agreement: Mapped[Agreement | None] = relationship()
    mechanism: Mapped[Mechanism | None] = relationship()


class ProgrammeParty(Base):
    __tablename__ = "programme_party"
    __table_args__ = (UniqueConstraint("programme_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)

    programme: Mapped[Programme] = relationship(back_populates="parties")
    agency: Mapped[Agency] = relationship()


class ActionItem(Timestamped, Base):
    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), default=None)
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    progress_notes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # the language its text is written in, and its version in the other (`core.bilingual`)
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict, server_default="{}")

    programme: Mapped[Programme] = relationship(back_populates="action_items")
    owner_agency: Mapped[Agency | None] = relationship()


class SearchEntry(Base):
    """One folded word suffix of one name form of a record ("luong tam quang", "tam quang", "quang").

    Written by the services of the registry and of other capabilities (engagements) whenever a
    name changes; searched with a range on `key`, which both SQLite and PostgreSQL answer from
    the index.
    """

    __tablename__ = "search_entry"
    __table_args__ = (
        Index("ix_search_entry_record", "entity", "entity_id"),
        # Lets "engagements whose title matches" read entity ids from the index alone.
        Index("ix_search_entry_entity_key", "entity", "key", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    # Code-point order on both backends, so a prefix is exactly one index range.
    key: Mapped[str] = mapped_column(
        String(NAME_LENGTH).with_variant(String(NAME_LENGTH, collation="C"), "postgresql"), index=True
    )
    form: Mapped[str] = mapped_column(String(NAME_LENGTH))
