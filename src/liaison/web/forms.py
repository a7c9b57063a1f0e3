"""Helpers for page routes: read a posted form, redirect after a successful post."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from liaison.core.errors import DomainError

T = TypeVar("T")


async def form_values(request: Request) -> dict[str, str]:
    """The posted fields as text (files excluded), without the CSRF token."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


def redirect(path: str) -> RedirectResponse:
    """Post/redirect/get: 303 so the browser follows with a GET."""
    return RedirectResponse(path, status_code=303)


def safe_next(target: str | None) -> str:
    """Only local paths, so a crafted link cannot send a user to another site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def attempt(session: Session, action: Callable[[], T]) -> T | DomainError:
    """Run a service call in a savepoint for a page post: its result, or the domain error.

    On a domain error its changes are undone and the error returned, so the page can show the
    form again with the message (`isinstance(outcome, DomainError)`) while the rest of the
    request's transaction stays intact.
    """
    try:
        with session.begin_nested():
            return action()
    except DomainError as error:
        return error
