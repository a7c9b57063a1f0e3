"""Saved filters: a user names the filters of a list page (its query string) to open it so again.

Only the list's own parameters are kept (never its page number), and only for a list page the
user's menu has; each user sees and removes only their own. Every save and removal is audited.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.errors import Invalid, NotFound
from liaison.core.i18n import Phrase
from liaison.core.models import SavedFilter
from liaison.core.security.policy import Actor

MAX_NAME = 80
MAX_QUERY = 2000
NOT_FILTERS = frozenset({"page", "upto", "csrf_token"})  # where the pager is, and the form's token


def normalised(query: str) -> str:
    """The query string's filters in their order, empty ones and the page number left out."""
    pairs = [
        (k, v) for k, v in parse_qsl(query, keep_blank_values=True) if v.strip() and k not in NOT_FILTERS
    ]
    return urlencode(pairs)


def for_page(session: Session, username: str, page: str) -> list[SavedFilter]:
    """This user's saved filters of this page, by name."""
    return list(
        session.scalars(
            select(SavedFilter)
            .where(SavedFilter.username == username, SavedFilter.page == page)
            .order_by(SavedFilter.name)
        )
    )


def save(
    session: Session, actor: Actor, page: str, name: str, query: str, list_pages: Collection[str]
) -> SavedFilter:
    """Keep the filters under this name (the same name again replaces them). `list_pages`: the
    list pages the user's menu has, the only ones filters are saved for."""
    name, kept = name.strip(), normalised(query)
    if page not in list_pages:
        raise Invalid("Filters are saved for a list of your menu.", fields={"page": "a list of your menu"})
    if not name or len(name) > MAX_NAME:
        raise Invalid(
            "Give the filters a name of 1 to {size} characters.",
            size=MAX_NAME,
            fields={"name": Phrase("1 to {maximum}", {"maximum": MAX_NAME})},
        )
    if not kept:
        raise Invalid(
            "Choose some filters first: there is nothing to save.", fields={"query": "no filter chosen"}
        )
    if len(kept) > MAX_QUERY:
        raise Invalid(
            "These filters are too long to save.",
            fields={"query": Phrase("at most {limit} characters", {"limit": MAX_QUERY})},
        )
    row = session.scalar(
        select(SavedFilter).where(
            SavedFilter.username == actor.username, SavedFilter.page == page, SavedFilter.name == name
        )
    )
    after = {"page": page, "name": name, "query": kept}
    if row is None:
        row = SavedFilter(username=actor.username, page=page, name=name, query=kept)
        session.add(row)
        session.flush()
        audit.record(session, actor.username, "create", "saved_filter", row.id, after=after)
    else:
        before = {"page": page, "name": name, "query": row.query}
        row.query = kept
        audit.record(session, actor.username, "update", "saved_filter", row.id, before=before, after=after)
    return row


def remove(session: Session, actor: Actor, filter_id: int) -> SavedFilter:
    """Remove one of the actor's own saved filters (another's is not found: it is not theirs)."""
    row = session.get(SavedFilter, filter_id)
    if row is None or row.username != actor.username:
        raise NotFound("No saved filter {id}.", id=filter_id)
    session.delete(row)
    audit.record(
        session,
        actor.username,
        "delete",
        "saved_filter",
        filter_id,
        before={"page": row.page, "name": row.name},
    )
    return row
