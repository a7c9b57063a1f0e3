"""Every page form × bad values: a 4xx page with a readable message, never a 500, nothing written.

The walk finds the forms as a user does: it follows the links of every page (one or two pages per
GET route, on a database holding the demo data), reads each `<form method="post">` and its
fields, and posts each field over-long, empty, of the wrong type and out of range, keeping the
other fields as the page rendered them. It also checks that every POST page route of the app is
reached by some form, so a new form cannot escape the walk.

The answer to a refused post is the page again with the error (4xx), not a redirect: every page
route shows a domain error with `web.forms.attempt` and the conversion in `web.forms.parse`.
In Vietnamese the message must not be Pydantic's English text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, union_all
from sqlalchemy.sql import literal_column

from liaison.assets.models import AssetRequestLink
from liaison.capabilities import enabled
from liaison.core import accounts as account_service
from liaison.core import notifications, saved_filters
from liaison.core.db import Base, unit_of_work, utcnow
from liaison.core.models import AuditEvent
from liaison.core.records import today
from liaison.core.security.policy import SystemActor, roles_for
from liaison.engagements import feeds as engagement_feeds
from liaison.engagements import proposals as commitment_proposals
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements import service as engagement_service
from liaison.engagements.models import Commitment
from liaison.ingest import service as ingest_service
from liaison.subjects import proposals
from liaison.subjects.models import Subject
from tests.conftest import Account, make_account
from tests.core.test_route_policy import _permission
from tests.exchange.test_messages import make_peer
from tests.exchange.test_sharing import alert_from
from tests.routes import Route, app_routes

# Forms of the shell that are no capability's input: signing in and out, the language switch.
SHELL_FORMS = {"/signin", "/signin/code", "/signout", "/language"}
# Text Pydantic writes in English; a Vietnamese page must say it in Vietnamese.
PYDANTIC_ENGLISH = ("String should have", "Input should be", "Field required", "Value error", "valid integer")
LONG = 100_001  # longer than any text a schema accepts, well under the request body limit
PAGES_PER_ROUTE = 2
WALKING_ROLES = ("admin", "supervisor", "officer", "analyst")


@dataclass
class Field_:
    name: str
    kind: str  # text, number, date, datetime-local, select, textarea, hidden, checkbox, file ...
    value: str = ""
    maxlength: int | None = None
    minimum: str | None = None
    maximum: str | None = None
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    fields: list[Field_] = field(default_factory=list)


class FormReader(HTMLParser):
    """The links and the post forms of one page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.searches: list[Form] = []  # get forms: submitted as they are, they lead to more pages
        self._form: Form | None = None
        self._select: Field_ | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form":
            self._form = Form(self.page, urlsplit(urljoin(self.page, a.get("action") or self.page)).path)
            (self.forms if a.get("method", "get").lower() == "post" else self.searches).append(self._form)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a or not self._select.value:
                self._select.value = a.get("value", "")
        elif self._form is None or not a.get("name") or a["name"] == "csrf_token":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "reset"} or (
                kind in {"checkbox", "radio"} and "checked" not in a
            ):
                if kind == "radio":
                    self._field_or_new(a["name"], "select").options.append(a.get("value", "on"))
                return
            if kind == "radio":
                found = self._field_or_new(a["name"], "select")
                found.options.append(a.get("value", "on"))
                found.value = a.get("value", "on")
                return
            self._form.fields.append(
                Field_(
                    a["name"],
                    kind,
                    a.get("value", "on" if kind == "checkbox" else ""),
                    int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None,
                    a.get("min") or None,
                    a.get("max") or None,
                )
            )
        elif tag == "textarea":
            length = a.get("maxlength", "")
            self._form.fields.append(
                Field_(a["name"], "textarea", "", int(length) if length.isdigit() else None)
            )
        elif tag == "select":
            self._select = self._field_or_new(a["name"], "select")

    def _field_or_new(self, name: str, kind: str) -> Field_:
        assert self._form is not None
        for existing in self._form.fields:
            if existing.name == name:
                return existing
        created = Field_(name, kind)
        self._form.fields.append(created)
        return created

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _page_routes(app: Any, method: str) -> list[Route]:
    return [
        route
        for route in app_routes(app)
        if route.method == method and not route.path.startswith("/api/") and route.path not in SHELL_FORMS
    ]


def _route_of(routes: list[Route], method: str, path: str) -> Route | None:
    return next((route for route in routes if route.matches(method, path)), None)


