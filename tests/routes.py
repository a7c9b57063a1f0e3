"""The app's routes as (method, full path, APIRoute), for the tests that walk every route.

FastAPI keeps an included router as one entry of `app.routes` (resolved lazily), so walking
`app.routes` for `APIRoute`s finds none; `fastapi.routing.iter_route_contexts` gives each route
with its full path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import compile_path


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    route: APIRoute
    pattern: re.Pattern[str]

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and self.pattern.match(path) is not None


def app_routes(app: Any) -> list[Route]:
    found = []
    for context in iter_route_contexts(app.routes):
        original = context.original_route
        if isinstance(original, APIRoute) and context.path:
            for method in sorted(context.methods or ()):
                found.append(Route(method, context.path, original, compile_path(context.path)[0]))
    return found
