"""CSRF protection for cookie-authenticated forms and htmx calls (signed double submit).

A random `liaison_csrf` cookie is set on every page; forms carry `csrf_token`, htmx sends it
as `X-CSRF-Token`. The token is an HMAC of the cookie under the secret key, so a page on another
site can neither read nor forge it. Bearer-token API calls are not exposed and need none.
"""

from __future__ import annotations

from fastapi import Request, Response

from liaison.core.errors import Forbidden
from liaison.core.security.secrets import new_secret, same, sign

CSRF_COOKIE = "liaison_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def _key(request: Request) -> str:
    return str(request.app.state.secret_key)


def cookie_value(request: Request) -> str:
    """The browser's CSRF cookie, or a fresh one remembered for `ensure_cookie` to set."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if not value:
        value = new_secret()
        request.state.new_csrf_cookie = value
    return str(value)


def token_for(request: Request) -> str:
    return sign(_key(request), "csrf:" + cookie_value(request))


def ensure_cookie(request: Request, response: Response) -> None:
    new_value = getattr(request.state, "new_csrf_cookie", None)
    if new_value:
        response.set_cookie(
            CSRF_COOKIE,
            new_value,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )


async def check(request: Request) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not cookie or not sent or not same(sent, sign(_key(request), "csrf:" + cookie)):
        raise Forbidden("The form has expired or did not come from Liaison. Reload the page and try again.")
