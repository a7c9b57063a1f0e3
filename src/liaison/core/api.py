"""JSON routes of the core: the signed-in user, users, bearer tokens, the audit trail and one's
notifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from liaison.core import accounts, audit, notifications, second_factor
from liaison.core.models import User
from liaison.core.schemas import (
    AuditEventOut,
    ChainOut,
    NotificationChoice,
    NotificationOut,
    NotificationPreferencesIn,
    Page,
    PasswordChange,
    PasswordReset,
    TokenCreated,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
)
from liaison.core.vocab import Codes, codes_of
from liaison.core.web import DbSession, Permission

router = APIRouter(tags=["accounts and audit"])

Self = Annotated[User, Depends(Permission("account.self"))]
UserReader = Annotated[User, Depends(Permission("users.read"))]
UserManager = Annotated[User, Depends(Permission("users.manage"))]
TokenManager = Annotated[User, Depends(Permission("tokens.manage"))]
AuditReader = Annotated[User, Depends(Permission("audit.read"))]
DocsReader = Annotated[User, Depends(Permission("api.docs"))]


@router.get("/openapi.json")
def openapi_document(request: Request, user: DocsReader) -> dict[str, Any]:
    """The OpenAPI 3 document of this API, for signed-in users and their tools."""
    document: dict[str, Any] = request.app.openapi()
    return document


@router.get("/me", response_model=UserOut)
def who_am_i(user: Self) -> User:
    """The user the bearer token or session belongs to."""
    return user


@router.post("/me/password", status_code=204)
def change_own_password(body: PasswordChange, session: DbSession, user: Self) -> None:
    """Change your own password; the current one is required. Your page sessions are signed out."""
    accounts.change_own_password(session, user.username, body.current_password, body.password)


@router.get("/users", response_model=list[UserOut])
def list_users(session: DbSession, user: UserReader) -> list[User]:
    """Every user of this node."""
    return accounts.list_users(session)


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, session: DbSession, user: UserManager) -> User:
    """Add a user; the password is stored as an Argon2id hash."""
    return accounts.create_user(
        session,
        user.username,
        body.username,
        body.password,
        body.role,
        full_name=body.full_name,
        email=body.email,
        unit=body.unit,
    )


@router.patch("/users/{username}", response_model=UserOut)
def update_user(username: str, body: UserPatch, session: DbSession, user: UserManager) -> User:
    """Change a user's role, unit, e-mail address or full name, or deactivate them."""
    return accounts.update_user(
        session,
        user.username,
        username,
        role=body.role,
        is_active=body.is_active,
        unit=body.unit,
        email=body.email,
        full_name=body.full_name,
    )


@router.post("/users/{username}/password", response_model=UserOut)
def reset_password(username: str, body: PasswordReset, session: DbSession, user: UserManager) -> User:
    """Set a user's password; clears any lock and signs out their page sessions."""
    return accounts.set_password(session, user.username, username, body.password)


@router.post("/users/{username}/unlock", response_model=UserOut)
def unlock_user(username: str, session: DbSession, user: UserManager) -> User:
    """Clear a user's failed sign-ins and lock."""
    return accounts.unlock(session, user.username, username)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(session: DbSession, user: TokenManager) -> list[Any]:
    """Every bearer token (never the secrets)."""
    return accounts.list_tokens(session)


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(body: TokenIn, session: DbSession, user: TokenManager) -> dict[str, Any]:
    """Issue a bearer token for a user. The secret is in this answer only. A token for a user with a
    second factor (administrators and supervisors must have one) needs that user's current code."""
    try:
        token, secret = accounts.create_token(
            session,
            user.username,
            body.username,
            expires_days=body.expires_days,
            label=body.label,
            code=body.code,
        )
    except second_factor.WrongCode:
        session.commit()  # the wrong code counts towards the user's lock, as at sign-in
        raise
    return {**TokenOut.model_validate(token).model_dump(), "token": secret}


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(token_id: int, session: DbSession, user: TokenManager) -> Any:
    """Revoke a token; it stops working at once."""
    return accounts.revoke_token(session, user.username, token_id)


# The audit filter's choices, listed in the document (the service checks them: `audit.check_filter`)
AuditObjectType = Annotated[str, Codes(codes_of(audit.object_types))]
AuditAction = Annotated[str, Codes(codes_of(audit.actions))]


