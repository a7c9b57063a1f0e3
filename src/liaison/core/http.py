"""HTTP concerns common to every route: errors as RFC 9457 problems, body size limit,
language selection and security headers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import annotated_types
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from pydantic import AfterValidator
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liaison.core import audit, i18n
from liaison.core.db import unit_of_work
from liaison.core.errors import (
    PROBLEM_TYPE_BASE,
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    SecondFactorRequired,
    SessionExpired,
    TooLarge,
    Unauthenticated,
)
from liaison.core.schemas import MAX_INTEGER, NoNulText, annotation_types, refuse_naive_datetime, refuse_nul
from liaison.core.web import SESSION_COOKIE

log = logging.getLogger("liaison")

PROBLEM_MEDIA_TYPE = "application/problem+json"
ENROLMENT_PAGE = "/account/second-factor"
LANGUAGE_COOKIE = "liaison_lang"
MACHINE_PREFIXES = ("/api/", "/healthz", "/readyz")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
}


def wants_problem(request: Request) -> bool:
    return request.url.path.startswith(MACHINE_PREFIXES)


def problem_response(document: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        document, status_code=document["status"], media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def _page_error(request: Request, status: int, title: str, detail: str) -> Response:
    from liaison.web.rendering import render  # the shell renders pages; imported late to avoid a cycle

    context = {"title": i18n.gettext(title), "detail": i18n.gettext(detail)}
    return render(request, "error.html", context, status_code=status)


def _record_denial(request: Request, error: Forbidden) -> None:
    """The request's transaction is rolled back with the error, so the denial has its own."""
    user = getattr(request.state, "user", None)
    actor = user.username if user is not None else audit.SYSTEM_ACTOR
    with unit_of_work(request.app.state.engine) as session:
        where = f"{request.method} {request.url.path}"[:200]
        audit.record(session, actor, audit.DENIED, "route", where, detail=error.detail[:500])


