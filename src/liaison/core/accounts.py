"""Users, sign-in with throttling and lock-out, bearer tokens and page sessions.

Secrets are never stored: passwords as Argon2id hashes, tokens and session cookies as SHA-256.
Repeated failed sign-ins are slowed down, then the account is locked for a while; an
administrator can see the lock and clear it (`unlock`).

A password is checked when it is set: at least `MIN_PASSWORD_LENGTH` characters, not the user
name, and not one of the 30,000 most common passwords of zxcvbn's frequency list (shipped in the
`zxcvbn` wheel, so no list is kept here). Changing a password signs out the user's other page
sessions. E-mail addresses are checked for syntax with `email-validator` (no DNS look-up: a node
may run without one) and stored in its normalised form, so `liaison remind` reaches someone.

Sign-in on the pages takes two steps for a user with a second factor (`core.second_factor`): the
password opens a page session at stage "code", good for five minutes and for nothing but the code
page; the code completes it under a new secret. An administrator or supervisor without a second
factor gets a session at stage "enrol", good only for enrolling. Wrong codes count with wrong
passwords towards the same lock. A page session idle longer than `session_idle_minutes` is
closed, and none outlives `session_hours`.

A bearer token for a user with a second factor (which administrators and supervisors must have)
is issued only against that user's current code, so whoever holds the token passed the second
factor when it was made; such a user's token made without one, or before the factor was reset,
is refused.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from liaison.core import audit, second_factor
from liaison.core.db import utcnow
from liaison.core.errors import (
    Conflict,
    Forbidden,
    Invalid,
    Locked,
    NotFound,
    Phrase,
    SessionExpired,
    Unauthenticated,
)
from liaison.core.models import ApiToken, PageSession, User
from liaison.core.security.policy import ROLES
from liaison.core.security.secrets import digest, hash_password, new_secret, verify_password
from liaison.core.settings import get_settings

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD_LENGTH = 12
SYSTEM = audit.SYSTEM_ACTOR


def _user_fields(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "unit": user.unit,
        "is_active": user.is_active,
        "password_hash": user.password_hash,
    }


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's list of the most common passwords (lower case), loaded once."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_password(password: str, username: str = "") -> None:
    """The password policy, checked whenever a password is set."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "The password is too short: use at least {minimum} characters.",
            minimum=MIN_PASSWORD_LENGTH,
            fields={"password": Phrase("at least {minimum} characters", {"minimum": MIN_PASSWORD_LENGTH})},
        )
    lowered = password.lower()
    if lowered in common_passwords() or lowered == username.lower():
        raise Invalid(
            "This password is too easy to guess: it is a common password or the user name.",
            fields={"password": "too easy to guess"},
        )


def clean_email(email: str) -> str:
    """An e-mail address in its normalised form, or '' for none; a malformed one is refused."""
    email = email.strip()
    if not email:
        return ""
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise Invalid(
            "The e-mail address {email!r} is not valid.",
            email=email,
            fields={"email": "an address such as name@example.org"},
        ) from error


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def create_user(
    session: Session,
    actor: str,
    username: str,
    password: str,
    role: str,
    *,
    full_name: str = "",
    email: str = "",
    unit: str = "",
) -> User:
    problems: dict[str, str | Phrase] = {}
    if not USERNAME_PATTERN.match(username):
        problems["username"] = "2-80 characters: lower-case letters, digits, '.', '_' or '-'"
    if role not in ROLES:
        problems["role"] = Phrase("one of {roles}", {"roles": list(ROLES)})
    if problems:
        raise Invalid("The user cannot be created.", fields=problems)
    check_password(password, username)
    email = clean_email(email)
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict("A user named {username!r} already exists.", username=username)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        full_name=full_name,
        email=email,
        unit=unit,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "create", "user", user.id, after=_user_fields(user))
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("No user named {username!r}.", username=username)
    return user


