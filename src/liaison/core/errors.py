"""Domain errors raised by services, and their RFC 9457 problem documents.

Services raise these; one handler in `app.py` turns each into `application/problem+json` for
the API, and the pages show the same `detail` to the user.
"""

from __future__ import annotations

from typing import Any

PROBLEM_TYPE_BASE = "https://liaison.example/problems/"


class DomainError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def problem(self, instance: str = "") -> dict[str, Any]:
        document: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            document["instance"] = instance
        document.update(self.extra)
        return document


class Unauthenticated(DomainError):
    status = 401
    slug = "unauthenticated"
    title = "Authentication required"


class Forbidden(DomainError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class NotFound(DomainError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(DomainError):
    """A state conflict; `allowed` lists what would have been accepted (e.g. next states)."""

    status = 409
    slug = "conflict"
    title = "Conflict"

    def __init__(self, detail: str, allowed: list[str] | None = None, **extra: Any) -> None:
        if allowed is not None:
            extra["allowed"] = allowed
        super().__init__(detail, **extra)


class Invalid(DomainError):
    """Input that parses but breaks a rule; `fields` maps each field at fault to the reason."""

    status = 422
    slug = "invalid"
    title = "Invalid input"

    def __init__(self, detail: str, fields: dict[str, str] | None = None, **extra: Any) -> None:
        self.fields = fields or {}
        if fields:
            extra["errors"] = [{"field": name, "message": message} for name, message in fields.items()]
        super().__init__(detail, **extra)


class TooLarge(DomainError):
    status = 413
    slug = "too-large"
    title = "Content too large"


class Locked(DomainError):
    status = 429
    slug = "locked"
    title = "Too many attempts"


class Unavailable(DomainError):
    status = 503
    slug = "unavailable"
    title = "Service unavailable"
