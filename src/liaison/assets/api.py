"""JSON routes of the asset register, under /api/v1. Each parses, calls the service, answers."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from liaison.assets import schemas, service, transfer
from liaison.core.listing import sorted_by
from liaison.core.models import User
from liaison.core.schemas import HandlingCode, Page
from liaison.core.web import DbSession, Permission, upload_text

router = APIRouter(tags=["assets"])

Reader = Annotated[User, Depends(Permission(service.READ))]
Writer = Annotated[User, Depends(Permission(service.WRITE))]
Importer = Annotated[User, Depends(Permission(service.IMPORT))]
Exporter = Annotated[User, Depends(Permission(service.EXPORT))]
Code = Annotated[str, Query(max_length=40)]
Id = Annotated[int | None, Query(ge=1, le=2**63 - 1)]


@router.get("/assets", response_model=Page[schemas.AssetSummary])
def list_assets(
    session: DbSession,
    user: Reader,
    status: Code = "",
    kind: Code = "",
    country: Annotated[str, Query(max_length=2)] = "",
    owner_subject_id: Id = None,
    request_id: Id = None,
    sort: Annotated[str | None, Query(max_length=40), sorted_by(service.SORTS)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[schemas.AssetSummary]:
    """Assets you may read (an asset of a person sought you may not read is not listed), by
    `status`, `kind`, `country` where held, owner (`owner_subject_id`, including what the
    companies it owns hold) or the `request_id` naming them. Audited."""
    query = service.AssetQuery(status, kind, country, owner_subject_id, request_id)
    rows, total = service.list_assets(session, user, query, limit=limit, offset=offset, sort=sort)
    return Page(items=[service.summary_out(a) for a in rows], total=total, limit=limit, offset=offset)


@router.post("/assets", response_model=schemas.AssetOut, status_code=201)
def create_asset(body: schemas.AssetIn, session: DbSession, user: Writer) -> schemas.AssetOut:
    """Record an asset: its owner, where it is held, its identifiers (an IBAN's check digits, an
    IMO number's check digit and a wallet address's shape are checked) and an estimate with its
    currency and date. It takes the handling code of its owner when that is stricter."""
    return service.asset_out(service.create_asset(session, user, body))


@router.get("/assets/figures", response_model=schemas.Figures)
def asset_figures(
    session: DbSession, user: Reader, country: Annotated[str, Query(max_length=2)] = ""
) -> schemas.Figures:
    """Value frozen, confiscated, returned and shared by year, converted to one currency at the
    rates stated, for the assets held in `country` (or all). Only assets you may read count."""
    return service.figures(session, user, country)


@router.get(
    "/assets/export",
    response_class=Response,
    responses={200: {"description": "The assets", "content": {"application/x-ndjson": {}}}},
)
def export_assets(session: DbSession, user: Exporter) -> Response:
    """Every asset you may read as FollowTheMoney JSON lines (the asset and its `Ownership`). Audited."""
    out = io.StringIO()
    transfer.export_assets(session, user, out)
    return Response(
        out.getvalue(),
        media_type="application/x-ndjson",
        headers={"content-disposition": 'attachment; filename="assets.jsonl"'},
    )


@router.post("/assets/import", response_model=schemas.ImportReport)
async def import_assets(
    session: DbSession,
    user: Importer,
    file: Annotated[UploadFile, File(description="FollowTheMoney JSON lines, UTF-8.")],
    handling_code: Annotated[HandlingCode, Query(max_length=2)] = "H0",
) -> schemas.ImportReport:
    """Import assets from FollowTheMoney entities (BankAccount, RealEstate, Vehicle, Vessel,
    Company, CryptoWallet, Asset, with their Ownership) in this request's transaction: an IBAN
    with a wrong check digit, an unknown currency or owner refuses the file, naming the line."""
    return transfer.import_assets(session, user, await upload_text(file), handling_code)


@router.get("/assets/{asset_id}", response_model=schemas.AssetOut)
def get_asset(asset_id: int, session: DbSession, user: Reader) -> schemas.AssetOut:
    """One asset with its dated status history and the requests naming it. Audited."""
    return service.asset_out(service.get_asset(session, user, asset_id))


@router.patch("/assets/{asset_id}", response_model=schemas.AssetOut)
def update_asset(
    asset_id: int, body: schemas.AssetPatch, session: DbSession, user: Writer
) -> schemas.AssetOut:
    """A new estimate (value, currency and date together) or corrected particulars."""
    return service.asset_out(service.update_asset(session, user, asset_id, body))


@router.post("/assets/{asset_id}/status", response_model=schemas.AssetOut)
def change_status(
    asset_id: int, body: schemas.StatusChangeIn, session: DbSession, user: Writer
) -> schemas.AssetOut:
    """One dated step (traced, frozen, confiscated ...) naming the request or decision behind it;
    409 lists the steps allowed from here."""
    return service.asset_out(service.change_status(session, user, asset_id, body))


@router.post("/assets/{asset_id}/requests", response_model=schemas.RequestLinkOut, status_code=201)
def link_request(
    asset_id: int, body: schemas.RequestLinkIn, session: DbSession, user: Writer
) -> schemas.RequestLinkOut:
    """Name this asset in a tracing, freezing or confiscation request: when the request is
    executed (or answered), the asset takes the status its action leads to."""
    return schemas.RequestLinkOut.model_validate(service.link_request(session, user, asset_id, body))