def acting_user(session: Session, username: str) -> User:
    """The user a command acts as (`--user NAME`): a command that outputs records runs the gate as
    a real, active user with a role and a unit, never as an administrator stand-in."""
    user = get_user(session, username)
    if not user.is_active:
        raise Forbidden("The account {username!r} is disabled.", username=username)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def update_user(
    session: Session,
    actor: str,
    username: str,
    *,
    role: str | None = None,
    is_active: bool | None = None,
    unit: str | None = None,
    email: str | None = None,
    full_name: str | None = None,
) -> User:
    user = get_user(session, username)
    before = _user_fields(user)
    if role is not None:
        if role not in ROLES:
            raise Invalid("Unknown role.", fields={"role": Phrase("one of {roles}", {"roles": list(ROLES)})})
        user.role = role
    if is_active is not None:
        user.is_active = is_active
    if unit is not None:
        user.unit = unit
    if email is not None:
        user.email = clean_email(email)
    if full_name is not None:
        user.full_name = full_name.strip()
    session.flush()
    audit.record(session, actor, "update", "user", user.id, before=before, after=_user_fields(user))
    return user


def set_password(
    session: Session, actor: str, username: str, password: str, *, keep_session: str | None = None
) -> User:
    """Set a new password (after the policy check), clear any lock, and sign out the user's page
    sessions except `keep_session` (the secret of the browser that made the change)."""
    user = get_user(session, username)
    check_password(password, user.username)
    before = _user_fields(user)
    user.password_hash = hash_password(password)
    user.failed_signins, user.locked_until = 0, None
    closed = sign_out_everywhere(session, user, keep_session)
    detail = "by the user" if actor == user.username else "reset"
    audit.record(
        session,
        actor,
        "set-password",
        "user",
        user.id,
        before=before,
        after=_user_fields(user),
        detail=f"{detail}; {closed} other session(s) signed out",
    )
    return user


def change_own_password(
    session: Session, username: str, current: str, new: str, *, keep_session: str | None = None
) -> User:
    """A signed-in user changes their password; the current one must be given, else nothing changes."""
    user = get_user(session, username)
    if not verify_password(user.password_hash, current):
        raise Invalid(
            "The current password is not right; the password was not changed.",
            fields={"current_password": "not right"},
        )
    if new == current:
        raise Invalid("The new password is the same as the current one.", fields={"password": "unchanged"})
    return set_password(session, username, username, new, keep_session=keep_session)


