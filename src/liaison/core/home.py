"""What needs me: the home page's list for the signed-in user and their unit.

Each installed capability declares a `home` contribution (`core.capability.HomeItem`s: overdue and
due-soon requests, commitments and action items due, hits to review, approvals waiting, incoming
requests not yet acknowledged, the next engagements). The core asks each one, keeps only what the
one record-access gate lets this reader read (every item carries its record's owning unit and
handling code), and groups them by the kinds of `vocab/notification_kinds.yaml`, in its order. The
home page and the reminder sweep (`core.notifications`) read the same list, so a notification is
never about something the home page would not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pydantic import BaseModel
from sqlalchemy.orm import Session

from liaison.core.capability import Capability, HomeItem
from liaison.core.records import today as local_today
from liaison.core.security import gate
from liaison.core.security.policy import Actor
from liaison.core.vocab import VOCAB_DIR, Label, load_vocabulary

PER_KIND = 25  # the home page shows this many of each kind, with how many there are


class NotificationKind(Label):
    notify: bool
    in_app: bool
    email: bool


class NotificationKindsFile(BaseModel):
    kinds: dict[str, NotificationKind]


@lru_cache
def notification_kinds() -> NotificationKindsFile:
    return load_vocabulary(VOCAB_DIR / "notification_kinds.yaml", NotificationKindsFile)


@dataclass(frozen=True)
class Section:
    kind: str
    label: NotificationKind
    items: list[HomeItem]
    total: int


def items_for(
    session: Session,
    actor: Actor,
    today: date | None = None,
    capabilities: tuple[Capability, ...] | None = None,
) -> list[HomeItem]:
    """Every item the installed capabilities say needs this reader, through the gate, known kinds only."""
    from liaison.capabilities import installed

    today = today or local_today()
    kinds = notification_kinds().kinds
    found: list[HomeItem] = []
    for capability in installed() if capabilities is None else capabilities:
        if capability.home is None:
            continue
        for item in capability.home(session, actor, today):
            if item.kind not in kinds:
                raise ValueError(
                    f"{capability.name}: home item kind {item.kind!r} is not in notification_kinds.yaml"
                )
            if gate.may_read(actor, item):
                found.append(item)
    return found


def sections(
    session: Session,
    actor: Actor,
    today: date | None = None,
    capabilities: tuple[Capability, ...] | None = None,
) -> list[Section]:
    """The reader's items by kind (the vocabulary's order), the reader's own and the earliest due first."""
    by_kind: dict[str, list[HomeItem]] = {}
    for item in items_for(session, actor, today, capabilities):
        by_kind.setdefault(item.kind, []).append(item)
    result = []
    for kind, label in notification_kinds().kinds.items():
        items = by_kind.get(kind, [])
        if not items:
            continue
        items.sort(key=lambda i: (not i.mine, i.due or date.max, i.title))
        result.append(Section(kind, label, items[:PER_KIND], len(items)))
    return result
