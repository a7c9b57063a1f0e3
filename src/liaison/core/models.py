"""Tables of the core: users, their second factor, API tokens and page sessions, the audit trail,
notifications and each user's choice of them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from liaison.core.db import Base, Protected, Timestamped, utcnow


class User(Timestamped, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_signins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    locale: Mapped[str] = mapped_column(String(10), default="")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")
    second_factor: Mapped[SecondFactor | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(cascade="all, delete-orphan")


class SecondFactor(Base):
    """A user's TOTP key, sealed with the node's secret key (`security.secrets.seal`): the server
    must read it back to check codes, so it cannot be hashed, and a copy of the database alone
    does not give it away. `last_step` is the time step of the last code accepted (no replay)."""

    __tablename__ = "second_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    sealed_secret: Mapped[str] = mapped_column(String(400))
    enrolled_at: Mapped[datetime]
    last_step: Mapped[int] = mapped_column(BigInteger, default=0)

    user: Mapped[User] = relationship(back_populates="second_factor")


class RecoveryCode(Base):
    """One single-use recovery code, kept as an Argon2id hash like a password."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class ApiToken(Base):
    """A bearer token; only the SHA-256 of the secret is kept, the secret is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # Issued against the user's second-factor code; administrators' and supervisors' tokens must be.
    with_second_factor: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship(back_populates="tokens")


class PageSession(Base):
    """A signed-in browser; the cookie holds the secret, the table its SHA-256.

    `stage` is empty once the sign-in is complete; "code" while the password is checked and the
    second-factor code is awaited; "enrol" for a user who must enrol a second factor first.
    `last_seen_at` is when the browser was last active, for the idle time-out."""

    __tablename__ = "page_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    stage: Mapped[str] = mapped_column(String(10), default="", server_default="")

    user: Mapped[User] = relationship()


UNCHAINED = text("seq IS NULL")


class AuditEvent(Base):
    """One append-only, hash-chained entry: a write, or a read of a sensitive record.

    Written by the business transaction with `seq`, `prev_hash` and `hash` empty (its `id` comes
    from the table's sequence, without any lock); the chainer (`core.audit.chain_pending`) fills
    them in, in commit order. See docs/architecture.md, "The audit chain".
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_unchained", "id", sqlite_where=UNCHAINED, postgresql_where=UNCHAINED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int | None] = mapped_column(Integer, unique=True, default=None)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str] = mapped_column(String(80))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    detail: Mapped[str] = mapped_column(Text, default="")
    # Copied from the protected record the event is about (empty otherwise): the gate decides who
    # may read the event's `changes` and `detail`, as it decides for the record itself.
    owning_unit: Mapped[str] = mapped_column(String(80), default="", server_default="")
    handling_code: Mapped[str] = mapped_column(String(8), default="", server_default="")
    prev_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    hash: Mapped[str | None] = mapped_column(String(64), default=None)


class AuditHead(Base):
    """The last chained sequence number and hash, so deleting the newest rows is noticed too.
    Only the chainer writes it, under the chain lock."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Notification(Protected, Base):
    """Something a user was told of (in the app, by e-mail or both), once per user and `key`.

    Made by the reminder sweep from the capabilities' `home` contributions, or by a domain event's
    subscriber; it keeps the owning unit and handling code of the record it is about, so the gate
    decides again, when it is shown, whether its recipient may still read it. `shown` is false
    when the user chose not to be told of this kind in the app (the row still records that the
    e-mail was sent, so nothing is sent twice)."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("recipient", "key", name="uq_notification_recipient_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    due: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime]
    shown: Mapped[bool] = mapped_column(default=True)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    email: Mapped[str] = mapped_column(String(10), default="")  # "" none · pending · sent
    emailed_at: Mapped[datetime | None] = mapped_column(default=None)


class NotificationPreference(Base):
    """One user's choice for one kind of notification: in the app, by e-mail (absent: the kind's
    defaults in `vocab/notification_kinds.yaml`)."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("username", "kind", name="uq_notification_preference_username_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=False)


class SavedFilter(Base):
    """One user's named filters of one list page (its query string), offered again on that page."""

    __tablename__ = "saved_filter"
    __table_args__ = (
        UniqueConstraint("username", "page", "name", name="uq_saved_filter_username_page_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    page: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