async def domain_error_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    if isinstance(error, Forbidden):
        await run_in_threadpool(_record_denial, request, error)
    if wants_problem(request):
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthenticated) else None
        return problem_response(error.problem(request.url.path, api_language(request)), headers)
    if isinstance(error, SecondFactorRequired):
        return RedirectResponse(ENROLMENT_PAGE, status_code=303)
    if isinstance(error, Unauthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if isinstance(error, SessionExpired):  # the sign-in page says why; the dead cookie goes
            response = RedirectResponse(f"/signin?expired=idle&next={target}", status_code=303)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response
        return RedirectResponse(f"/signin?next={target}", status_code=303)
    return _page_error(request, error.status, error.title, error.detail)


def api_language(request: Request) -> str:
    """The API answers in English unless the client asks for another language (Accept-Language)."""
    return i18n.negotiate(request.headers.get("accept-language", ""))


async def validation_error_handler(request: Request, error: Exception) -> Response:
    """Pydantic's complaints in plain words, with field labels, in the reader's language."""
    assert isinstance(error, RequestValidationError)
    items = [
        {**item, "loc": ("body",)} if item["type"] == "json_invalid" else item for item in error.errors()
    ]
    invalid = Invalid.from_validation(items, "The input is not right: {faults}", whole="body")
    if not wants_problem(request):
        return _page_error(request, 422, "Invalid input", invalid.detail)
    return problem_response(invalid.problem(request.url.path, api_language(request)))


async def http_error_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 413: TooLarge.title}
    title = titles.get(error.status_code, "Error")
    detail = str(error.detail) if error.detail else title
    if not wants_problem(request):
        return _page_error(request, error.status_code, title, detail)
    slug = TooLarge.slug if error.status_code == 413 else title.lower().replace(" ", "-")
    document = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": error.status_code,
        "detail": detail,
        "instance": request.url.path,
    }
    headers = {name.lower(): value for name, value in (error.headers or {}).items()}
    if error.status_code == 405:
        headers["allow"] = ", ".join(_allowed_methods(request))
    return problem_response(document, headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method the routes of this path answer (Starlette names only the first route's); a
    literal path (`/requests/kinds`) is not also `/requests/{request_id}`."""
    by_path: dict[str, set[str]] = {}
    for route in iter_route_contexts(request.app.routes):
        methods = route.methods or set()
        if methods and route.path_format and route.matches(request.scope)[0] != Match.NONE:
            by_path.setdefault(route.path_format, set()).update(methods)
    literal = [methods for path, methods in by_path.items() if "{" not in path]
    chosen = literal or list(by_path.values())
    return sorted(set().union(*chosen)) if chosen else []


async def unexpected_error_handler(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    detail = "Something went wrong on the server; nothing was saved. The error has been logged."
    if not wants_problem(request):
        return _page_error(request, 500, "Server error", detail)
    return problem_response(
        {"type": PROBLEM_TYPE_BASE + "server-error", "title": "Server error", "status": 500, "detail": detail}
    )


async def integrity_error_handler(request: Request, error: Exception) -> Response:
    """A unique or foreign-key rule of the database refused the write: the input conflicts with a
    record that exists (or does not). The transaction is already rolled back; nothing was saved."""
    log.info("integrity error on %s %s: %s", request.method, request.url.path, error)
    conflict = Conflict("This conflicts with an existing record (a duplicate or a missing reference).")
    return await domain_error_handler(request, conflict)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error_handler)
    app.add_exception_handler(IntegrityError, integrity_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)


_HARDENED = "liaison-hardened"


def _harden(field: Any) -> None:
    info = field.field_info
    if _HARDENED in info.metadata:
        return
    kinds = annotation_types(info.annotation)
    added: list[Any] = []
    if int in kinds and bool not in kinds:
        if not any(isinstance(m, annotated_types.Le | annotated_types.Lt) for m in info.metadata):
            added.append(annotated_types.Le(MAX_INTEGER))
        if not any(isinstance(m, annotated_types.Ge | annotated_types.Gt) for m in info.metadata):
            added.append(annotated_types.Ge(-MAX_INTEGER - 1))
    if datetime in kinds:
        added.append(AfterValidator(refuse_naive_datetime))
    if str in kinds:
        added += [AfterValidator(refuse_nul), NoNulText()]
    info.metadata = [*info.metadata, *added, _HARDENED]
    field.__post_init__()  # rebuild the validator from the amended metadata


def _harden_dependant(dependant: Any) -> None:
    for field in (*dependant.path_params, *dependant.query_params, *dependant.header_params):
        _harden(field)
    for sub in dependant.dependencies:
        _harden_dependant(sub)


def harden_parameters(app: FastAPI) -> None:
    """Give every path, query and header parameter of every route the limits the database needs,
    in one place instead of on each route: integers fit a signed 64-bit column, date-times carry a
    time zone, text holds no NUL (PostgreSQL refuses it). A value outside them is a 422, not a 500."""
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is not None:
            _harden_dependant(dependant)


class BodySizeLimit:
    """Refuse request bodies over the limit (uploads have their own, larger one) with 413.

    `upload_routes` maps path prefixes to a multipart limit of their own (the capabilities declare
    them, `Capability.upload_routes`); the longest prefix of the path wins, else `max_upload`."""

    def __init__(
        self, app: ASGIApp, max_body: int, max_upload: int, upload_routes: Mapping[str, int] | None = None
    ) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload
        self.upload_routes = sorted((upload_routes or {}).items(), key=lambda item: -len(item[0]))

    def upload_limit(self, path: str) -> int:
        """The multipart limit of this path: its route's, else the node's."""
        chosen = (limit for prefix, limit in self.upload_routes if path.startswith(prefix))
        return next(chosen, self.max_upload)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type, declared = b"", b""
        for name, value in scope["headers"]:  # ASGI gives header names in lower case
            if name == b"content-type":
                content_type = value
            elif name == b"content-length":
                declared = value
        multipart = content_type.lower().startswith(b"multipart/form-data")
        limit = self.upload_limit(scope["path"]) if multipart else self.max_body
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received, exceeded, refused = 0, False, False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:  # a chunked body declares no length: count what arrives
                exceeded = True
                raise too_large(limit)
            return message

        async def guarded_send(message: Message) -> None:
            # However the app answers the read that failed (FastAPI says 400), the answer is 413.
            nonlocal refused
            if not exceeded:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(scope, receive, send, limit)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
            if not refused:
                refused = True
                await self._refuse(scope, receive, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """A page's form gets a page in its language stating the limit; the API a problem."""
        request = Request(scope, receive)
        error = too_large(limit)
        answer: Response
        if wants_problem(request):
            answer = problem_response(error.problem(request.url.path, api_language(request)))
        else:
            token = i18n.current_language.set(page_language(request))
            try:
                answer = _page_error(request, error.status, error.title, error.detail)
            finally:
                i18n.current_language.reset(token)
        await answer(scope, receive, send)


def too_large(limit: int) -> TooLarge:
    return TooLarge(
        "The form is larger than the limit of {limit_mb} MB, so nothing was saved. "
        "Send a smaller file, or split it.",
        limit_mb=i18n.megabytes(limit),
    )


def page_language(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in i18n.LANGUAGES:
        return chosen
    return i18n.negotiate(request.headers.get("accept-language", ""))


class LanguageAndHeaders:
    """Pick the language (cookie, else browser), then add security headers to the answer; an
    authenticated answer (a bearer token, a session cookie, or a user the route signed in) gets
    `Cache-Control: no-store`, since it may show persons sought.

    A plain ASGI middleware rather than Starlette's `BaseHTTPMiddleware`, which runs the app in a
    task of its own and streams its answer through a memory channel: a cost on every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        chosen = page_language(request)
        by_credentials = "authorization" in request.headers or SESSION_COOKIE in request.cookies

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if by_credentials or scope.get("state", {}).get("user") is not None:
                    headers["cache-control"] = "no-store"
                headers.setdefault("content-language", chosen)
            await send(message)

        token = i18n.current_language.set(chosen)
        try:
            await self.app(scope, receive, with_headers)
        finally:
            i18n.current_language.reset(token)
