"""Request plumbing shared by every capability's routes: the per-request transaction and the
signed-in user with their permission for the route's action.

Each route names its action through `Permission`, usually via an alias in the capability:
`Reader = Annotated[User, Depends(Permission("registry.read"))]`.
The route x role test reads these declarations, so a route without one fails the suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.core.errors import Unauthenticated
from liaison.core.models import User
from liaison.core.security import csrf
from liaison.core.security.policy import ensure, roles_for

SESSION_COOKIE = "liaison_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _transaction(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    with unit_of_work(request.app.state.engine) as session:
        yield session


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


def resolve_user(request: Request, session: Session) -> tuple[User, bool]:
    """The signed-in user, and whether they came by cookie (and so need a CSRF token)."""
    secret = bearer_secret(request)
    if secret is not None:
        return accounts.user_for_token(session, secret), False
    cookie = request.cookies.get(SESSION_COOKIE)
    user = accounts.user_for_page_session(session, cookie) if cookie else None
    if user is None:
        raise Unauthenticated("Sign in, or send a bearer token, to use this.")
    return user, True


class Permission:
    """Dependency: the signed-in user, who must be allowed `action` by the access policy."""

    def __init__(self, action: str) -> None:
        roles_for(action)  # fails at import time when the action is not declared
        self.action = action

    async def __call__(self, request: Request, session: DbSession) -> User:
        user, by_cookie = await run_in_threadpool(resolve_user, request, session)
        request.state.user = SignedIn.of(user)
        if by_cookie and request.method not in SAFE_METHODS:
            await csrf.check(request)
        ensure(user, self.action)
        return user