def _local(link: str) -> str:
    """The path and query of a link within the app ('' for other sites, downloads and anchors)."""
    parts = urlsplit(link)
    if parts.netloc not in {"", "testserver"} or not parts.path.startswith("/"):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def load_demo(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        for capability in enabled():
            if capability.demo is not None:
                capability.demo(session, "demo")


def find_forms(
    client: TestClient, app: Any, accounts: dict[str, Account], start: tuple[str, ...] = ()
) -> dict[str, Form]:
    """One form per action path pattern, found by following links from the home page (and from
    `start`: pages whose forms only a record in a given state shows, such as a locked account)."""
    routes = _page_routes(app, "GET")
    post_routes = _page_routes(app, "POST")
    forms: dict[str, Form] = {}
    for role in WALKING_ROLES:
        seen: dict[str, int] = {}
        queue, visited = [*start, "/"], set()
        while queue:
            page = queue.pop(0)
            route = _route_of(routes, "GET", urlsplit(page).path)
            if page in visited or route is None or seen.get(route.path, 0) >= PAGES_PER_ROUTE:
                continue
            visited.add(page)
            seen[route.path] = seen.get(route.path, 0) + 1
            response = client.get(page, headers=accounts[role].headers)
            if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
                continue
            reader = FormReader(page)
            reader.feed(response.text)
            for form in reader.forms:
                target = _route_of(post_routes, "POST", form.action)
                if target is not None:
                    forms.setdefault(target.path, form)
            queue.extend(_local(link) for link in reader.links if _local(link))
            for search in reader.searches:
                chosen = {f.name: f.value or next((o for o in f.options if o), "") for f in search.fields}
                queue.append(f"{search.action}?{urlencode(chosen)}")
    return forms


def bad_values(item: Field_) -> list[tuple[str, str]]:
    """(what, value) pairs each field is posted with; each must be refused, except where noted."""
    values = [("empty", ""), ("over-long", "x" * LONG)]
    if item.kind == "number":
        values += [("wrong type", "twelve"), ("out of range", "99999999999999999999")]
        if item.minimum is not None:
            values.append(("out of range", str(int(float(item.minimum)) - 1)))
        if item.maximum is not None:
            values.append(("out of range", str(int(float(item.maximum)) + 1)))
    elif item.kind in {"date", "datetime-local"}:
        values += [("wrong type", "31/02/2025"), ("out of range", "2025-13-45")]
    elif item.kind == "select" or item.kind == "hidden":
        values += [("wrong type", "not-a-choice"), ("out of range", "0"), ("out of range", "999999")]
    return values


def must_refuse(what: str, item: Field_, form: Form) -> bool:
    """An empty or out-of-range value may be right for an optional field; the rest never is."""
    if what in {"over-long", "wrong type"}:
        return item.kind not in {"checkbox", "file"}
    return False


def written(engine: Engine) -> int:
    """Rows in every table, with audit events other than reads: any write changes it."""
    counts = [
        select(func.count().label("n")).select_from(table)
        for table in Base.metadata.sorted_tables
        if table.name != AuditEvent.__tablename__
    ]
    counts.append(select(func.count().label("n")).where(AuditEvent.action != "read"))
    with engine.connect() as connection:
        return int(
            sum(
                connection.execute(
                    select(literal_column("n")).select_from(union_all(*counts).subquery())
                ).scalars()
            )
        )


def _poster(roles: list[str], accounts: dict[str, Account]) -> Account:
    for role in ("admin", "supervisor", "officer", "analyst", "auditor"):
        if role in roles:
            return accounts[role]
    raise AssertionError(f"no walking role may post ({roles})")


DRAFT_REPORT = (
    b"HANOI - Deputy Minister of Public Security Lieutenant General Le Quoc Hung held talks in Hanoi "
    b"on Monday with Thai Police Commissioner General Kittirat Phanphet. The two sides agreed to step "
    b"up cooperation against drug trafficking and cybercrime and to exchange information regularly. "
    b"They agreed to sign a memorandum of understanding on combating transnational crime next year."
)  # an agreement too: its review card has the form that links or creates one


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    """SQLite only: the walk checks the pages' conversion of forms, which is the same on either
    database (the services' refusals and rollbacks are tested on both); it is the suite's longest."""
    return sqlite_engine


@dataclass
class Walk:
    accounts: dict[str, Account]
    start: tuple[str, ...]  # pages the fixture makes that no link reaches from the home page


@pytest.fixture
def walk(engine: Engine) -> Walk:
    """The demo data, one account per walking role, a locked account (its page offers "unlock"),
    one draft engagement from a report (its review page offers "confirm"), the demo's freezing
    request (its page offers naming an asset), a meeting planned for next week with a
    preparation task and the officer's calendar feed (their pages offer a stage, "mark done" and
    "revoke"), the officer's saved filter of the requests list (it offers removing it), a
    proposed change of a subject's status and a partner's hit alert on it (its page offers
    confirm or dismiss, accept or refuse), and a partner's proposed status of a commitment (its
    page offers accept or refuse)."""
    load_demo(engine)
    locked = make_account(engine, "officer", username="walk-locked")
    accounts = {
        role: make_account(engine, role, username=f"walk-{role}") for role in (*WALKING_ROLES, "auditor")
    }
    with unit_of_work(engine) as session:
        account_service.get_user(session, locked.username).locked_until = utcnow() + timedelta(minutes=15)
        draft = ingest_service.ingest_report(session, SystemActor("walk"), DRAFT_REPORT, date(2025, 3, 3))
        freezing = session.scalar(select(AssetRequestLink.request_id).order_by(AssetRequestLink.request_id))
        sought = session.scalar(
            select(Subject.id)
            .where(Subject.status == "sought", Subject.handling_code == "H0")
            .order_by(Subject.id)
        )
        assert sought is not None and proposals.propose(
            session, "walk", sought, "located", "Walk: hit confirmed"
        )
        # a partner's confirmed-hit alert on it too: its page offers accept and refuse
        alert_from(session, make_peer(session, "walk-kz", "KZ"), sought, 1)
        # a partner's proposed status of one of our commitments: its page offers accept and refuse
        pledge = session.scalars(
            select(Commitment).where(Commitment.status != "done").order_by(Commitment.id)
        ).first()
        assert pledge is not None and commitment_proposals.propose(
            session, SystemActor("walk"), pledge, "done", "Walk: delivered", from_node="walk-kz"
        )
        planned = engagement_service.create_engagement(
            session,
            SystemActor("walk"),
            engagement_schemas.EngagementIn(
                kind="talks",
                title="Planned talks",
                held_on=today() + timedelta(days=7),
                stage="planned",
                tasks=[engagement_schemas.TaskIn(text="Draft talking points", owner="walk-officer")],
            ),
        )
        officer = account_service.get_user(session, "walk-officer")
        engagement_feeds.create_feed(session, officer, engagement_schemas.FeedIn(scope="mine"))
        # the officer's saved filter of the requests list: the list offers removing it
        saved_filters.save(session, officer, "/requests", "Walk", "direction=outgoing", {"/requests"})
    with unit_of_work(engine) as session:
        notifications.sweep(session)  # the demo's commitments due: the notifications page has its forms
    return Walk(
        accounts,
        # the demo's freezing request: its page offers naming another asset of its person sought
        # and a person sought with a proposed change of status (its page offers confirm or dismiss)
        (
            f"/users/{locked.username}",
            f"/ingest/drafts/{draft.engagement_id}",
            f"/requests/{freezing}",
            f"/engagements/{planned.id}",
            "/engagements/feeds",
            f"/subjects/{sought}",
            f"/engagements/commitments/{pledge.id}",
        ),
    )


def test_every_form_refuses_bad_values_with_a_readable_page_and_writes_nothing(
    app: Any, engine: Engine, walk: Walk
) -> None:
    client = TestClient(
        app, base_url="http://testserver", raise_server_exceptions=False
    )  # a 500 is a finding
    forms = find_forms(client, app, walk.accounts, walk.start)
    post_routes = _page_routes(app, "POST")
    # every POST page route has a form the walk reaches: a new form cannot escape it
    assert sorted(route.path for route in post_routes if route.path not in forms) == []
    mistakes: list[str] = []
    probe = 0
    for pattern, form in sorted(forms.items()):
        route = _route_of(post_routes, "POST", form.action)
        assert route is not None
        account = _poster(sorted(roles_for(_permission(route.route) or "")), walk.accounts)
        baseline = {f.name: f.value for f in form.fields if f.kind != "file"}
        for item in form.fields:
            if item.kind == "file":
                continue
            for what, value in bad_values(item):
                probe += 1
                language = "vi" if probe % 2 else "en"
                before = written(engine)
                response = client.post(
                    form.action,
                    data={**baseline, item.name: value},
                    headers={**account.headers, "Accept-Language": language},
                    follow_redirects=False,
                )
                where = f"{pattern} {item.name}={what} ({language}, {account.role})"
                status = response.status_code
                if status >= 500:
                    mistakes.append(f"{where}: {status}")
                    continue
                if status < 400:
                    if must_refuse(what, item, form):
                        mistakes.append(f"{where}: accepted ({status})")
                    continue
                if written(engine) != before:
                    mistakes.append(f"{where}: {status} but something was written")
                alert = re.search(r'role="alert"[^>]*>(.*?)</', response.text, re.S)
                message = alert.group(1).strip() if alert else ""
                if not message:
                    mistakes.append(f"{where}: {status} without a message on the page")
                elif language == "vi" and any(text in message for text in PYDANTIC_ENGLISH):
                    mistakes.append(f"{where}: English validation text on a Vietnamese page: {message[:120]}")
    assert probe > 100
    assert mistakes == [], "\n".join(mistakes)