def sign_out_everywhere(session: Session, user: User, keep_session: str | None = None) -> int:
    """Close the user's page sessions (all but `keep_session`); how many were closed."""
    condition = PageSession.user_id == user.id
    if keep_session:
        condition = condition & (PageSession.session_hash != digest(keep_session))
    result = session.execute(
        delete(PageSession).where(condition).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def unlock(session: Session, actor: str, username: str) -> User:
    """Clear the failed sign-ins and the lock of a user, so they can sign in again at once."""
    user = get_user(session, username)
    before = {"failed_signins": user.failed_signins, "locked_until": user.locked_until}
    user.failed_signins, user.locked_until = 0, None
    after = {"failed_signins": 0, "locked_until": None}
    audit.record(session, actor, "unlock", "user", user.id, before=before, after=after)
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """An Argon2 hash of a random secret, verified when the user name is unknown."""
    return hash_password(new_secret())


def authenticate(session: Session, username: str, password: str) -> User:
    """Check a password; slow down repeated failures and lock the account after too many.

    The failure count is committed even though the sign-in fails, so the caller must commit
    the session before raising the returned error (see `sign_in`).
    """
    settings = get_settings()
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise Locked("Too many failed sign-ins: the account is locked for a while. Try again later.")
    # An unknown user costs the same Argon2 verification as a known one: no enumeration by timing.
    password_hash = user.password_hash if user is not None else _dummy_hash()
    if not verify_password(password_hash, password) or user is None or not user.is_active:
        audit.record(
            session, SYSTEM, audit.SIGN_IN_FAILED, "user", user.id if user else username.strip()[:80]
        )
        if user is None:
            time.sleep(min(settings.signin_delay_seconds, 2.0))
        else:
            _count_failure(session, user, now)
        raise Unauthenticated("Wrong user name or password.")
    user.failed_signins, user.locked_until = 0, None
    return user


def _count_failure(session: Session, user: User, now: datetime) -> bool:
    """One more failed sign-in (password or code): slow down, lock after too many; whether locked."""
    settings = get_settings()
    user.failed_signins += 1
    time.sleep(min(settings.signin_delay_seconds * user.failed_signins, 2.0))
    if user.failed_signins >= settings.signin_lock_after:
        user.locked_until = now + timedelta(minutes=settings.signin_lock_minutes)
        audit.record(session, SYSTEM, "lock", "user", user.id, detail="too many failed sign-ins")
        return True
    return False


def _check_second_factor(session: Session, user: User, code: str) -> str:
    """The user's code checked; a wrong one is audited and counted towards the lock (the caller
    commits before answering, so the count survives the refusal)."""
    if is_locked(user):
        raise Locked("Too many failed sign-ins: the account is locked for a while. Try again later.")
    try:
        return second_factor.check(session, user, code)
    except second_factor.WrongCode:
        audit.record(session, SYSTEM, "second-factor-failed", "user", user.id)
        _count_failure(session, user, utcnow())
        raise


STAGE_CODE, STAGE_ENROL, COMPLETE = "code", "enrol", ""


def stage_after_password(user: User) -> str:
    """What a page sign-in still needs once the password is right."""
    if second_factor.is_enrolled(user):
        return STAGE_CODE
    return STAGE_ENROL if second_factor.is_required(user) else COMPLETE


def open_page_session(session: Session, user: User, stage: str = COMPLETE) -> str:
    """A page session after the password; at stage "code" it lasts only until the code is due."""
    secret = new_secret()
    now = utcnow()
    lasts = now + timedelta(hours=get_settings().session_hours)
    session.add(
        PageSession(
            user_id=user.id,
            session_hash=digest(secret),
            created_at=now,
            expires_at=second_factor.pending_expiry(now) if stage == STAGE_CODE else lasts,
            last_seen_at=now,
            stage=stage,
        )
    )
    if stage == COMPLETE:
        audit.record(session, user.username, audit.SIGN_IN, "user", user.id, detail="password")
    elif stage == STAGE_ENROL:
        detail = "password; must enrol a second factor"
        audit.record(session, user.username, audit.SIGN_IN, "user", user.id, detail=detail)
    return secret


def _page_session(session: Session, secret: str) -> PageSession | None:
    return session.scalar(select(PageSession).where(PageSession.session_hash == digest(secret)))


def finish_sign_in(session: Session, secret: str, code: str) -> tuple[User, str]:
    """The second step: the code of a session whose password was right. The session is then
    complete under a new secret (returned), so the secret seen before the code is worth nothing."""
    page_session = _page_session(session, secret)
    now = utcnow()
    if page_session is None or page_session.stage != STAGE_CODE or page_session.expires_at <= now:
        raise Unauthenticated("The sign-in has expired: enter your user name and password again.")
    user = page_session.user
    if not user.is_active:
        raise Unauthenticated("The sign-in has expired: enter your user name and password again.")
    try:
        method = _check_second_factor(session, user, code)
    except second_factor.WrongCode:
        if is_locked(user):
            session.delete(page_session)
        raise
    except Locked:
        session.delete(page_session)
        raise
    user.failed_signins, user.locked_until = 0, None
    fresh = new_secret()
    page_session.session_hash = digest(fresh)
    page_session.stage = COMPLETE
    page_session.expires_at = now + timedelta(hours=get_settings().session_hours)
    page_session.last_seen_at = now
    audit.record(session, user.username, audit.SIGN_IN, "user", user.id, detail=f"password and {method}")
    return user, fresh


def complete_enrolment_stage(session: Session, secret: str) -> str | None:
    """After enrolling, a session at stage "enrol" becomes a complete sign-in under a new secret."""
    page_session = _page_session(session, secret)
    if page_session is None or page_session.stage != STAGE_ENROL:
        return None
    fresh = new_secret()
    page_session.session_hash = digest(fresh)
    page_session.stage = COMPLETE
    return fresh


def user_for_page_session(session: Session, secret: str) -> tuple[User, str] | None:
    """The user of a page session and its stage; None when there is none, it has run out, or it
    waits for its code. A session idle too long is closed and `SessionExpired` raised (the caller
    commits first, so the closing is kept)."""
    page_session = _page_session(session, secret)
    now = utcnow()
    if page_session is None or page_session.expires_at <= now or not page_session.user.is_active:
        return None
    if page_session.stage == STAGE_CODE:
        return None
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    seen = page_session.last_seen_at or page_session.created_at
    if now - seen > idle:
        minutes = get_settings().session_idle_minutes
        detail = f"idle for more than {minutes} minutes"
        audit.record(
            session, page_session.user.username, audit.SIGN_OUT, "user", page_session.user_id, detail=detail
        )
        session.delete(page_session)
        raise SessionExpired(
            "You were signed out after {minutes} minutes without activity. Sign in again.", minutes=minutes
        )
    if now - seen > min(idle / 10, timedelta(minutes=1)):  # a write per minute at most, not per request
        page_session.last_seen_at = now
    return page_session.user, page_session.stage


def close_page_session(session: Session, secret: str) -> None:
    page_session = session.scalar(select(PageSession).where(PageSession.session_hash == digest(secret)))
    if page_session is not None:
        audit.record(session, page_session.user.username, audit.SIGN_OUT, "user", page_session.user_id)
        session.delete(page_session)


def token_needs_code(user: User) -> bool:
    return second_factor.is_enrolled(user) or second_factor.is_required(user)


def create_token(
    session: Session,
    actor: str,
    username: str,
    *,
    expires_days: int | None = None,
    label: str = "",
    code: str | None = None,
) -> tuple[ApiToken, str]:
    """A new bearer token; the secret is returned once and only its hash is kept.

    For a user with a second factor, `code` must be their current code (or a recovery code): a
    wrong one counts towards their lock, and the caller commits before answering, as at sign-in."""
    if expires_days is not None and expires_days < 1:
        raise Invalid("A token must live at least one day.", fields={"expires_days": "1 or more"})
    user = get_user(session, username)
    with_second_factor = token_needs_code(user)
    if with_second_factor:
        if not second_factor.is_enrolled(user):
            raise Conflict(
                "{username} must enrol a second factor (at their next sign-in on the pages) before a "
                "token can be issued.",
                username=username,
            )
        if not code:
            raise Invalid(
                "A token for {username} needs their current second-factor code.",
                username=username,
                fields={"code": "required"},
            )
        _check_second_factor(session, user, code)
    secret = "lsn_" + new_secret()
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        token_hash=digest(secret),
        label=label,
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
        with_second_factor=with_second_factor,
    )
    session.add(token)
    session.flush()
    after = {"user": username, "label": label, "with_second_factor": with_second_factor}
    audit.record(session, actor, "create", "api_token", token.id, after=after)
    return token, secret


