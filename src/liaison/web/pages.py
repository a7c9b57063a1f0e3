"""Pages of the shell: sign-in (password, then the second-factor code) and sign-out, language,
home, one's own password and second factor, users admin (e-mail, password reset, lock, second
factor reset), audit trail."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liaison.core import accounts, audit, i18n, notifications, saved_filters, second_factor
from liaison.core import home as needs
from liaison.core.errors import DomainError, Invalid, Locked, Unauthenticated
from liaison.core.models import User
from liaison.core.schemas import PasswordChange, PasswordReset, UserPatch
from liaison.core.security import csrf
from liaison.core.security.policy import ROLES, least_privileged_role
from liaison.core.web import SESSION_COOKIE, DbSession, Permission, SignedIn
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    attempt,
    form_values,
    one_page,
    pager,
    parse,
    redirect,
    safe_next,
)
from liaison.web.rendering import menu_pages, render

router = APIRouter(include_in_schema=False)

LANGUAGE_COOKIE = "liaison_lang"
Viewer = Annotated[User, Depends(Permission("home.view"))]
Self = Annotated[User, Depends(Permission("account.self"))]
Enrolling = Annotated[User, Depends(Permission("account.self", while_enrolling=True))]
UserReader = Annotated[User, Depends(Permission("users.read"))]
UserManager = Annotated[User, Depends(Permission("users.manage"))]
AuditReader = Annotated[User, Depends(Permission("audit.read"))]


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "/", expired: str = "") -> HTMLResponse:
    context: dict[str, object] = {"next": safe_next(next)}
    if expired == "idle":
        minutes = request.app.state.settings.session_idle_minutes
        context["notice"] = i18n.gettext(
            "You were signed out after %(minutes)s minutes without activity. Sign in again."
        ) % {"minutes": minutes}
    return render(request, "signin.html", context)


def _with_session_cookie(request: Request, response: Response, secret: str) -> Response:
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


@router.post("/signin", response_class=HTMLResponse, response_model=None)
async def signin(request: Request, session: DbSession) -> Response:
    """The password step; a user with a second factor is asked for the code next, an administrator
    or supervisor without one is sent to enrol."""
    await csrf.check(request)
    values = await form_values(request)
    target = safe_next(values.get("next"))
    try:
        user = accounts.authenticate(session, values.get("username", ""), values.get("password", ""))
    except DomainError as error:
        session.commit()  # keep the failure count and any lock even though sign-in failed
        context = {"error": i18n.gettext(error.detail), "username": values.get("username"), "next": target}
        return render(request, "signin.html", context, status_code=error.status)
    stage = accounts.stage_after_password(user)
    secret = accounts.open_page_session(session, user, stage)
    following = {
        accounts.STAGE_CODE: f"/signin/code?next={target}",
        accounts.STAGE_ENROL: f"/account/second-factor?next={target}",
    }
    return _with_session_cookie(request, redirect(following.get(stage, target)), secret)


@router.get("/signin/code", response_class=HTMLResponse, response_model=None)
def signin_code_page(request: Request, next: str = "/") -> Response:
    if SESSION_COOKIE not in request.cookies:
        return redirect("/signin")
    return render(request, "signin_code.html", {"next": safe_next(next)})


@router.post("/signin/code", response_class=HTMLResponse, response_model=None)
async def signin_code(request: Request, session: DbSession) -> Response:
    """The second step: the code from the app (or a recovery code) completes the sign-in."""
    await csrf.check(request)
    values = await form_values(request)
    target = safe_next(values.get("next"))
    try:
        _, secret = accounts.finish_sign_in(
            session, request.cookies.get(SESSION_COOKIE, ""), values.get("code", "")
        )
    except DomainError as error:
        session.commit()  # keep the failure count and any lock, as for a wrong password
        context = {"error": i18n.gettext(error.detail), "next": target}
        if isinstance(error, Locked | Unauthenticated):  # this sign-in is over: start again
            return render(request, "signin.html", context, status_code=error.status)
        return render(request, "signin_code.html", context, status_code=error.status)
    return _with_session_cookie(request, redirect(target), secret)


@router.post("/signout")
async def signout(request: Request, session: DbSession) -> RedirectResponse:
    """Sign out; also ends a sign-in still waiting for its code or for an enrolment."""
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
def home(request: Request, session: DbSession, user: Viewer) -> HTMLResponse:
    """What needs me: each installed capability's `home` items for this reader, through the gate."""
    return render(request, "home.html", {"sections": needs.sections(session, user)})


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(
    request: Request, session: DbSession, user: Self, page: PageNumber = 1, unread: bool = False
) -> HTMLResponse:
    """One's own notifications, newest first, with read and unread."""
    items, total = notifications.list_for(
        session, user, unread=unread, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    context = {
        "notifications": items,
        "kinds": needs.notification_kinds().kinds,
        "pager": pager(page, total),
        "filters": {"unread": unread},
        "unread_only": unread,
    }
    return render(request, "notifications.html", context)


@router.post("/notifications/read-all")
async def read_all_notifications(request: Request, session: DbSession, user: Self) -> RedirectResponse:
    notifications.mark_all_read(session, user)
    return redirect("/notifications")


@router.post("/notifications/{notification_id}/{state}")
async def mark_notification(
    request: Request, notification_id: int, state: str, session: DbSession, user: Self
) -> RedirectResponse:
    """Mark one notification `read` or `unread`; back to the list (or to its record, `open`)."""
    if state not in ("read", "unread", "open"):
        raise Invalid("Unknown state {state!r}.", state=state, fields={"state": "read, unread or open"})
    notification = notifications.mark(session, user, notification_id, read=state != "unread")
    values = await form_values(request)
    if state == "open" and notification.link:
        return redirect(safe_next(notification.link))
    return redirect(safe_next(values.get("next") or "/notifications"))


def _preferences(
    request: Request, session: DbSession, user: User, notice: str = "", error: DomainError | None = None
) -> HTMLResponse:
    context = {
        "choices": notifications.preferences(session, user.username),
        "kinds": needs.notification_kinds().kinds,
        "email": user.email,
        "notice": notice,
        "error": error.detail if error else None,
    }
    return render(
        request, "notification_preferences.html", context, status_code=error.status if error else 200
    )


@router.post("/saved-filters")
async def save_filter(request: Request, session: DbSession, user: Self) -> RedirectResponse:
    """Name the filters of the list page the form is on; back to that list, so filtered."""
    values = await form_values(request)
    page = values.get("page", "")
    menu = menu_pages(SignedIn.of(user), getattr(request.app.state, "capabilities", None))
    saved = saved_filters.save(session, user, page, values.get("name", ""), values.get("query", ""), menu)
    return redirect(f"{saved.page}?{saved.query}")


@router.post("/saved-filters/{filter_id}/delete")
async def remove_filter(request: Request, filter_id: int, session: DbSession, user: Self) -> RedirectResponse:
    removed = saved_filters.remove(session, user, filter_id)
    return redirect(removed.page)


@router.get("/account/notifications", response_class=HTMLResponse)
def preferences_page(request: Request, session: DbSession, user: Self) -> HTMLResponse:
    """Which kinds of notification reach me in the app and by e-mail."""
    return _preferences(request, session, user)


@router.post("/account/notifications", response_class=HTMLResponse)
async def save_preferences(request: Request, session: DbSession, user: Self) -> HTMLResponse:
    values = await form_values(request)
    choices = {
        kind: notifications.Choice(
            in_app=values.get(f"{kind}.in_app") == "on", email=values.get(f"{kind}.email") == "on"
        )
        for kind in notifications.choosable()
    }
    outcome = attempt(session, lambda: notifications.set_preferences(session, user, choices))
    if isinstance(outcome, DomainError):
        return _preferences(request, session, user, error=outcome)
    return _preferences(request, session, user, notice=i18n.gettext("Your choices are saved."))


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


def _second_factor_page(
    request: Request,
    session: DbSession,
    user: User,
    *,
    enrolment: second_factor.Enrolment | None = None,
    codes: list[str] | None = None,
    next: str = "/",
    error: DomainError | None = None,
) -> HTMLResponse:
    enrolled = second_factor.is_enrolled(user)
    if not enrolled and enrolment is None:
        enrolment = second_factor.start_enrolment(user)
    context = {
        "enrolled": enrolled,
        "required": second_factor.is_required(user),
        "enrolment": enrolment,
        "codes": codes or [],
        "codes_left": second_factor.recovery_codes_left(session, user) if enrolled else 0,
        "enrolled_at": user.second_factor.enrolled_at if user.second_factor else None,
        "next": safe_next(next),
        "error": error.detail if error else None,
    }
    return render(request, "second_factor.html", context, status_code=error.status if error else 200)


@router.get("/account/second-factor", response_class=HTMLResponse)
def second_factor_page(
    request: Request, session: DbSession, user: Enrolling, next: str = "/"
) -> HTMLResponse:
    """Enrol (a new key as text and QR code, confirmed with a first code), or see the second factor."""
    return _second_factor_page(request, session, user, next=next)


@router.post("/account/second-factor", response_class=HTMLResponse)
async def enrol_second_factor(request: Request, session: DbSession, user: Enrolling) -> HTMLResponse:
    """Confirm the key with its first code; the recovery codes are shown this once. A sign-in that
    waited for the enrolment is complete from now on."""
    values = await form_values(request)
    sealed, target = values.get("enrolment", ""), values.get("next", "/")
    outcome = attempt(
        session, lambda: second_factor.confirm_enrolment(session, user, sealed, values.get("code", ""))
    )
    if isinstance(outcome, DomainError):
        enrolment = None if second_factor.is_enrolled(user) else second_factor.resume_enrolment(user, sealed)
        return _second_factor_page(request, session, user, enrolment=enrolment, next=target, error=outcome)
    response = _second_factor_page(request, session, user, codes=outcome, next=target)
    fresh = accounts.complete_enrolment_stage(session, request.cookies.get(SESSION_COOKIE, ""))
    if fresh is not None:
        _with_session_cookie(request, response, fresh)
    return response


@router.post("/account/second-factor/recovery-codes", response_class=HTMLResponse)
async def replace_recovery_codes(request: Request, session: DbSession, user: Self) -> HTMLResponse:
    """New recovery codes after a current code; the old ones stop working."""
    values = await form_values(request)
    outcome = attempt(
        session, lambda: second_factor.new_recovery_codes(session, user, values.get("code", ""))
    )
    if isinstance(outcome, DomainError):
        return _second_factor_page(request, session, user, error=outcome)
    return _second_factor_page(request, session, user, codes=outcome)


def _users(
    request: Request,
    session: DbSession,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
    page: int = 1,
) -> HTMLResponse:
    users, shown = one_page(accounts.list_users(session), page)
    context = {
        "users": users,
        "pager": shown,
        "filters": {},
        "roles": ROLES,
        "form": form or {"role": least_privileged_role()},  # least privilege unless chosen
        "is_locked": accounts.is_locked,
        "error": error.detail if error else None,
    }
    return render(request, "users.html", context, status_code=error.status if error else 200)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, session: DbSession, user: UserReader, page: PageNumber = 1) -> HTMLResponse:
    return _users(request, session, page=page)


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
        "has_second_factor": second_factor.is_enrolled(person),
        "needs_second_factor": second_factor.is_required(person),
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


