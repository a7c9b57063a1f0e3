"""Type-ahead pickers: a form field that refers to another record (a request's subject,
engagement, commitment) is a plain number input, which posts without JavaScript; beside it a
search box asks the owning capability's picker route (htmx, `hx-get`) for the records this
reader may read that match, and the answer, a select posting the same field, takes the number
input's place. Each capability serves its own records (`/subjects/pick`, `/engagements/pick`,
`/engagements/commitments/pick`) through its own service, so the gate decides what is listed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from liaison.web.rendering import render

PICK_LIMIT = 20
Field = Annotated[str, Query(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
FieldId = Annotated[str, Query(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,59}$")]
Search = Annotated[str, Query(max_length=200)]
NUMBER = re.compile(r"^#?(\d{1,18})$")


def number_in(q: str) -> int | None:
    """A query that is a record number ("12", "#12") asks for that record too."""
    found = NUMBER.match(q.strip())
    return int(found[1]) if found else None


def choices_page(
    request: Request, field: str, field_id: str, choices: Iterable[tuple[int, str]]
) -> HTMLResponse:
    return render(request, "_picker.html", {"field": field, "field_id": field_id, "choices": list(choices)})
