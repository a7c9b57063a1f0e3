"""Pages of capacity building: the activities with the form that records one, an activity with
its participants, and the staff records. Same service calls as the API; a refused form is shown
again with the reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from liaison.capacity import schemas, service
from liaison.capacity.vocabulary import vocabulary
from liaison.core.errors import DomainError
from liaison.core.models import User
from liaison.core.security.policy import handling_codes
from liaison.core.vocab import allowed_next
from liaison.core.web import DbSession, Permission
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    attempt,
    form_values,
    optional_date,
    optional_int,
    pager,
    parse,
    redirect,
)
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)
NAV = (
    NavItem("Capacity building", "/capacity", service.READ),
    NavItem("Staff records", "/capacity/staff", service.READ),
)
Reader = Annotated[User, Depends(Permission(service.READ))]
Writer = Annotated[User, Depends(Permission(service.WRITE))]


def _context(session: DbSession, user: User, **values: Any) -> dict[str, Any]:
    return {
        "vocab": vocabulary(),
        "codes": handling_codes().codes,
        "agencies": service.partner_choices(session),
        "staff": service.staff_choices(session, user),
        **values,
    }


def _list_page(
    request: Request,
    session: DbSession,
    user: User,
    page: int,
    kind: str,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    activities, total = service.list_activities(
        session, user, kind=kind, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    context = _context(
        session,
        user,
        activities=activities,
        total=total,
        pager=pager(page, total),
        filters={"kind": kind},
        form=form or {},
        error=error.detail if error else None,
    )
    return render(request, "capacity/list.html", context, status_code=error.status if error else 200)


@router.get("/capacity", response_class=HTMLResponse)
def activity_list(
    request: Request,
    session: DbSession,
    user: Reader,
    kind: Annotated[str, Query(max_length=40)] = "",
    page: PageNumber = 1,
) -> HTMLResponse:
    return _list_page(request, session, user, page, kind)


def _participants(values: dict[str, str]) -> list[dict[str, Any]]:
    """The officers picked in the form, each as a participant in the kind's first role."""
    staff_ids = [v for v in values.get("staff_member_ids", "").replace(",", " ").split() if v]
    role = values.get("role", "")
    return [{"staff_member_id": optional_int(v), "role": role} for v in staff_ids]


@router.post("/capacity", response_class=HTMLResponse, response_model=None)
async def create_activity(request: Request, session: DbSession, user: Writer) -> Any:
    values = await form_values(request)

    def action() -> object:
        areas = [a.strip() for a in values.get("subject_areas", "").replace(";", ",").split(",") if a.strip()]
        data: dict[str, Any] = {
            key: values.get(key, "") for key in ("kind", "title", "direction", "post", "mission", "outcome")
        } | {"handling_code": values.get("handling_code") or "H0"}
        data |= {
            "partner_agency_id": optional_int(values.get("partner_agency_id")),
            "engagement_id": optional_int(values.get("engagement_id")),
            "start_date": optional_date(values.get("start_date")),
            "end_date": optional_date(values.get("end_date")),
            "subject_areas": areas,
            "participants": _participants(values),
        }
        return service.create_activity(session, user, parse(schemas.ActivityIn, data))

    outcome = attempt(session, action)
    if isinstance(outcome, DomainError):
        return _list_page(request, session, user, 1, "", outcome, values)
    return redirect(f"/capacity/{outcome.id}")  # type: ignore[attr-defined]


def _detail(
    request: Request, session: DbSession, user: User, activity_id: int, error: DomainError | None = None
) -> HTMLResponse:
    activity = service.get_activity(session, user, activity_id)
    next_statuses = allowed_next(vocabulary().kinds[activity.kind].statuses, activity.status)
    context = _context(
        session,
        user,
        activity=activity,
        next_statuses=next_statuses,
        shown_staff=service.readable_staff_ids(user, activity),
        error=error.detail if error else None,
    )
    return render(request, "capacity/detail.html", context, status_code=error.status if error else 200)


@router.get("/capacity/staff", response_class=HTMLResponse)
def staff_list(request: Request, session: DbSession, user: Reader, page: PageNumber = 1) -> HTMLResponse:
    members, total = service.list_staff(session, user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    codes = handling_codes().codes
    context = {"members": members, "total": total, "pager": pager(page, total), "codes": codes}
    return render(request, "capacity/staff.html", context)


@router.post("/capacity/staff", response_class=HTMLResponse, response_model=None)
async def create_staff_member(request: Request, session: DbSession, user: Writer) -> Any:
    values = await form_values(request)
    data = {key: values.get(key, "") for key in ("full_name", "rank", "unit", "position")}
    data["handling_code"] = values.get("handling_code") or "H0"
    outcome = attempt(
        session, lambda: service.create_staff_member(session, user, parse(schemas.StaffMemberIn, data))
    )
    if isinstance(outcome, DomainError):
        members, total = service.list_staff(session, user, limit=PAGE_SIZE)
        context = {
            "members": members, "total": total, "pager": pager(1, total), "error": outcome.detail,
            "codes": handling_codes().codes, "form": values,
        }  # fmt: skip
        return render(request, "capacity/staff.html", context, status_code=outcome.status)
    return redirect("/capacity/staff")


@router.get("/capacity/{activity_id}", response_class=HTMLResponse)
def activity_detail(request: Request, activity_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _detail(request, session, user, activity_id)


@router.post("/capacity/{activity_id}/participants", response_class=HTMLResponse, response_model=None)
async def add_participant(request: Request, activity_id: int, session: DbSession, user: Writer) -> Any:
    values = await form_values(request)
    data = {
        "staff_member_id": optional_int(values.get("staff_member_id")),
        "partner_name": values.get("partner_name", ""),
        "role": values.get("role", ""),
    }
    outcome = attempt(
        session,
        lambda: service.add_participant(session, user, activity_id, parse(schemas.ParticipantIn, data)),
    )
    if isinstance(outcome, DomainError):
        return _detail(request, session, user, activity_id, outcome)
    return redirect(f"/capacity/{activity_id}")


@router.post("/capacity/{activity_id}/status", response_class=HTMLResponse, response_model=None)
async def change_status(request: Request, activity_id: int, session: DbSession, user: Writer) -> Any:
    """Move the activity to one of its kind's next statuses, with its outcome; refused, the reason."""
    values = await form_values(request)
    data = {"status": values.get("status", ""), "outcome": values.get("outcome", "")}
    outcome = attempt(
        session, lambda: service.change_status(session, user, activity_id, parse(schemas.StatusIn, data))
    )
    if isinstance(outcome, DomainError):
        return _detail(request, session, user, activity_id, outcome)
    return redirect(f"/capacity/{activity_id}")
