"""Lists in the API and on pages: whitelisted sorting and counted pagination."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from liaison.core.errors import Invalid, Phrase
from liaison.core.vocab import Codes

RowT = TypeVar("RowT")
MAX_LIMIT = 500


def apply_sort(query: Select[Any], sort: str | None, columns: Mapping[str, Any], default: str) -> Select[Any]:
    """Order by `sort` ("name", or "-name" for descending), one of the allowed `columns`."""
    key = sort or default
    descending = key.startswith("-")
    column = columns.get(key.lstrip("-"))
    if column is None:
        raise Invalid(
            "Cannot sort by {key!r}.",
            key=key,
            fields={
                "sort": Phrase("one of {choices} (prefix - for descending)", {"choices": sorted(columns)})
            },
        )
    return query.order_by(column.desc() if descending else column.asc())


def paginate(session: Session, query: Select[tuple[RowT]], limit: int, offset: int) -> tuple[list[RowT], int]:
    """One page of rows and the total number of rows the query matches."""
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise Invalid(
            "Bad page.",
            fields={"limit": Phrase("1 to {maximum}", {"maximum": MAX_LIMIT}), "offset": "0 or more"},
        )
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return list(session.scalars(query.limit(limit).offset(offset))), total


def sorted_by(columns: Mapping[str, Any]) -> Codes:
    """A `sort` parameter's choices for the OpenAPI document: each column, ascending or with `-`."""
    return Codes(lambda: [choice for name in columns for choice in (name, f"-{name}")])
