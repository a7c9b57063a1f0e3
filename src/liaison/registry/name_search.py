"""The one search box: every record's name forms folded into prefix keys, and the search over them.

Other capabilities index their records here too (`index_names`, e.g. engagements by title) and
filter their lists by name (`matching_ids`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from liaison.core.errors import Invalid
from liaison.core.security.policy import Actor, ensure
from liaison.names.fold import fold
from liaison.names.keys import name_forms
from liaison.registry import READ, schemas
from liaison.registry.models import (
    NAME_LENGTH,
    Agency,
    Agreement,
    Mechanism,
    Official,
    Programme,
    SearchEntry,
)

TOP = "\U0010ffff"  # sorts after every character: `key < prefix + TOP` bounds a prefix range


def name_key(text: str) -> str:
    """The folded form a name sorts and is kept unique by (`names.fold`, cut to the column's length)."""
    return fold(text)[:NAME_LENGTH]


def index_names(
    session: Session, entity: str, entity_id: int, forms: Iterable[str], *, romanise: bool = False
) -> None:
    """Replace the search keys of one record: every word suffix of every folded name form.

    With `romanise`, a form in another script is also indexed in its Latin readings
    (`names.keys.name_forms`: BGN/PCGN and ICAO for Cyrillic, pinyin and Sino-Vietnamese for
    Chinese), so "Kolokoltsev" finds a record that holds only "Колокольцев".
    """
    session.execute(
        delete(SearchEntry).where(SearchEntry.entity == entity, SearchEntry.entity_id == entity_id)
    )
    seen: set[str] = set()
    rows = []
    for form in forms:
        for reading in name_forms(form) if romanise else (form,):
            words = fold(reading).split()
            for start in range(len(words)):
                key = " ".join(words[start:])[:NAME_LENGTH]
                if key and key not in seen:
                    seen.add(key)
                    rows.append(
                        {"entity": entity, "entity_id": entity_id, "key": key, "form": form[:NAME_LENGTH]}
                    )
    if rows:
        session.execute(insert(SearchEntry), rows)


def search_keys_query(text: str) -> Select[Any]:
    """Entries whose key starts with the folded text, as one index range.

    Keys compare by code point (SQLite's binary collation, the "C" collation the registry
    migration gives the column on PostgreSQL), so `prefix <= key < prefix + U+10FFFF` holds
    exactly the keys that start with the prefix, and the planner can estimate the range.
    """
    key = fold(text)
    return select(SearchEntry).where(SearchEntry.key >= key, SearchEntry.key < key + TOP)


def matching_ids(session: Session, entity: str, text: str) -> Select[Any]:
    """Ids of the records of one kind with a name form starting with the text (for list filters)."""
    key = fold(text)
    return select(SearchEntry.entity_id).where(
        SearchEntry.entity == entity, SearchEntry.key >= key, SearchEntry.key < key + TOP
    )


ENTITY_PATHS = {
    "agency": "/registry/agencies/{}",
    "official": "/registry/officials/{}",
    "mechanism": "/registry/mechanisms/{}",
    "agreement": "/registry/agreements/{}",
    "programme": "/registry/programmes/{}",
    "engagement": "/engagements/{}",
}


def search(session: Session, actor: Actor, text: str, limit: int = 20) -> list[schemas.SearchHit]:
    """Agencies, officials, mechanisms, agreements, programmes and engagements by any name form."""
    ensure(actor, READ)
    key = fold(text)
    if not key:
        raise Invalid("Type a name to search for.", fields={"q": "at least one letter or digit"})
    if not 1 <= limit <= 100:
        raise Invalid("Bad limit.", fields={"limit": "1 to 100"})
    rows = session.execute(
        search_keys_query(text)
        .with_only_columns(SearchEntry.entity, SearchEntry.entity_id, SearchEntry.form)
        .order_by(SearchEntry.key)
        .limit(limit * 5)
    ).all()
    found: dict[tuple[str, int], str] = {}
    for entity, entity_id, form in rows:
        found.setdefault((entity, entity_id), form)
        if len(found) >= limit:
            break
    labels = _labels(session, found)
    return [
        schemas.SearchHit(
            entity=entity,
            id=entity_id,
            label=labels.get((entity, entity_id), form),
            matched=form,
            path=ENTITY_PATHS.get(entity, "/").format(entity_id),
        )
        for (entity, entity_id), form in found.items()
    ]


def _labels(session: Session, found: dict[tuple[str, int], str]) -> dict[tuple[str, int], str]:
    columns: dict[str, tuple[Any, Any]] = {
        "agency": (Agency, Agency.name),
        "official": (Official, Official.name),
        "mechanism": (Mechanism, Mechanism.name),
        "agreement": (Agreement, Agreement.title),
        "programme": (Programme, Programme.title),
    }
    labels: dict[tuple[str, int], str] = {}
    for entity, (model, column) in columns.items():
        ids = [i for (e, i) in found if e == entity]
        if ids:
            for record_id, name in session.execute(select(model.id, column).where(model.id.in_(ids))):
                labels[(entity, record_id)] = name
    return labels
