"""Pages of the shell: sign-in and sign-out, language, home, one's own password, users admin
(e-mail, password reset, lock), audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from liaison.core import accounts, audit, i18n
from liaison.core.errors import DomainError, Invalid
from liaison.core.models import User
from liaison.core.schemas import PasswordChange, PasswordReset, UserPatch
from liaison.core.security import csrf
from liaison.core.security.policy import ROLES
from liaison.core.web import SESSION_COOKIE, DbSession, Permission
from liaison.web.forms import attempt, form_values, parse, redirect, safe_next
from liaison.web.rendering import render

router = APIRouter(include_in_schema=False)

LANGUAGE_COOKIE = "liaison_lang"
Viewer = Annotated[User, Depends(Permission("home.view"))]
Self = Annotated[User, Depends(Permission("account.self"))]
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


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, user: Self) -> HTMLResponse:
    return render(request, "password.html", {"minimum": accounts.MIN_PASSWORD_LENGTH})


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(request: Request, session: DbSession, user: Self) -> HTMLResponse:
    """The signed-in user's new password; this browser stays signed in, their others do not."""
    values = await form_values(request)
    new = values.get("password", "")

    def change() -> User:
        if new != values.get("password_again", ""):
            raise Invalid(
                "The two new passwords differ; the password was not changed.",
                fields={"password_again": "differs"},
            )
        data = parse(
            PasswordChange, {"current_password": values.get("current_password", ""), "password": new}
        )
        return accounts.change_own_password(
            session,
            user.username,
            data.current_password,
            data.password,
            keep_session=request.cookies.get(SESSION_COOKIE),
        )

    outcome = attempt(session, change)
    context: dict[str, object] = {"minimum": accounts.MIN_PASSWORD_LENGTH}
    if isinstance(outcome, DomainError):
        return render(request, "password.html", context | {"error": outcome.detail}, outcome.status)
    notice = i18n.gettext("Your password has been changed. Your other sessions are signed out.")
    return render(request, "password.html", context | {"notice": notice})


def _users(
    request: Request, session: DbSession, form: dict[str, str] | None = None, error: DomainError | None = None
) -> HTMLResponse:
    context = {
        "users": accounts.list_users(session),
        "roles": ROLES,
        "form": form or {},
        "is_locked": accounts.is_locked,
        "error": error.detail if error else None,
    }
    return render(request, "users.html", context, status_code=error.status if error else 200)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, session: DbSession, user: UserReader) -> HTMLResponse:
    return _users(request, session)


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
            email=values.get("email", ""),
            unit=values.get("unit", ""),
        ),
    )
    if isinstance(outcome, DomainError):
        return _users(request, session, values, outcome)
    return redirect("/users")


@router.post("/users/{username}/active")
async def set_user_active(
    request: Request, username: str, session: DbSession, user: UserManager
) -> RedirectResponse:
    values = await form_values(request)
    change = parse(UserPatch, {"is_active": values.get("is_active", "")})
    accounts.update_user(session, user.username, username, is_active=change.is_active)
    return redirect("/users")


def _user(
    request: Request,
    session: DbSession,
    username: str,
    error: DomainError | None = None,
    notice: str = "",
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    person = accounts.get_user(session, username)
    context = {
        "person": person,
        "is_locked": accounts.is_locked(person),
        "minimum": accounts.MIN_PASSWORD_LENGTH,
        "form": form or {},
        "error": error.detail if error else None,
        "notice": notice,
    }
    return render(request, "user.html", context, status_code=error.status if error else 200)


@router.get("/users/{username}", response_class=HTMLResponse)
def user_page(request: Request, username: str, session: DbSession, user: UserReader) -> HTMLResponse:
    return _user(request, session, username)


@router.post("/users/{username}", response_class=HTMLResponse, response_model=None)
async def edit_user(
    request: Request, username: str, session: DbSession, user: UserManager
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)

    def edit() -> User:
        patch = parse(UserPatch, {"email": values.get("email", ""), "full_name": values.get("full_name", "")})
        return accounts.update_user(
            session, user.username, username, email=patch.email, full_name=patch.full_name
        )

    outcome = attempt(session, edit)
    if isinstance(outcome, DomainError):
        return _user(request, session, username, outcome, form=values)
    return redirect(f"/users/{username}")


@router.post("/users/{username}/password", response_class=HTMLResponse)
async def reset_password(
    request: Request, username: str, session: DbSession, user: UserManager
) -> HTMLResponse:
    """An administrator sets a new password; the user's page sessions are signed out."""
    values = await form_values(request)
    outcome = attempt(
        session,
        lambda: accounts.set_password(
            session,
            user.username,
            username,
            parse(PasswordReset, {"password": values.get("password", "")}).password,
            keep_session=request.cookies.get(SESSION_COOKIE),
        ),
    )
    if isinstance(outcome, DomainError):
        return _user(request, session, username, outcome)
    notice = i18n.gettext("The password has been set and the user's sessions are signed out.")
    return _user(request, session, username, notice=notice)


@router.post("/users/{username}/unlock")
async def unlock_user(
    request: Request, username: str, session: DbSession, user: UserManager
) -> RedirectResponse:
    accounts.unlock(session, user.username, username)
    return redirect(f"/users/{username}")


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
