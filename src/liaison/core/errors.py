"""Domain errors raised by services, and their RFC 9457 problem documents.

Services raise these; one handler in `core/http.py` turns each into `application/problem+json`
for the API, and the pages show the same message to the user.

A message is written for people, as an English template with named parameters (the English
text is the msgid of the `.po` catalogues), never as an f-string:

    raise NotFound("No agency with id {agency_id}.", agency_id=agency_id)

Keywords the template names are its parameters; other keywords are extension members of the
problem document (`allowed`, `state` …). `detail` renders the message in the current language
(the page's); `problem(language=...)` renders it for the API (English unless the client asked
for Vietnamese with `Accept-Language`). Field errors name field codes (`warrant_reference`) and
are shown with the fields' labels (`i18n.field_label`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from liaison.core import i18n
from liaison.core.i18n import FieldName, Phrase

PROBLEM_TYPE_BASE = "https://liaison.example/problems/"

__all__ = ["FieldName", "Phrase"]


class DomainError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, message: str | Phrase, /, **values: Any) -> None:
        if isinstance(message, Phrase):
            self.message = message
            self.extra = values
        else:
            names = i18n.placeholders(message)
            self.message = Phrase(message, {k: v for k, v in values.items() if k in names})
            self.extra = {k: v for k, v in values.items() if k not in names}
        super().__init__(self.render(i18n.DEFAULT_LANGUAGE))

    def render(self, language: str | None = None) -> str:
        return self.message.render(language)

    @property
    def detail(self) -> str:
        """The message in the current language (the page's, or the CLI's English)."""
        return self.render()

    def problem(self, instance: str = "", language: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
        document: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.render(language),
        }
        if instance:
            document["instance"] = instance
        document.update(self.extra)
        return document


class Unauthenticated(DomainError):
    status = 401
    slug = "unauthenticated"
    title = "Authentication required"


class SessionExpired(Unauthenticated):
    """A page session left idle longer than the setting allows: signed out, with the reason."""

    slug = "session-expired"
    title = "Session expired"


class SecondFactorRequired(DomainError):
    """An administrator or supervisor signed in with a password only: enrol a second factor first."""

    status = 403
    slug = "second-factor-required"
    title = "Second factor required"


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

    def __init__(self, message: str | Phrase, /, allowed: list[str] | None = None, **values: Any) -> None:
        if allowed is not None:
            values["allowed"] = allowed
        super().__init__(message, **values)


class Invalid(DomainError):
    """Input that parses but breaks a rule; `fields` maps each field code at fault to the reason.

    A reason is a template too (plain text, or a `Phrase` with its own parameters).
    """

    status = 422
    slug = "invalid"
    title = "Invalid input"

    def __init__(
        self, message: str | Phrase, /, fields: Mapping[str, str | Phrase] | None = None, **values: Any
    ) -> None:
        self.reasons: dict[str, Phrase] = {
            name: reason if isinstance(reason, Phrase) else Phrase(reason)
            for name, reason in (fields or {}).items()
        }
        super().__init__(message, **values)

    @property
    def fields(self) -> dict[str, str]:
        """Each field at fault and its reason, in the current language."""
        return {name: reason.render() for name, reason in self.reasons.items()}

    def field_errors(self, language: str | None = None) -> list[dict[str, str]]:
        return [
            {
                "field": name,
                "label": i18n.field_label(name, language),
                "message": reason.render(language),
            }
            for name, reason in self.reasons.items()
        ]

    def problem(self, instance: str = "", language: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
        document = super().problem(instance, language)
        if self.reasons:
            document["errors"] = self.field_errors(language)
        return document

    @classmethod
    def from_validation(
        cls,
        errors: Iterable[Mapping[str, Any]],
        message: str = "Please correct the form: {faults}",
        whole: str = "form",
    ) -> Invalid:
        """Pydantic's errors (`ValidationError.errors()`) as field errors in plain words.

        The summary names each field by its label with its reason, in the reader's language.
        """
        reasons: dict[str, Phrase] = {}
        for item in errors:
            code = ".".join(str(part) for part in item.get("loc", ()) if part != "body") or whole
            reasons.setdefault(code, i18n.pydantic_text(item))
        return cls(Phrase(message, {"faults": Faults(reasons)}), fields=reasons)


class Faults(dict[str, Phrase]):
    """Field errors shown inline in a summary: "Reference: Must be at most 80 characters long."."""

    def label(self, language: str) -> str:
        return "; ".join(
            f"{i18n.field_label(name, language)}: {reason.render(language)}"
            for name, reason in list(self.items())[:5]
        )


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
