"""Render pages: one Jinja2 environment over the shell's and every capability's templates.

A capability's templates are addressed with its name as prefix (`registry/agency_list.html`).
Every page gets the user, the CSRF token, the language, the menu, gettext and date filters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

from liaison.capabilities import AVAILABLE, PACKAGE_DIR, installed
from liaison.core import bilingual, i18n, saved_filters
from liaison.core.capability import HOME, Capability, NavItem
from liaison.core.security import csrf
from liaison.core.security.policy import handling_codes, may
from liaison.core.web import SignedIn

WEB_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class NavGroup:
    """A heading of the side menu: one capability's pages, or the shell's."""

    label: str
    items: tuple[NavItem, ...]


ADMINISTRATION = NavGroup(
    "Administration",
    (NavItem("Users", "/users", "users.read"), NavItem("Audit trail", "/audit", "audit.read")),
)


@lru_cache
def environment() -> Environment:
    capability_loaders = {
        name: FileSystemLoader(PACKAGE_DIR / name / "templates")
        for name in AVAILABLE
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
    env.filters["count"] = i18n.count
    env.filters["duration"] = i18n.duration
    env.filters["query_prefix"] = query_prefix
    env.globals["languages"] = i18n.LANGUAGES
    env.globals["shown"] = bilingual.shown
    env.globals["translation"] = bilingual.translation
    env.globals["handling_codes"] = handling_codes().codes
    return env


def query_prefix(filters: Mapping[str, Any] | None) -> str:
    """A list's filters as the start of a query string (`q=x&kind=y&`), so its pager keeps them."""
    chosen = {key: value for key, value in (filters or {}).items() if value not in (None, "", False)}
    return urlencode(chosen) + "&" if chosen else ""


def navigation(capabilities: Sequence[Capability] | None = None) -> list[NavGroup]:
    """The side menu: Home, then each capability's declared `nav` under its label, then administration."""
    groups = [NavGroup("", (HOME,))]
    for capability in installed() if capabilities is None else capabilities:
        if capability.nav:
            groups.append(NavGroup(capability.menu_label, capability.nav))
    return [*groups, ADMINISTRATION]


def visible_navigation(
    user: SignedIn | None, capabilities: Sequence[Capability] | None = None
) -> list[NavGroup]:
    if user is None:
        return []
    groups = [
        NavGroup(g.label, tuple(i for i in g.items if may(user, i.action))) for g in navigation(capabilities)
    ]
    return [group for group in groups if group.items]


def menu_pages(user: SignedIn, capabilities: Sequence[Capability] | None = None) -> set[str]:
    """The paths of the user's menu: the lists whose filters the user may save."""
    return {item.path for group in visible_navigation(user, capabilities) for item in group.items}


def active_entry(path: str, groups: Sequence[NavGroup]) -> str | None:
    """The one menu entry a page highlights: the entry whose path is the page's path or its
    longest leading part (`/requests/statistics/…` is under Statistics, not also under Requests).
    Home (`/`) is active on the home page only."""

    def covers(entry: str) -> bool:
        return path == entry or (entry != "/" and path.startswith(entry.rstrip("/") + "/"))

    entries = [item.path for group in groups for item in group.items if covers(item.path)]
    return max(entries, key=len, default=None)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    user: SignedIn | None = getattr(request.state, "user", None)
    nav_groups = visible_navigation(user, getattr(request.app.state, "capabilities", None))
    values = {
        "request": request,
        "user": user,
        "lang": i18n.current_language.get(),
        "csrf_token": csrf.token_for(request),
        "nav_groups": nav_groups,
        "active_entry": active_entry(request.url.path, nav_groups),
        "may": (lambda action, record=None: user is not None and may(user, action, record)),
        "path": request.url.path,
        "unread": getattr(request.state, "unread", None),
        "saved_filters": getattr(request.state, "saved_filters", []),
        "current_query": saved_filters.normalised(request.url.query),
        "upload_limit_mb": i18n.megabytes(request.app.state.settings.max_upload_bytes),
        **(context or {}),
    }
    response = HTMLResponse(environment().get_template(template).render(values), status_code=status_code)
    csrf.ensure_cookie(request, response)
    return response
