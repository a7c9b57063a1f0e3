"""HTTP concerns common to every route: errors as RFC 9457 problems, body size limit,
language selection and security headers."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liaison.core import i18n
from liaison.core.errors import PROBLEM_TYPE_BASE, DomainError, Invalid, TooLarge, Unauthenticated

log = logging.getLogger("liaison")

PROBLEM_MEDIA_TYPE = "application/problem+json"
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


async def domain_error_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, DomainError)
    if wants_problem(request):
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthenticated) else None
        return problem_response(error.problem(request.url.path, api_language(request)), headers)
    if isinstance(error, Unauthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
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
    titles = {404: "Not found", 405: "Method not allowed"}
    title = titles.get(error.status_code, "Error")
    detail = str(error.detail) if error.detail else title
    if not wants_problem(request):
        return _page_error(request, error.status_code, title, detail)
    document = {
        "type": PROBLEM_TYPE_BASE + title.lower().replace(" ", "-"),
        "title": title,
        "status": error.status_code,
        "detail": detail,
        "instance": request.url.path,
    }
    return problem_response(document, dict(error.headers or {}))


async def unexpected_error_handler(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    detail = "Something went wrong on the server; nothing was saved. The error has been logged."
    if not wants_problem(request):
        return _page_error(request, 500, "Server error", detail)
    return problem_response(
        {"type": PROBLEM_TYPE_BASE + "server-error", "title": "Server error", "status": 500, "detail": detail}
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)


class BodySizeLimit:
    """Refuse request bodies over the limit (uploads have their own, larger one) with 413."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        is_upload = headers.get("content-type", "").startswith("multipart/form-data")
        limit = self.max_upload if is_upload else self.max_body
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(limit)
            return message

        await self.app(scope, limited_receive, send)

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


async def language_and_headers(request: Request, call_next: Any) -> Response:
    """Pick the language (cookie, else browser), then add security headers to the answer."""
    chosen = page_language(request)
    token = i18n.current_language.set(chosen)
    try:
        response: Response = await call_next(request)
    finally:
        i18n.current_language.reset(token)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("content-language", chosen)
    return response
