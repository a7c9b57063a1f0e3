"""Render pages: one Jinja2 environment over the shell's and every capability's templates.

A capability's templates are addressed with its name as prefix (`registry/agency_list.html`).
Every page gets the user, the CSRF token, the language, the menu, gettext and date filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

from liaison.capabilities import CAPABILITIES, PACKAGE_DIR, module
from liaison.core import i18n
from liaison.core.security import csrf
from liaison.core.security.policy import handling_codes, may
from liaison.core.web import SignedIn

WEB_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class NavItem:
    """A menu entry; shown only to users whose role may perform `action`."""

    label: str
    path: str
    action: str


@dataclass(frozen=True)
class NavGroup:
    """A heading of the side menu: one capability's pages, or the shell's."""

    label: str
    items: tuple[NavItem, ...]


HOME = NavItem("Home", "/", "home.view")
ADMINISTRATION = NavGroup(
    "Administration",
    (NavItem("Users", "/users", "users.read"), NavItem("Audit trail", "/audit", "audit.read")),
)
GROUP_LABELS = {"subjects": "Persons sought"}


@lru_cache
def environment() -> Environment:
    capability_loaders = {
        name: FileSystemLoader(PACKAGE_DIR / name / "templates")
        for name in CAPABILITIES
        if (PACKAGE_DIR / name / "templates").is_dir()
    }
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(WEB_DIR / "templates"), PrefixLoader(capability_loaders)]),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = i18n.show_date
    env.filters["query_prefix"] = query_prefix
    env.globals["languages"] = i18n.LANGUAGES
    env.globals["handling_codes"] = handling_codes().codes
    return env


def query_prefix(filters: Mapping[str, Any] | None) -> str:
    """A list's filters as the start of a query string (`q=x&kind=y&`), so its pager keeps them."""
    chosen = {key: value for key, value in (filters or {}).items() if value not in (None, "", False)}
    return urlencode(chosen) + "&" if chosen else ""


def navigation() -> list[NavGroup]:
    """The side menu: Home, then each capability's `pages.NAV` under its name, then administration."""
    groups = [NavGroup("", (HOME,))]
    for name in CAPABILITIES:
        pages = module(name, "pages")
        items = tuple(getattr(pages, "NAV", ()) if pages else ())
        if items:
            groups.append(NavGroup(GROUP_LABELS.get(name, name.title()), items))
    return [*groups, ADMINISTRATION]


def visible_navigation(user: SignedIn | None) -> list[NavGroup]:
    if user is None:
        return []
    groups = [NavGroup(g.label, tuple(i for i in g.items if may(user, i.action))) for g in navigation()]
    return [group for group in groups if group.items]


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    user: SignedIn | None = getattr(request.state, "user", None)
    values = {
        "request": request,
        "user": user,
        "lang": i18n.current_language.get(),
        "csrf_token": csrf.token_for(request),
        "nav_groups": visible_navigation(user),
        "may": (lambda action, record=None: user is not None and may(user, action, record)),
        "path": request.url.path,
        **(context or {}),
    }
    response = HTMLResponse(environment().get_template(template).render(values), status_code=status_code)
    csrf.ensure_cookie(request, response)
    return response
