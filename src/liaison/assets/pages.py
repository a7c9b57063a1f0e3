"""Pages of the asset register: the list, an asset's file with its history, and the forms that
record an asset, move it and name it in a request. Same service calls as the API; a refused form
is shown again with the reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from liaison.assets import schemas, service
from liaison.assets.vocabulary import vocabulary
from liaison.core.errors import DomainError, Invalid
from liaison.core.models import User
from liaison.core.security.policy import handling_codes
from liaison.core.web import DbSession, Permission
from liaison.requests import pages as request_pages
from liaison.requests import service as requests_service
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    SortQuery,
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
NAV = (NavItem("Assets", "/assets", service.READ),)

Reader = Annotated[User, Depends(Permission(service.READ))]
Writer = Annotated[User, Depends(Permission(service.WRITE))]
ASSET_FIELDS = (
    "kind", "name", "country", "institution", "iban", "account_number", "registration_number", "address",
    "imo_number", "wallet_address", "value", "currency", "description",
)  # fmt: skip


def _context(**values: Any) -> dict[str, Any]:
    return {"vocab": vocabulary(), "codes": handling_codes().codes, **values}


@router.get("/assets", response_class=HTMLResponse)
def asset_list(
    request: Request,
    session: DbSession,
    user: Reader,
    status: Annotated[str, Query(max_length=40)] = "",
    kind: Annotated[str, Query(max_length=40)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
    sort: SortQuery = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    query = service.AssetQuery(status=status, kind=kind, country=country)
    offset = (page - 1) * PAGE_SIZE
    sort = sort or None
    assets, total = service.list_assets(session, user, query, limit=PAGE_SIZE, offset=offset, sort=sort)
    filters = {"status": status, "kind": kind, "country": country, "sort": sort}
    listed = {"assets": assets, "total": total, "pager": pager(page, total), "filters": filters}
    context = _context(**listed, default_sort=service.DEFAULT_SORT)
    return render(request, "assets/list.html", context)


@router.get("/assets/new", response_class=HTMLResponse)
def new_asset_page(
    request: Request, user: Writer, owner_subject_id: Annotated[str, Query(max_length=20)] = ""
) -> HTMLResponse:
    return render(request, "assets/new.html", _context(form={"owner_subject_id": owner_subject_id}))


def _asset_from_form(values: dict[str, str]) -> schemas.AssetIn:
    data: dict[str, Any] = {field: values.get(field, "") for field in ASSET_FIELDS}
    data |= {field: data[field].strip().upper() for field in ("country", "currency")}
    data["value"] = data["value"].replace(",", "").replace(" ", "")
    data |= {
        "owner_subject_id": optional_int(values.get("owner_subject_id")),
        "owner_asset_id": optional_int(values.get("owner_asset_id")),
        "value_date": optional_date(values.get("value_date")),
        "identified_on": optional_date(values.get("identified_on")),
        "handling_code": values.get("handling_code") or "H0",
    }
    return parse(schemas.AssetIn, data)


@router.post("/assets", response_class=HTMLResponse, response_model=None)
async def create_asset(request: Request, session: DbSession, user: Writer) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    asset = attempt(session, lambda: service.create_asset(session, user, _asset_from_form(values)))
    if isinstance(asset, DomainError):
        context = _context(form=values, error=asset.detail, fields=getattr(asset, "fields", {}))
        return render(request, "assets/new.html", context, status_code=asset.status)
    return redirect(f"/assets/{asset.id}")


def _detail(
    request: Request, session: DbSession, user: User, asset_id: int, error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    asset = service.asset_out(service.get_asset(session, user, asset_id))
    context = _context(asset=asset, error=error.detail if error else None, form=form or {})
    return render(request, "assets/detail.html", context, status_code=error.status if error else 200)


@router.get("/assets/{asset_id}", response_class=HTMLResponse)
def asset_detail(request: Request, asset_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _detail(request, session, user, asset_id)


async def _post(request: Request, session: DbSession, user: User, asset_id: int, action: Any) -> Any:
    """Run one form's service call; on a domain error show the asset again with the reason."""
    values = await form_values(request)
    outcome = attempt(session, lambda: action(values))
    if isinstance(outcome, DomainError):
        return _detail(request, session, user, asset_id, outcome, values)
    return redirect(f"/assets/{asset_id}")


@router.post("/assets/{asset_id}/status", response_class=HTMLResponse, response_model=None)
async def change_status(request: Request, asset_id: int, session: DbSession, user: Writer) -> Any:
    def action(values: dict[str, str]) -> object:
        data = {
            "status": values.get("status", ""),
            "effective_on": optional_date(values.get("effective_on")),
            "request_id": optional_int(values.get("request_id")),
            "decision": values.get("decision", ""),
            "note": values.get("note", ""),
        }
        return service.change_status(session, user, asset_id, parse(schemas.StatusChangeIn, data))

    return await _post(request, session, user, asset_id, action)


@router.post("/assets/{asset_id}/requests", response_class=HTMLResponse, response_model=None)
async def link_request(request: Request, asset_id: int, session: DbSession, user: Writer) -> Any:
    def action(values: dict[str, str]) -> object:
        data = {"request_id": optional_int(values.get("request_id")), "action": values.get("action", "")}
        return service.link_request(session, user, asset_id, parse(schemas.RequestLinkIn, data))

    return await _post(request, session, user, asset_id, action)


@router.post("/requests/{request_id}/assets", response_class=HTMLResponse, response_model=None)
async def name_in_request(request: Request, request_id: int, session: DbSession, user: Writer) -> Any:
    """The request page's form: name an asset of its person sought; refused, the request page again."""
    values = await form_values(request)

    def action() -> object:
        data: dict[str, Any] = {"request_id": request_id, "action": values.get("action", "")}
        asset_id = optional_int(values.get("asset_id"))
        if not isinstance(asset_id, int) or not 0 < asset_id < 2**31:
            raise Invalid("Choose the asset to name.", fields={"asset_id": "an asset in the register"})
        return service.link_request(session, user, asset_id, parse(schemas.RequestLinkIn, data))

    outcome = attempt(session, action)
    if isinstance(outcome, DomainError):
        record = requests_service.get_request(session, user, request_id)
        context = request_pages.detail_context(session, user, record) | {"error": outcome.detail}
        return render(request, "requests/detail.html", context, status_code=outcome.status)
    return redirect(f"/requests/{request_id}")
