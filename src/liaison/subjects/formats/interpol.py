"""INTERPOL's public notice JSON, as its public notices API serves it
(https://ws-public.interpol.int/notices/v1/red and /yellow).

Accepted shapes: a list page `{"total": N, "_embedded": {"notices": [...]}, "_links": {...}}`, a
JSON array of notices, one notice, or JSON lines of notices. A notice's fields used here:

| field | becomes |
|---|---|
| `entity_id` ("2023/12345") | the source id (re-import updates) and the notice reference |
| `forename`, `name` | the primary name, given name first; `name` is the family name |
| `date_of_birth` ("1970/05/12", "1970/05", "1970") | a birth date |
| `nationalities` (["VN", "KZ"]) | nationalities (ISO 3166-1 alpha-2) |
| `sex_id` ("M", "F", "U") | gender |
| `place_of_birth`, `country_of_birth_id` | birth place |
| `arrest_warrants`: [{`charge`, `issuing_country_id`, `charge_translation`}] | charges |
| `height`, `weight`, `eyes_colors_id`, `hairs_id`, `distinguishing_marks` | physical description |
| `date_of_event`, `place` (yellow notices) | appended to the description |
| `_links.self.href` (…/red/… or …/yellow/…) | the notice kind: red → arrest, yellow → missing |
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from liaison.subjects.formats import ParsedRow, not_this_format
from liaison.subjects.vocabulary import vocabulary

ISSUER = "INTERPOL"
GENDERS = {"M": "male", "F": "female", "U": "unknown"}
NAME_FIELDS = ("entity_id", "name", "forename")


def _records(text: str) -> Iterator[tuple[int, Any]]:
    """(record number, parsed notice or the error text) for each notice in any accepted shape."""
    stripped = text.strip()
    if not stripped:
        return
    if stripped[0] not in "[{":
        raise not_this_format("the file", "INTERPOL notice JSON", "it does not start with { or [")
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("_embedded"), dict):
        notices = document["_embedded"].get("notices")
        if not isinstance(notices, list):
            raise not_this_format("the file", "an INTERPOL notice list", "_embedded has no notices list")
        yield from enumerate(notices, start=1)
    elif isinstance(document, list):
        yield from enumerate(document, start=1)
    elif isinstance(document, dict):
        yield 1, document
    else:  # JSON lines: one notice per line, each parsed on its own so a bad line does not stop the rest
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    yield number, f"not valid JSON ({error.msg} at column {error.colno})"


def estimate(text: str) -> int | None:
    """About how many notices: JSON lines count as lines, a JSON document as its entity ids."""
    return text.count('"entity_id"') or None


def read(text: str) -> Iterator[ParsedRow]:
    first = True
    for number, record in _records(text):
        if first and not (isinstance(record, dict) and any(f in record for f in NAME_FIELDS)):
            found = f"record {number} has none of {', '.join(NAME_FIELDS)}"
            if isinstance(record, dict) and "schema" in record:
                found += " (it looks like FollowTheMoney: use --format ftm)"
            raise not_this_format("the file", "INTERPOL notice JSON", found)
        first = False
        if isinstance(record, str):
            yield ParsedRow(number, "", error=record)
        elif not isinstance(record, dict) or not record.get("entity_id"):
            yield ParsedRow(number, "", error="a notice needs an entity_id")
        else:
            yield _row(number, record)


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _codes(value: Any) -> list[str]:
    return [_text(v) for v in value if _text(v)] if isinstance(value, list) else []


def _row(number: int, notice: dict[str, Any]) -> ParsedRow:
    entity_id = _text(notice["entity_id"])
    forename, family = _text(notice.get("forename")), _text(notice.get("name"))
    full_name = " ".join(part for part in (forename, family) if part)
    if not full_name:
        return ParsedRow(number, entity_id, error="the notice has neither name nor forename")
    href = _text(((notice.get("_links") or {}).get("self") or {}).get("href"))
    colour = (
        "yellow"
        if "/yellow/" in href
        else "red"
        if "/red/" in href or notice.get("arrest_warrants")
        else "yellow"
    )
    warrants = notice.get("arrest_warrants") or []
    if not isinstance(warrants, list):
        return ParsedRow(number, entity_id, error="arrest_warrants is not a list")
    born = _text(notice.get("date_of_birth")).replace("/", "-")
    place = ", ".join(
        p for p in (_text(notice.get("place_of_birth")), _text(notice.get("country_of_birth_id"))) if p
    )
    particulars = [
        f"{label}: {', '.join(_codes(notice[key])) if isinstance(notice[key], list) else _text(notice[key])}"
        for key, label in (
            ("height", "height (m)"),
            ("weight", "weight (kg)"),
            ("eyes_colors_id", "eyes"),
            ("hairs_id", "hair"),
            ("distinguishing_marks", "distinguishing marks"),
            ("date_of_event", "missing since"),  # yellow notices
            ("place", "last seen at"),
        )
        if notice.get(key) not in (None, "", [], 0)
    ]
    payload: dict[str, Any] = {
        "names": [
            {
                "full_name": full_name,
                "kind": "primary",
                "given_name": forename,
                "family_name": family,
                "name_order": "given_first",
            }
        ],
        "birth_dates": [born] if born else [],
        "birth_place": place[:200],
        "gender": GENDERS.get(_text(notice.get("sex_id")).upper(), "unknown"),
        "nationalities": _codes(notice.get("nationalities")),
        "charges": [
            {
                "description": _text(w.get("charge"))[:5000] or _text(w.get("charge_translation"))[:5000],
                "issuing_country": _text(w.get("issuing_country_id")),
                "issuing_authority": "",
            }
            for w in warrants
            if isinstance(w, dict)
        ],
        "description": "; ".join(particulars)[:5000],
        "notices": [{"kind": vocabulary().kind_for_colour(colour), "issuer": ISSUER, "reference": entity_id}],
    }
    return ParsedRow(number, entity_id, payload)
