"""What needs the reader in screening (the `home` contribution): the hits waiting for review in
the queue they are shown (`service._hits_seen_by`: hits on persons sought they may read, or raised
in a run they see), as one item linking to the queue. A new hit makes a new item (its key names
the newest hit), so a reviewer is told again only when there is something new."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import Session

from liaison.core import i18n
from liaison.core.capability import HomeItem
from liaison.core.security.policy import Actor, may
from liaison.screening import service
from liaison.screening.models import Hit


def contribute(session: Session, actor: Actor, today: date) -> list[HomeItem]:
    if not (may(actor, "screening.review") and may(actor, "screening.read")):
        return []
    query = service._hits_seen_by(actor).where(Hit.status == "open")
    count, newest = session.execute(query.with_only_columns(func.count(Hit.id), func.max(Hit.id))).one()
    if not count:
        return []
    return [
        HomeItem(
            kind="hit_review",
            key=f"hits:open:{newest}",
            title=i18n.gettext("Open hits in the review queue: %(count)s") % {"count": count},
            link="/screening/hits",
        )
    ]
