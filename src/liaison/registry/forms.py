"""Turn posted form fields into the API's input schemas, so pages and the API validate alike.

A form sends text; `parse` builds the schema and turns a validation failure into the same
`Invalid` the services raise, so `web.forms.attempt` shows it on the form and nothing is saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from liaison.core.errors import Invalid

SchemaT = TypeVar("SchemaT", bound=BaseModel)


def parse(schema: type[SchemaT], data: dict[str, Any]) -> SchemaT:
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
