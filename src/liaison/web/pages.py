"""Pages of the shell: sign-in and sign-out, language, home, users admin, audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from liaison.core import accounts, audit, i18n
from liaison.core.errors import DomainError
from liaison.core.models import User
from liaison.core.security import csrf
from liaison.core.security.policy import ROLES
from liaison.core.web import SESSION_COOKIE, DbSession, Permission
from liaison.web.forms import attempt, form_values, redirect, safe_next
from liaison.web.rendering import render

router = APIRouter(include_in_schema=False)

LANGUAGE_COOKIE = "liaison_lang"
Viewer = Annotated[User, Depends(Permission("home.view"))]
UserReader = Annotated[User, Depends(Permission("users.read"))]
UserManager = Annotated[User, Depends(Permission("users.manage"))]
AuditReader = Annotated[User, Depends(Permission("audit.read"))]


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "signin.html", {"next": safe_next(next)})


@router.post("/signin", response_class=HTMLResponse, response_model=None)
async def signin(request: Request, session: DbSession) -> HTMLResponse | RedirectResponse:
    await csrf.check(request)
    values = await form_values(request)
    target = safe_next(values.get("next"))
    try:
        user = accounts.authenticate(session, values.get("username", ""), values.get("password", ""))
    except DomainError as error:
        session.commit()  # keep the failure count and any lock even though sign-in failed
        context = {"error": i18n.gettext(error.detail), "username": values.get("username"), "next": target}
        return render(request, "signin.html", context, status_code=error.status)
    secret = accounts.open_page_session(session, user)
    response = redirect(target)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=int(request.app.state.settings.session_hours * 3600),
        path="/",
    )
    return response


@router.post("/signout")
async def signout(request: Request, session: DbSession) -> RedirectResponse:
    await csrf.check(request)
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        accounts.close_page_session(session, secret)
    response = redirect("/signin")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
async def choose_language(request: Request) -> RedirectResponse:
    """Remember the chosen language in a cookie; anyone may switch, signed in or not."""
    await csrf.check(request)
    values = await form_values(request)
    language = values.get("language", "")
    response = redirect(safe_next(values.get("next")))
    if language in i18n.LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: Viewer) -> HTMLResponse:
    return render(request, "home.html")


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, session: DbSession, user: UserReader) -> HTMLResponse:
    return render(request, "users.html", {"users": accounts.list_users(session), "roles": ROLES, "form": {}})


@router.post("/users", response_class=HTMLResponse, response_model=None)
async def add_user(
    request: Request, session: DbSession, user: UserManager
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    outcome = attempt(
        session,
        lambda: accounts.create_user(
            session,
            user.username,
            values.get("username", ""),
            values.get("password", ""),
            values.get("role", ""),
            full_name=values.get("full_name", ""),
            unit=values.get("unit", ""),
        ),
    )
    if isinstance(outcome, DomainError):
        context = {
            "users": accounts.list_users(session),
            "roles": ROLES,
            "form": values,
            "error": outcome.detail,
        }
        return render(request, "users.html", context, status_code=outcome.status)
    return redirect("/users")


@router.post("/users/{username}/active")
async def set_user_active(
    request: Request, username: str, session: DbSession, user: UserManager
) -> RedirectResponse:
    values = await form_values(request)
    accounts.update_user(session, user.username, username, is_active=values.get("is_active") == "true")
    return redirect("/users")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: DbSession,
    user: AuditReader,
    actor: Annotated[str | None, Query(max_length=80)] = None,
    object_type: Annotated[str | None, Query(max_length=80)] = None,
    object_id: Annotated[str | None, Query(max_length=80)] = None,
) -> HTMLResponse:
    audit.record_read(session, user.username, "audit_trail", "*", detail="audit page")
    events = [
        audit.shown_to(user, event)
        for event in audit.search_events(
            session, actor=actor, object_type=object_type, object_id=object_id, limit=200
        )
    ]
    context = {
        "events": events,
        "chain": audit.verify_chain(session),
        "filters": {"actor": actor, "object_type": object_type, "object_id": object_id},
    }
    return render(request, "audit.html", context)
