"""Every route × every role: allowed or denied exactly as `vocab/policy.yaml` says.

A route added without a `Permission` fails `test_every_route_declares_a_permission`; a route
whose behaviour does not follow the policy fails the walk.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.routing import Mount

from liaison.core.security.policy import ROLES, roles_for
from liaison.core.web import Permission
from liaison.engagements.feeds import FeedSecret
from liaison.exchange.transport import NodeSignature
from tests.routes import app_routes

PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/signin"),
    ("POST", "/signin"),
    ("GET", "/signin/code"),  # the second step: the page session it completes is checked inside
    ("POST", "/signin/code"),
    ("POST", "/signout"),
    ("POST", "/language"),
}


def _permission(route: APIRoute) -> str | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, Permission):
            return dependency.call.action
        stack.extend(dependency.dependencies)
    return None


def _node_signed(route: APIRoute) -> bool:
    """Routes for partner nodes: authenticated by the calling node's signature, not by a user."""
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, NodeSignature):
            return True
        stack.extend(dependency.dependencies)
    return False


def _feed_secret(route: APIRoute) -> bool:
    """The calendar feed: calendar clients cannot sign in, its secret address is the credential."""
    return any(isinstance(dependency.call, FeedSecret) for dependency in route.dependant.dependencies)


def _routes(app: Any) -> list[tuple[str, str, APIRoute]]:
    return [(found.method, found.path, found.route) for found in app_routes(app)]


def _concrete(path: str, route: APIRoute) -> str:
    """Fill path parameters: integers with an id that does not exist, text with 'ZZ'."""
    types = {param.name: param.field_info.annotation for param in route.dependant.path_params}
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: "999999" if types.get(m.group(1)) is int else "ZZ", path)


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    """SQLite only: who may call a route is the policy's answer, whichever database holds the data."""
    return sqlite_engine


def test_every_route_declares_a_permission(app) -> None:  # type: ignore[no-untyped-def]
    missing = [
        f"{m} {p}"
        for m, p, route in _routes(app)
        if (m, p) not in PUBLIC
        and _permission(route) is None
        and not _node_signed(route)
        and not _feed_secret(route)
    ]
    assert missing == []
    assert len(_routes(app)) > 100  # the walk sees the capabilities' routes, not only the app's own
    mounts = [route.path for route in app.routes if isinstance(route, Mount)]
    assert mounts == ["/static"]


def test_every_route_follows_the_policy_for_every_role(client: TestClient, app, accounts_by_role) -> None:  # type: ignore[no-untyped-def]
    mistakes = []
    for method, path, route in _routes(app):
        action = _permission(route)
        if action is None:
            continue
        url = _concrete(path, route)
        allowed_roles = roles_for(action)
        anonymous = client.request(
            method, url, json={} if method in {"POST", "PUT", "PATCH"} else None, follow_redirects=False
        )
        if anonymous.status_code not in {401, 303}:
            mistakes.append(f"{method} {url} anonymous -> {anonymous.status_code}")
        for role in ROLES:
            response = client.request(
                method,
                url,
                headers=accounts_by_role[role].headers,
                json={} if method in {"POST", "PUT", "PATCH"} else None,
                follow_redirects=False,
            )
            denied = response.status_code == 403
            if response.status_code >= 500 or response.status_code == 401:
                mistakes.append(f"{method} {url} as {role} -> {response.status_code}")
            elif denied != (role not in allowed_roles):
                mistakes.append(
                    f"{method} {url} as {role}: {response.status_code}, policy {sorted(allowed_roles)}"
                )
    assert mistakes == [], "\n".join(mistakes)


def test_node_routes_refuse_every_user_and_every_unsigned_call(
    client: TestClient, app, accounts_by_role
) -> None:  # type: ignore[no-untyped-def]
    node_routes = [(m, p) for m, p, route in _routes(app) if _node_signed(route)]
    assert node_routes, "the exchange's node routes are walked"
    mistakes = []
    for method, path in node_routes:
        for headers in [{}, *(accounts_by_role[role].headers for role in ROLES)]:
            response = client.request(method, path, json={}, headers=headers)
            if response.status_code != 401 or response.json().get("reason") != "unsigned":
                mistakes.append(f"{method} {path} with {headers or 'nothing'} -> {response.status_code}")
    assert mistakes == []


def test_feed_routes_answer_404_to_every_user_without_their_secret(
    client: TestClient, app, accounts_by_role
) -> None:  # type: ignore[no-untyped-def]
    feed_routes = [(m, p) for m, p, route in _routes(app) if _feed_secret(route)]
    assert feed_routes == [("GET", "/engagements/feeds/{secret}.ics")]
    mistakes = []
    for method, path in feed_routes:
        url = path.replace("{secret}", "not-a-feed-secret")
        for headers in [{}, *(accounts_by_role[role].headers for role in ROLES)]:
            response = client.request(method, url, headers=headers)
            if response.status_code != 404:
                mistakes.append(f"{method} {url} with {headers or 'nothing'} -> {response.status_code}")
    assert mistakes == []


@pytest.mark.parametrize("role", ROLES)
def test_unknown_action_is_refused_at_import_time(role: str) -> None:
    with pytest.raises(KeyError):
        Permission(f"no.such.action.for.{role}")