@router.get("/audit", response_model=list[AuditEventOut])
def audit_events(
    request: Request,
    session: DbSession,
    user: AuditReader,
    actor: Annotated[str | None, Query(max_length=80, description="user name")] = None,
    object_type: Annotated[
        AuditObjectType | None, Query(max_length=80, description="vocab/audit_objects.yaml")
    ] = None,
    object_id: Annotated[str | None, Query(max_length=80)] = None,
    action: Annotated[
        AuditAction | None, Query(max_length=80, description="vocab/audit_actions.yaml")
    ] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    first: Annotated[date | None, Query(alias="from", description="first local day (node's zone)")] = None,
    last: Annotated[date | None, Query(alias="to", description="last local day (node's zone)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Any]:
    """Audit events, newest first, filtered by user, object, action and time (instants `since`/
    `until`, or the local days `from`/`to`, as the audit page does); the changes and detail of
    events about records you may not read are withheld."""
    on_or_after, before = audit.day_bounds(first, last, request.app.state.settings.timezone)
    wanted = audit.check_filter(
        audit.EventFilter(
            actor=actor,
            object_type=object_type,
            object_id=object_id,
            action=action,
            since=max((t for t in (since, on_or_after) if t is not None), default=None),
            before=before,
            until=until,
        )
    )
    audit.record_read(session, user.username, "audit_trail", "*", detail="api")
    events = audit.search_events(session, wanted=wanted, limit=limit, offset=offset)
    return [audit.shown_to(user, event) for event in events]


@router.get("/audit/verify", response_model=ChainOut)
def verify_audit_chain(session: DbSession, user: AuditReader) -> dict[str, Any]:
    """Recompute the hash chain and report the first broken event, if any."""
    report = audit.verify_chain(session)
    return {
        "events": report.events,
        "is_intact": report.is_intact,
        "first_broken_seq": report.first_broken_seq,
        "reason": report.reason,
    }


@router.get("/notifications", response_model=Page[NotificationOut])
def list_notifications(
    session: DbSession,
    user: Self,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[NotificationOut]:
    """Your notifications in the app, newest first (`unread=true`: only those not read yet)."""
    items, total = notifications.list_for(session, user, unread=unread, limit=limit, offset=offset)
    return Page(
        items=[NotificationOut.model_validate(n) for n in items], total=total, limit=limit, offset=offset
    )


@router.post("/notifications/read-all")
def read_all_notifications(session: DbSession, user: Self) -> dict[str, int]:
    """Mark every unread notification of yours read; how many were."""
    return {"marked": notifications.mark_all_read(session, user)}


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut)
def read_notification(notification_id: int, session: DbSession, user: Self) -> NotificationOut:
    """Mark one of your notifications read."""
    return NotificationOut.model_validate(notifications.mark(session, user, notification_id, read=True))


@router.post("/notifications/{notification_id}/unread", response_model=NotificationOut)
def unread_notification(notification_id: int, session: DbSession, user: Self) -> NotificationOut:
    """Mark one of your notifications unread again."""
    return NotificationOut.model_validate(notifications.mark(session, user, notification_id, read=False))


@router.get("/notifications/preferences", response_model=dict[str, NotificationChoice])
def notification_preferences(session: DbSession, user: Self) -> dict[str, NotificationChoice]:
    """Per kind of notification, whether it reaches you in the app and by e-mail."""
    return {
        kind: NotificationChoice(in_app=c.in_app, email=c.email)
        for kind, c in notifications.preferences(session, user.username).items()
    }


@router.put("/notifications/preferences", response_model=dict[str, NotificationChoice])
def set_notification_preferences(
    body: NotificationPreferencesIn, session: DbSession, user: Self
) -> dict[str, NotificationChoice]:
    """Choose, per kind, whether it reaches you in the app and by e-mail (kinds not named keep theirs)."""
    given = {k: v for k, v in body if v is not None}
    chosen = notifications.set_preferences(
        session, user, {k: notifications.Choice(v.in_app, v.email) for k, v in given.items()}
    )
    return {kind: NotificationChoice(in_app=c.in_app, email=c.email) for kind, c in chosen.items()}