@router.post("/users/{username}/second-factor/reset", response_class=HTMLResponse, response_model=None)
async def reset_second_factor(
    request: Request, username: str, session: DbSession, user: UserManager
) -> HTMLResponse | RedirectResponse:
    """Forget a user's second factor (a lost phone): they enrol again at their next sign-in."""
    outcome = attempt(session, lambda: accounts.reset_second_factor(session, user.username, username))
    if isinstance(outcome, DomainError):
        return _user(request, session, username, outcome)
    if username == user.username:  # one's own: this browser is signed out too
        return redirect("/signin")
    notice = i18n.gettext("The second factor has been reset: the user enrols again at the next sign-in.")
    return _user(request, session, username, notice=notice)


@router.post("/users/{username}/unlock")
async def unlock_user(
    request: Request, username: str, session: DbSession, user: UserManager
) -> RedirectResponse:
    accounts.unlock(session, user.username, username)
    return redirect(f"/users/{username}")


AuditText = Annotated[str | None, Query(max_length=80)]


def _day(value: str | None, field: str) -> date | None:
    """A date from the filter form (`YYYY-MM-DD`); empty is none, anything else is refused."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise audit.refused({field: "a date like 2026-12-01"}) from None


def _change_rows(changes: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """The recorded {field: [before, after]} as rows of field label, before, after."""
    return [
        (i18n.field_label(field), audit.shown_value(pair[0]), audit.shown_value(pair[1]))
        for field, pair in (changes or {}).items()
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: DbSession,
    user: AuditReader,
    actor: AuditText = None,
    object_type: AuditText = None,
    object_id: AuditText = None,
    action: AuditText = None,
    first: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    last: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    page: PageNumber = 1,
    upto: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> HTMLResponse:
    """The trail, newest first, a page at a time, filtered by user, object, action and the local
    days (in the node's time zone) it happened on; each change as field, before, after. The pager
    keeps the newest event of the first page (`upto`), so the next pages follow on from it."""
    zone = request.app.state.settings.timezone
    upto = upto or audit.newest_event_id(session)
    since, before = audit.day_bounds(_day(first, "from"), _day(last, "to"), zone)
    wanted = audit.check_filter(
        audit.EventFilter(
            actor=actor or None,
            object_type=object_type or None,
            object_id=object_id or None,
            action=action or None,
            since=since,
            before=before,
            upto=upto,
        )
    )
    audit.record_read(session, user.username, "audit_trail", "*", detail="audit page")
    total = audit.count_events(session, wanted)
    shown = audit.search_events(session, wanted=wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    events = []
    for event in shown:
        fields = audit.shown_to(user, event)
        fields["rows"] = _change_rows(fields.get("changes"))
        events.append(fields)
    language = i18n.current_language.get()
    context = {
        "events": events,
        "chain": audit.verify_chain(session),
        "pager": pager(page, total),
        "object_labels": {code: getattr(label, language) for code, label in audit.object_types().items()},
        "action_labels": {code: getattr(label, language) for code, label in audit.actions().items()},
        "zone": zone,
        "filters": {
            "actor": actor,
            "object_type": object_type,
            "object_id": object_id,
            "action": action,
            "from": first,
            "to": last,
            "upto": upto,
        },
    }
    return render(request, "audit.html", context)
