"""Helpers for page routes: read a posted form, turn it into the API's input schema, run the
service call in a savepoint, redirect after a successful post.

Every page form goes through `parse`: a form sends text, `parse` builds the same Pydantic input
the API reads, and a validation failure becomes the domain `Invalid` the services raise, with
one readable message per field in the page's language (`describe_validation_error`). The page
then shows the form again with the message and a 4xx status; nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.orm import Session

from liaison.core import i18n
from liaison.core.errors import DomainError, Invalid

T = TypeVar("T")
SchemaT = TypeVar("SchemaT", bound=BaseModel)
PAGE_SIZE = 50

# Plain words for Pydantic's error types; the rest keep Pydantic's own message. Each is a gettext
# message id with the error's context as `%(name)s` placeholders, so a catalogue can translate it.
MESSAGES = {
    "missing": "Required.",
    "string_too_short": "At least %(min_length)s characters.",
    "string_too_long": "At most %(max_length)s characters.",
    "string_pattern_mismatch": "Not in the expected form.",
    "string_type": "Must be text.",
    "too_short": "At least %(min_length)s entries.",
    "too_long": "At most %(max_length)s entries.",
    "int_parsing": "Must be a whole number.",
    "int_type": "Must be a whole number.",
    "int_from_float": "Must be a whole number.",
    "float_parsing": "Must be a number.",
    "greater_than": "Must be more than %(gt)s.",
    "greater_than_equal": "Must be %(ge)s or more.",
    "less_than": "Must be less than %(lt)s.",
    "less_than_equal": "Must be %(le)s or less.",
    "date_from_datetime_parsing": "Must be a date (YYYY-MM-DD).",
    "date_parsing": "Must be a date (YYYY-MM-DD).",
    "date_type": "Must be a date (YYYY-MM-DD).",
    "datetime_parsing": "Must be a date and time.",
    "datetime_from_date_parsing": "Must be a date and time.",
    "literal_error": "Must be one of: %(expected)s.",
    "enum": "Must be one of: %(expected)s.",
    "bool_parsing": "Must be yes or no.",
    "extra_forbidden": "Not a field of this form.",
    "list_type": "Must be a list.",
}


async def form_values(request: Request) -> dict[str, str]:
    """The posted fields as text (files excluded), without the CSRF token."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


async def posted(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Single values and, for multi-selects, every value of each field."""
    form = await request.form()
    multi = {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}
    return await form_values(request), multi


def describe(item: ErrorDetails, language: str) -> str:
    """One validation error in plain words, in `language` when the catalogue translates it."""
    template = MESSAGES.get(item["type"])
    if template is None:
        return item["msg"]
    context = {key: str(value) for key, value in (item.get("ctx") or {}).items()}
    try:
        return i18n.translations(language).gettext(template) % context
    except (KeyError, ValueError, TypeError):
        return item["msg"]


def describe_validation_error(error: ValidationError, language: str | None = None) -> dict[str, str]:
    """Each field at fault (dotted path, `form` for the whole form) and its message."""
    words = language or i18n.current_language.get()
    fields: dict[str, str] = {}
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "form"
        fields.setdefault(where, describe(item, words))
    return fields


def parse(schema: type[SchemaT], data: dict[str, Any], language: str | None = None) -> SchemaT:
    """The posted data as the API's input schema, or `Invalid` with one message per field."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        fields = describe_validation_error(error, language)
        detail = "; ".join(f"{name}: {message}" for name, message in list(fields.items())[:5])
        words = i18n.translations(language or i18n.current_language.get())
        raise Invalid(f"{words.gettext('Please correct the form:')} {detail}", fields=fields) from error


def optional_int(value: str | None) -> int | str | None:
    """An id from a select box; empty means none. Non-numbers pass through for the schema to refuse."""
    if value is None or value.strip() == "":
        return None
    return int(value) if value.strip().isdigit() else value


def optional_date(value: str | None) -> date | str | None:
    if value is None or value.strip() == "":
        return None
    return value.strip()


def lines(value: str | None) -> list[str]:
    """One entry per non-empty line of a text area."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def many(values: list[str]) -> list[int | str]:
    return [int(v) if v.isdigit() else v for v in values if v.strip()]


def pager(page: int, total: int, size: int = PAGE_SIZE) -> dict[str, int]:
    """What `_pager.html` shows: this page, how many pages, how many rows in all."""
    return {"page": page, "pages": max(1, -(-total // size)), "total": total}


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
