"""The second factor of a sign-in: TOTP enrolment, checking a code, recovery codes.

Administrators and supervisors must have one (`is_required`); every other user may enrol. The
enrolment key is made on the server and shown once, as text and as a QR code; until the person
confirms it with a first code nothing is stored: the page carries the key sealed (encrypted and
authenticated with the node's key, bound to the user and the time), so an abandoned enrolment
leaves nothing behind and a reload cannot reveal an active key. Once confirmed the key is stored
sealed too and never shown again, and ten single-use recovery codes are shown once and kept as
Argon2id hashes. A code is accepted once (`SecondFactor.last_step`); each recovery code used is
audited. Counting wrong codes towards the lock-out is the sign-in's business (`accounts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Invalid, Unavailable
from liaison.core.models import RecoveryCode, SecondFactor, User
from liaison.core.security import totp
from liaison.core.security.secrets import hash_recovery_code, seal, unseal, verify_recovery_code
from liaison.core.settings import get_settings

REQUIRED_FOR = frozenset({"admin", "supervisor"})
ENROLMENT_MINUTES = 15
STORED = "liaison second factor"
ENROLLING = "liaison second factor enrolment"


class WrongCode(Invalid):
    """A second-factor code that is wrong, or was used already; the sign-in counts it as a failure."""


def is_required(user: User) -> bool:
    return user.role in REQUIRED_FOR


def is_enrolled(user: User) -> bool:
    return user.second_factor is not None


def _key() -> str:
    return get_settings().resolved_secret_key()


@dataclass(frozen=True)
class Enrolment:
    """A key offered to a user, not yet confirmed: what the enrolment page shows and posts back."""

    secret: str
    sealed: str
    uri: str

    @property
    def grouped(self) -> str:
        return totp.grouped(self.secret)

    @property
    def qr_svg(self) -> str:
        return totp.qr_svg(self.uri)


def start_enrolment(user: User, now: datetime | None = None) -> Enrolment:
    """A new key for `user` to add to an authenticator app; nothing is stored until confirmed."""
    if is_enrolled(user):
        raise Conflict("You already have a second factor; an administrator can reset it.")
    secret = totp.new_secret()
    issued = int((now or utcnow()).timestamp())
    sealed = seal(_key(), ENROLLING, f"{user.id}:{issued}:{secret}")
    return Enrolment(secret, sealed, totp.provisioning_uri(secret, user.username))


def resume_enrolment(user: User, sealed: str) -> Enrolment | None:
    """The enrolment a page posted back, if it is this user's and not expired."""
    opened = unseal(_key(), ENROLLING, sealed)
    if opened is None:
        return None
    user_id, _, rest = opened.partition(":")
    issued, _, secret = rest.partition(":")
    if user_id != str(user.id) or not issued.isdigit():
        return None
    if utcnow().timestamp() - int(issued) > ENROLMENT_MINUTES * 60:
        return None
    return Enrolment(secret, sealed, totp.provisioning_uri(secret, user.username))


def confirm_enrolment(session: Session, user: User, sealed: str, code: str) -> list[str]:
    """Store the key once the person proves it works with a first code; the recovery codes, shown once."""
    if is_enrolled(user):
        raise Conflict("You already have a second factor; an administrator can reset it.")
    enrolment = resume_enrolment(user, sealed)
    if enrolment is None:
        raise Invalid(
            "This enrolment has expired (after {minutes} minutes) or is not yours; a new key is shown: "
            "add it to your app and enter its code.",
            minutes=ENROLMENT_MINUTES,
            fields={"code": "start again"},
        )
    now = utcnow()
    step = totp.matching_step(enrolment.secret, code, 0, now) if totp.is_totp_form(code) else None
    if step is None:
        raise Invalid(
            "The code is not right. Enter the six digits your app shows now (check that the "
            "device's clock is right).",
            fields={"code": "not right"},
        )
    user.second_factor = SecondFactor(
        sealed_secret=seal(_key(), STORED, enrolment.secret), enrolled_at=now, last_step=step
    )
    session.flush()
    codes = _replace_recovery_codes(session, user)
    audit.record(
        session,
        user.username,
        "enrol-second-factor",
        "user",
        user.id,
        detail=f"TOTP; {len(codes)} recovery codes",
    )
    return codes


def _forget_recovery_codes(session: Session, user: User) -> None:
    session.execute(
        delete(RecoveryCode)
        .where(RecoveryCode.user_id == user.id)
        .execution_options(synchronize_session=False)
    )


def _replace_recovery_codes(session: Session, user: User) -> list[str]:
    _forget_recovery_codes(session, user)
    codes = totp.new_recovery_codes()
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(totp.clean_code(code))))
    session.flush()
    session.expire(user, ["recovery_codes"])
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def _secret(user: User) -> str:
    factor = user.second_factor
    assert factor is not None
    secret = unseal(_key(), STORED, factor.sealed_secret)
    if secret is None:
        raise Unavailable(
            "The second factor of {username} cannot be read (the node's secret key has changed); "
            "an administrator must reset it.",
            username=user.username,
        )
    return secret


def check(session: Session, user: User, code: str, *, recovery: bool = True) -> str:
    """Accept a current TOTP code not used before or, when `recovery`, an unused recovery code
    (which is then spent and audited); what was used. `WrongCode` otherwise."""
    factor = user.second_factor
    if factor is None:
        raise Conflict("{username} has no second factor.", username=user.username)
    now = utcnow()
    if totp.is_totp_form(code):
        step = totp.matching_step(_secret(user), code, factor.last_step, now)
        if step is not None:
            factor.last_step = step
            return "TOTP code"
    elif recovery and totp.is_recovery_form(code):
        cleaned = totp.clean_code(code)
        unused = session.scalars(
            select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
        for stored in unused:
            if verify_recovery_code(stored.code_hash, cleaned):
                stored.used_at = now
                left = len(unused) - 1
                audit.record(
                    session, user.username, "recovery-code-used", "user", user.id, detail=f"{left} left"
                )
                return "recovery code"
    raise WrongCode(
        "The code is not right, or it was used already. Enter the code your app shows now, or one "
        "of your recovery codes.",
        fields={"code": "not right"},
    )


def new_recovery_codes(session: Session, user: User, code: str) -> list[str]:
    """Replace the recovery codes (the old ones stop working) after a current TOTP code."""
    check(session, user, code, recovery=False)
    codes = _replace_recovery_codes(session, user)
    audit.record(session, user.username, "new-recovery-codes", "user", user.id, detail=f"{len(codes)} codes")
    return codes


def remove(session: Session, user: User) -> bool:
    """Forget the key and the recovery codes (the reset's part); whether there was a key."""
    had = user.second_factor is not None
    user.second_factor = None  # delete-orphan: the row goes
    _forget_recovery_codes(session, user)
    session.flush()
    session.expire(user, ["second_factor", "recovery_codes"])
    return had


def pending_expiry(now: datetime) -> datetime:
    """How long a password-checked sign-in waits for its code."""
    return now + timedelta(minutes=5)
