"""Request plumbing shared by every capability's routes: the per-request transaction and the
signed-in user with their permission for the route's action.

Each route names its action through `Permission`, usually via an alias in the capability:
`Reader = Annotated[User, Depends(Permission("registry.read"))]`.
The route x role test reads these declarations, so a route without one fails the suite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from anyio import CancelScope
from fastapi import Depends, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liaison.core import accounts, saved_filters
from liaison.core.db import end_unit_of_work, open_session
from liaison.core.errors import Invalid, SecondFactorRequired, SessionExpired, Unauthenticated
from liaison.core.models import User
from liaison.core.security import csrf
from liaison.core.security.policy import ensure, roles_for

SESSION_COOKIE = "liaison_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _transaction(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent (rolled back on any error).

    Opening the session does no I/O, so it happens on the event loop; only the end (commit or
    rollback, and close) goes to a worker thread, one hop instead of a hop to enter and another
    to leave. The end is shielded: a cancelled request still rolls back and returns its connection."""
    session = open_session(request.app.state.engine)
    committing = False
    try:
        yield session
        committing = True
    finally:
        with CancelScope(shield=True):
            await run_in_threadpool(end_unit_of_work, session, commit=committing)


DbSession = Annotated[Session, Depends(_transaction, scope="function")]


@dataclass(frozen=True)
class SignedIn:
    """What pages show of the signed-in user; a plain copy that outlives a rolled-back session."""

    id: int
    username: str
    full_name: str
    role: str
    unit: str

    @classmethod
    def of(cls, user: User) -> SignedIn:
        return cls(user.id, user.username, user.full_name, user.role, user.unit)


def bearer_secret(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthenticated("The Authorization header must be 'Bearer <token>'.")
    return value.strip()


def resolve_user(request: Request, session: Session) -> tuple[User, bool, str]:
    """The signed-in user, whether they came by cookie (and so need a CSRF token), and the stage of
    their page session ("" when complete, "enrol" when a second factor must be enrolled first)."""
    secret = bearer_secret(request)
    if secret is not None:
        return accounts.user_for_token(session, secret), False, accounts.COMPLETE
    cookie = request.cookies.get(SESSION_COOKIE)
    try:
        found = accounts.user_for_page_session(session, cookie) if cookie else None
    except SessionExpired:
        session.commit()  # keep the closing of the idle session and its audit event
        raise
    if found is None:
        raise Unauthenticated("Sign in, or send a bearer token, to use this.")
    return found[0], True, found[1]


class Permission:
    """Dependency: the signed-in user, who must be allowed `action` by the access policy.

    A page session still at the "enrol" stage (an administrator or supervisor without a second
    factor) reaches only the routes declared `while_enrolling`: the enrolment page itself."""

    def __init__(self, action: str, *, while_enrolling: bool = False) -> None:
        roles_for(action)  # fails at import time when the action is not declared
        self.action = action
        self.while_enrolling = while_enrolling

    async def __call__(self, request: Request, session: DbSession) -> User:
        user, by_cookie, stage = await run_in_threadpool(resolve_user, request, session)
        request.state.user = SignedIn.of(user)
        request.state.stage = stage
        if stage == accounts.STAGE_ENROL and not self.while_enrolling:
            raise SecondFactorRequired(
                "Your role needs a second factor: enrol one before doing anything else."
            )
        if by_cookie and request.method not in SAFE_METHODS:
            await csrf.check(request)
        ensure(user, self.action)
        whole_page = by_cookie and request.method == "GET" and _draws_the_header(request)
        if whole_page and stage == accounts.COMPLETE:
            from liaison.core.notifications import unread_count  # the bell in the pages' header

            request.state.unread = await run_in_threadpool(unread_count, session, user)
        if request.method == "GET" and _draws_the_header(request):  # the list pages offer them
            request.state.saved_filters = await run_in_threadpool(
                saved_filters.for_page, session, user.username, request.url.path
            )
        return user


def _draws_the_header(request: Request) -> bool:
    """Whether the answer is a whole page, whose header shows the bell's count: not the API, not
    an htmx fragment (both would pay for a count nobody sees)."""
    return not request.url.path.startswith("/api/") and "hx-request" not in request.headers


async def upload_text(file: UploadFile) -> str:
    """An uploaded list's text (UTF-8, with or without a byte-order mark), else `Invalid` saying so."""
    raw = await file.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(
            "{file} is not UTF-8 text; save it as UTF-8 and try again.", file=file.filename or "?"
        ) from error
