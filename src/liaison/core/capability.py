"""The typed contract every capability package declares in `liaison/<name>/capability.py`.

`app.py`, `cli.py`, the menu, the migrations, the partner view and the event bus read these
declarations instead of probing modules by file name. Start-up (`liaison.capabilities.enabled`
and `validate`) checks every requirement and every declared vocabulary, so a missing capability
or a broken file stops the start with a sentence naming it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import typer
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from liaison.core.events import Subscription
from liaison.core.i18n import Phrase
from liaison.core.security.policy import Actor
from liaison.core.settings import Settings
from liaison.core.vocab import load_vocabulary


class CapabilityError(RuntimeError):
    """The enabled capabilities do not fit together (unknown name, missing requirement)."""


@dataclass(frozen=True)
class NavItem:
    """A menu entry; shown only to users whose role may perform `action`. `shortcut`: the keys
    that open it ("g r"), unique across the menu."""

    label: str
    path: str
    action: str
    shortcut: str = ""


HOME = NavItem("Home", "/", "home.view", "g h")  # the shell's first menu entry, before every capability's


@dataclass(frozen=True)
class UploadRoute:
    """Routes (a path prefix) whose multipart forms may be larger than the node's upload limit:
    `limit` reads the largest form, in bytes, from the settings."""

    prefix: str
    limit: Callable[[Settings], int]


@dataclass(frozen=True)
class Vocabulary:
    """A declarative data file and the Pydantic model it must validate against."""

    path: Path
    model: type[BaseModel]

    def validate(self) -> BaseModel:
        """Load the file; `VocabularyError` names the file and line when it does not validate."""
        return load_vocabulary(self.path, self.model)


@dataclass(frozen=True)
class PartnerScope:
    """The partner the registry's partner view is about: a country code or an organisation's key,
    and the ids of the agencies that belong to it."""

    key: str
    is_country: bool
    agency_ids: tuple[int, ...]


PartnerContribution = Callable[[Session, Actor, PartnerScope], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    """A section one capability adds to another's record page: the template that draws it (from
    the contributing capability's templates) and what it shows, as `panel` in that template."""

    template: str
    context: dict[str, Any]
    links: tuple[RecordLink, ...] = ()
    """The records the panel lists, for the API detail of the record it is drawn on (`linked`)."""


@dataclass(frozen=True)
class RecordLink:
    """One linked record a panel lists: its type (`request`, `hit` ...), id, a label for people,
    the page that shows it, and how it is linked (`names the subject`, `opened this request` ...)."""

    type: str
    id: int
    label: str
    href: str
    relation: str


RecordContribution = Callable[[Session, Actor, Any], list[Panel]]
"""Sections another capability adds to one record's page (`request_view`, `engagement_view`,
`subject_view`)."""

RecordLinks = Callable[[Session, Actor, Any], list[RecordLink]]
"""The records another capability links to one record, for that record's API detail
(`request_links`): what its panel on the record's page lists, without building the panel."""


@dataclass(frozen=True)
class HomeItem:
    """One thing waiting for a reader, as a capability tells it to the home page ("what needs me")
    and to the reminder sweep: what `kind` it is (a kind of `vocab/notification_kinds.yaml`), the
    record's title and link, and the record's owning unit and handling code, so the one gate
    (`core.security.gate.may_read`) decides once more who is told of it. `key` names the record
    and the state it is in (`request:12:response:overdue`): a notification is made once per
    reader and key, so a reminder for one state of one deadline is sent once."""

    kind: str
    key: str
    title: str
    link: str
    owning_unit: str = ""
    handling_code: str = "H0"
    due: date | None = None
    detail: str = ""
    mine: bool = False  # the reader's own (responsible for it), not only their unit's


HomeContribution = Callable[[Session, Actor, date], list[HomeItem]]
"""What needs this reader today (in the calendar's time zone), from one capability (`home`)."""


@dataclass(frozen=True)
class Capability:
    """What one capability brings to the node. Every field but `name` is optional."""

    name: str
    """The package name (`liaison.<name>`), its Alembic branch label and its policy prefix."""
    label: str = ""
    """The heading of its menu group (defaults to the name, capitalised)."""
    requires: tuple[str, ...] = ()
    """Capabilities that must be enabled too (its migrations or services depend on theirs)."""
    api: APIRouter | None = None
    """JSON routes, mounted under `/api/v1`."""
    pages: APIRouter | None = None
    """HTML routes."""
    nav: tuple[NavItem, ...] = ()
    """Its entries in the side menu."""
    upload_routes: tuple[UploadRoute, ...] = ()
    """Its routes taking larger uploads than `max_upload_bytes` (`core.http.BodySizeLimit`)."""
    cli: Callable[[typer.Typer], None] | None = None
    """Adds its `liaison <name> ...` commands to the command line."""
    startup: Callable[[FastAPI], None] | None = None
    """Builds in-memory state when the app starts (after every vocabulary validated)."""
    ready: Callable[[FastAPI], Phrase | None] | None = None
    """`/readyz`: None when its in-memory state is ready to answer (built, current), else why not."""
    shutdown: Callable[[FastAPI], None] | None = None
    """Stops what `startup` started (threads, connections) when the app stops."""
    demo: Callable[[Session, str], None] | None = None
    """Loads its demo data, idempotently (`liaison init --demo`, in the enabled order)."""
    vocabularies: tuple[Vocabulary, ...] = ()
    """Its data files, each validated at start-up."""
    partner_view: PartnerContribution | None = None
    """Adds sections to the registry's partner view for this actor (`{field: value}`); it checks
    the actor's rights itself and returns nothing the actor may not read."""
    request_view: RecordContribution | None = None
    """Adds sections to one request's page (the request, already read through the gate, is the
    third argument); like `partner_view` it checks the reader's rights itself."""
    request_links: RecordLinks | None = None
    """The records it links to one request (the third argument), for `GET /api/v1/requests/{id}`'s
    `linked`: the links of its `request_view` panel, for this reader only. The API asks only these,
    not the page sections, whose queries (and audited reads) it would not show."""
    engagement_view: RecordContribution | None = None
    """Adds sections to one engagement's page (the engagement is the third argument): records of
    another capability linked to it; it checks the reader's rights itself."""
    home: HomeContribution | None = None
    """What needs this reader (`(session, actor, today) -> list[HomeItem]`): overdue and due-soon
    records, queues waiting for them; read by the home page and the reminder sweep
    (`core.notifications`). It checks the reader's role itself and returns only records the gate
    lets them read; the core checks the gate again on each item."""
    subject_view: RecordContribution | None = None
    """Adds sections to one person sought's page and its API detail (the subject is the third
    argument, already read through the gate): requests naming it, screening hits on it, a partner's
    copy's provenance and hit alerts; it checks the reader's rights itself."""
    subscriptions: tuple[Subscription, ...] = ()
    """The domain events it listens to (`core.events.InTransaction` / `AfterCommit`)."""
    worker: Callable[[Engine, threading.Event], None] | None = None
    """Its background jobs' loop, run by `liaison worker` (a process of its own, which `liaison
    serve` starts beside itself) until the event is set; it must survive being killed."""

    @property
    def menu_label(self) -> str:
        return self.label or self.name.title()


CAPABILITY_FIELDS: tuple[str, ...] = tuple(Capability.__dataclass_fields__)
