"""Helpers for page routes: read a posted form, turn it into the API's input schema, run the
service call in a savepoint, redirect after a successful post.

Every page form goes through `parse`: a form sends text, `parse` builds the same Pydantic input
the API reads, and a validation failure becomes the domain `Invalid` the services raise, with
one readable message per field in the page's language (`Invalid.from_validation`). The page
then shows the form again with the message and a 4xx status; nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from liaison.core import bilingual
from liaison.core.errors import DomainError, Invalid
from liaison.core.vocab import Label, label

T = TypeVar("T")
SchemaT = TypeVar("SchemaT", bound=BaseModel)
PAGE_SIZE = 50
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
# A list page's column to sort by ("status", "-status" for descending), one its service allows.
SortQuery = Annotated[str | None, Query(max_length=40)]


async def form_values(request: Request) -> dict[str, str]:
    """The posted fields as text (files excluded), without the CSRF token."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


async def posted(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Single values and, for multi-selects, every value of each field."""
    form = await request.form()
    multi = {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}
    return await form_values(request), multi


def parse(schema: type[SchemaT], data: dict[str, Any]) -> SchemaT:
    """The posted data as the API's input schema, or `Invalid` with one message per field."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise Invalid.from_validation(error.errors()) from error


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


def texts_in_two_languages(values: Mapping[str, str], fields: Sequence[str]) -> dict[str, Any]:
    """A form's language of its texts and their versions in the other language (the inputs
    `translation_<field>` of `_bilingual.html`), as a schema takes them (`core.bilingual`)."""
    language = values.get("language") or "en"
    if language not in bilingual.TEXT_LANGUAGES:
        return {"language": language, "translations": {}}  # the schema refuses it, saying why
    other = bilingual.other_language(language)
    return {
        "language": language,
        "translations": {other: {f: values.get(f"translation_{f}", "") for f in fields}},
    }


def pager(page: int, total: int, size: int = PAGE_SIZE) -> dict[str, int]:
    """What `_pager.html` shows: this page, how many pages, how many rows in all."""
    return {"page": page, "pages": max(1, -(-total // size)), "total": total}


def one_page(rows: Sequence[T], page: int, size: int = PAGE_SIZE) -> tuple[list[T], dict[str, int]]:
    """A short list read whole (partners, partner nodes, users) cut to one page, with its pager."""
    start = (page - 1) * size
    return list(rows[start : start + size]), pager(page, len(rows), size)


def redirect(path: str) -> RedirectResponse:
    """Post/redirect/get: 303 so the browser follows with a GET."""
    return RedirectResponse(path, status_code=303)


def safe_next(target: str | None) -> str:
    """Only local paths, so a crafted link cannot send a user to another site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def refusal(error: DomainError, states: Mapping[str, Label]) -> str:
    """A refused move's message for its page, naming the states it may move to instead (the
    `allowed` a state machine's `Conflict` carries), in the page's language."""
    allowed = error.extra.get("allowed")
    if allowed is None:
        return error.detail
    return f"{error.detail} ({', '.join(label(states, s) for s in allowed) or '—'})"


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