def revoke_token(session: Session, actor: str, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No token with id {token_id}.", token_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, actor, "revoke", "api_token", token.id)
    return token


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def user_for_token(session: Session, secret: str) -> User:
    # One query for the token, its user and their second factor (lazy loads would be three).
    found = select(ApiToken).where(ApiToken.token_hash == digest(secret))
    token = session.scalar(found.options(joinedload(ApiToken.user).joinedload(User.second_factor)))
    now = utcnow()
    if token is None:
        raise Unauthenticated("The bearer token is not known.")
    if token.revoked_at is not None:
        raise Unauthenticated("The bearer token has been revoked.")
    if token.expires_at is not None and token.expires_at <= now:
        raise Unauthenticated("The bearer token has expired.")
    if not token.user.is_active:
        raise Unauthenticated("The token's user is deactivated.")
    if second_factor.is_required(token.user) and not (
        token.with_second_factor and second_factor.is_enrolled(token.user)
    ):
        raise Unauthenticated(
            "An administrator's or supervisor's token must be issued with their second-factor code; "
            "ask for a new token."
        )
    return token.user


def reset_second_factor(session: Session, actor: str, username: str) -> User:
    """Forget a user's second factor (a lost phone): their tokens are revoked and their page
    sessions signed out; they enrol again at their next sign-in."""
    user = get_user(session, username)
    if not second_factor.remove(session, user):
        raise Conflict("{username} has no second factor to reset.", username=username)
    now = utcnow()
    revoked = 0
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at, revoked = now, revoked + 1
    closed = sign_out_everywhere(session, user)
    detail = f"{revoked} token(s) revoked; {closed} session(s) signed out"
    audit.record(session, actor, "reset-second-factor", "user", user.id, detail=detail)
    return user


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0
