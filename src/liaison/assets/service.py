"""The logic of the asset register: plain functions `(session, actor, ...)` used alike by the
API, the pages, the FollowTheMoney import and the demo.

- An asset takes the strictest handling code of itself, its owning subject and its owning
  company (`gate.inherit`), so the asset of an H3 person sought is hidden from whoever cannot read
  that person. Every output passes the gate: gets answer a hidden asset as missing, lists and
  figures filter with `gate.readable` in SQL.
- Status moves follow `vocab/assets.yaml` (identified → traced → frozen → confiscated →
  returned or shared, or released); each step is dated and names the request or decision that
  caused it. A request linked to an asset moves it when the request reaches the state its action
  lists (`on_request_transitioned`, subscribed to `RequestTransitioned` inside the request's own
  transaction): a step out of order refuses the request's transition too, so nothing is half-done.
- Every write is audited, and every read of an asset (they are sensitive, as their owners are).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from liaison.assets import values
from liaison.assets.models import Asset, AssetRequestLink, AssetStatusChange
from liaison.assets.schemas import (
    AssetIn,
    AssetOut,
    AssetPatch,
    AssetSummary,
    FigureRow,
    Figures,
    RequestLinkIn,
    RequestLinkOut,
    StatusChangeIn,
    StatusChangeOut,
)
from liaison.assets.vocabulary import vocabulary
from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, FieldName, Invalid, Phrase
from liaison.core.events import RequestTransitioned
from liaison.core.listing import apply_sort, paginate
from liaison.core.records import snapshot, today
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import allowed_next, check_move, require
from liaison.requests.models import CooperationRequest

READ, WRITE, IMPORT, EXPORT = "assets.read", "assets.write", "assets.import", "assets.export"
DEFAULT_SORT = "name"  # the list page's headers show it too
SORTS = {"name": Asset.name, "status": Asset.status, "id": Asset.id, "updated": Asset.updated_at}
IDENTIFIERS = ("iban", "account_number", "registration_number", "address", "imo_number", "wallet_address")
UNIQUE_IDENTIFIERS = ("iban", "wallet_address", "imo_number")
PATCHABLE = ("name", "institution", "value_minor", "currency", "value_date", "description")
COUNTED = ("frozen", "confiscated", "returned", "shared")


# --- checking input --------------------------------------------------------------------------


class _Problems:
    """Every problem of one input as {field: reason}, so a user sees them all at once."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def clean(self, field: str, check: Any, text: Any) -> Any:
        try:
            return check(text)
        except ValueError as error:
            self.found[field] = str(error)
            return None

    def raise_if_any(self) -> None:
        if self.found:
            field, reason = next(iter(self.found.items()))
            raise Invalid(
                "The asset is not valid: {field}: {reason}",
                field=FieldName(field),
                reason=reason,
                fields=dict(self.found),
            )


def _valuation(problems: _Problems, value: str, currency: str, value_date: date | None) -> dict[str, Any]:
    """The value in minor units and its currency and date: all three, or no value at all."""
    if not value.strip():
        return {"value_minor": None, "currency": "", "value_date": None}
    amount = problems.clean("value", values.clean_value, value)
    code = problems.clean("currency", values.clean_currency, currency) if currency else None
    if not currency:
        problems.found["currency"] = "the currency is required with a value"
    if value_date is None:
        problems.found["value_date"] = "the date of the estimate is required with a value"
    elif value_date > today():
        problems.found["value_date"] = "an estimate cannot be dated in the future"
    return {
        "value_minor": values.minor_units(amount) if amount is not None else None,
        "currency": code or "",
        "value_date": value_date,
    }


def clean_asset(data: AssetIn) -> dict[str, Any]:
    """The asset's columns, checked and normalised; `Invalid` naming every field at fault."""
    vocab = vocabulary()
    require(vocab.kinds, data.kind, "kind")
    kind = vocab.kinds[data.kind]
    problems = _Problems()
    row: dict[str, Any] = {
        "kind": data.kind,
        "name": " ".join(data.name.split()),
        "country": problems.clean("country", values.clean_country, data.country),
        "institution": data.institution,
        "description": data.description,
        "handling_code": data.handling_code,
    }
    for field in IDENTIFIERS:
        text = getattr(data, field)
        row[field] = problems.clean(field, values.CLEANERS[field], text) if text.strip() else ""
    if kind.identifiers and not any(row[f] for f in kind.identifiers) and not problems.found:
        for field in kind.identifiers:
            problems.found[field] = "give at least one identifier of this kind of asset"
    extra = [f for f in IDENTIFIERS if row[f] and f not in kind.identifiers and f != "address"]
    for field in extra:
        problems.found[field] = "this kind of asset is not identified by this field"
    row |= _valuation(problems, data.value, data.currency, data.value_date)
    if data.owner_subject_id is None and data.owner_asset_id is None:
        problems.found["owner_subject_id"] = "name the person sought or the company that owns it"
    problems.raise_if_any()
    return row


# --- reading ---------------------------------------------------------------------------------


def _readable(session: Session, actor: Actor, asset_id: int, action: str = READ) -> Asset:
    """An asset the actor's role may act on and the gate lets them read; hidden answers as missing."""
    ensure(actor, READ)
    if action != READ:
        ensure(actor, action)
    return gate.get_readable(session, actor, Asset, asset_id, "asset")


def get_asset(session: Session, actor: Actor, asset_id: int) -> Asset:
    asset = _readable(session, actor, asset_id)
    audit.record_read(session, actor.username, "asset", asset.id, protected=asset)
    return asset


@dataclass
class AssetQuery:
    status: str = ""
    kind: str = ""
    country: str = ""
    owner_subject_id: int | None = None
    request_id: int | None = None


def _query(actor: Actor, query: AssetQuery) -> Select[Any]:
    statement = select(Asset).where(gate.readable(actor, Asset))
    if query.status:
        statement = statement.where(Asset.status == query.status)
    if query.kind:
        statement = statement.where(Asset.kind == query.kind)
    if query.country:
        statement = statement.where(Asset.country == query.country.upper())
    if query.owner_subject_id is not None:
        owned = select(Asset.id).where(Asset.owner_subject_id == query.owner_subject_id)
        statement = statement.where(
            (Asset.owner_subject_id == query.owner_subject_id) | Asset.owner_asset_id.in_(owned)
        )
    if query.request_id is not None:
        linked = select(AssetRequestLink.asset_id).where(AssetRequestLink.request_id == query.request_id)
        statement = statement.where(Asset.id.in_(linked))
    return statement


def list_assets(
    session: Session, actor: Actor, query: AssetQuery, *, limit: int = 50, offset: int = 0,
    sort: str | None = None,
) -> tuple[list[Asset], int]:  # fmt: skip
    """Assets the actor may read that match `query`, a page at a time; audited."""
    ensure(actor, READ)
    statement = apply_sort(_query(actor, query), sort, SORTS, DEFAULT_SORT)
    assets, total = paginate(session, statement, limit, offset)
    detail = ", ".join(f"{k}={v}" for k, v in vars(query).items() if v not in ("", None)) or "list"
    audit.record_read(
        session, actor.username, "asset", "*", detail=f"search {detail}: {total} found"[:500],
        protected=found_among(actor, assets),
    )  # fmt: skip
    return assets, total


def found_among(actor: Actor, assets: list[Asset]) -> gate.Referenced | None:
    """What a list event inherits: the strictest code among the assets shown, owned by the reader's unit."""
    code = gate.strictest(*(a.handling_code for a in assets))
    if not assets or gate.scope_of(code) == "everyone":
        return None
    return gate.Referenced(0, actor.unit, code)


def _value_text(asset: Asset) -> str | None:
    amount = values.from_minor(asset.value_minor)
    return None if amount is None else str(amount)


def summary_out(asset: Asset) -> AssetSummary:
    return AssetSummary(
        id=asset.id, kind=asset.kind, name=asset.name, status=asset.status,
        owner_subject_id=asset.owner_subject_id, owner_asset_id=asset.owner_asset_id,
        country=asset.country, value=_value_text(asset), currency=asset.currency,
        value_date=asset.value_date, handling_code=asset.handling_code,
    )  # fmt: skip


def asset_out(asset: Asset) -> AssetOut:
    summary = summary_out(asset).model_dump()
    return AssetOut(
        **summary,
        **snapshot(asset, (*IDENTIFIERS, "institution", "description", "owning_unit", "source")),
        status_changes=[StatusChangeOut.model_validate(c) for c in asset.status_changes],
        request_links=[RequestLinkOut.model_validate(link) for link in asset.request_links],
        allowed_statuses=allowed_next(vocabulary().statuses, asset.status),
    )


# --- changing --------------------------------------------------------------------------------


def _owners(session: Session, actor: Actor, data: AssetIn) -> list[gate.ProtectedRecord]:
    """The subject and company the asset belongs to, each readable by the writer (else missing)."""
    owners: list[gate.ProtectedRecord] = []
    if data.owner_subject_id is not None:
        owners += gate.get_all_readable(session, actor, "subject", [data.owner_subject_id], "subject")
    if data.owner_asset_id is not None:
        company = gate.get_readable(session, actor, Asset, data.owner_asset_id, "asset")
        if company.kind != "company":
            raise Invalid(
                "Asset {asset_id} is not a company and cannot own assets.",
                asset_id=company.id,
                fields={"owner_asset_id": "a company in the register"},
            )
        owners.append(company)
    return owners


def _refuse_duplicates(session: Session, row: dict[str, Any], asset_id: int | None = None) -> None:
    """One IBAN, wallet address or IMO number is one asset, whoever recorded it first."""
    for field in UNIQUE_IDENTIFIERS:
        if not row.get(field):
            continue
        found = session.scalar(
            select(Asset.id).where(getattr(Asset, field) == row[field], Asset.id != (asset_id or 0))
        )
        if found is not None:
            raise Conflict(
                "Another asset already has this {field}.", field=FieldName(field), fields={field: row[field]}
            )


def create_asset(session: Session, actor: Actor, data: AssetIn, *, source: str = "manual",
                 source_id: str | None = None) -> Asset:  # fmt: skip
    """Record an asset in its initial status, dated `identified_on` (default today)."""
    ensure(actor, WRITE)
    row = clean_asset(data)
    owners = _owners(session, actor, data)
    _refuse_duplicates(session, row)
    identified_on = data.identified_on or today()
    if identified_on > today():
        raise Invalid(
            "An asset cannot be identified in the future.", fields={"identified_on": "today or earlier"}
        )
    status = vocabulary().initial_status
    asset = Asset(
        **row, status=status, owner_subject_id=data.owner_subject_id, owner_asset_id=data.owner_asset_id,
        owning_unit=actor.unit, source=source, source_id=source_id,
    )  # fmt: skip
    gate.inherit(asset, *owners)
    session.add(asset)
    session.flush()
    session.add(
        AssetStatusChange(
            asset_id=asset.id, to_status=status, effective_on=identified_on, actor=actor.username
        )
    )
    audit.record(session, actor.username, "create", "asset", asset.id, after=row | {"status": status},
                 protected=asset)  # fmt: skip
    session.flush()
    session.refresh(asset)
    return asset


def update_asset(session: Session, actor: Actor, asset_id: int, patch: AssetPatch) -> Asset:
    """A new estimate (value, currency and date together) or corrected particulars."""
    asset = _readable(session, actor, asset_id, WRITE)
    before = snapshot(asset, PATCHABLE)
    changes: dict[str, Any] = {}
    if patch.value is not None:
        problems = _Problems()
        changes |= _valuation(problems, patch.value, patch.currency or "", patch.value_date)
        problems.raise_if_any()
    for field in ("name", "institution", "description"):
        if getattr(patch, field) is not None:
            changes[field] = getattr(patch, field)
    for field, value in changes.items():
        setattr(asset, field, value)
    asset.updated_at = utcnow()
    audit.record(session, actor.username, "update", "asset", asset.id, before=before,
                 after=snapshot(asset, PATCHABLE), protected=asset)  # fmt: skip
    session.flush()
    return asset


def _move(session: Session, actor_name: str, asset: Asset, status: str, effective_on: date,
          request_id: int | None, decision: str, note: str) -> None:  # fmt: skip
    """One dated step of the status machine, refused when out of order or dated before the last."""
    check_move(vocabulary().statuses, asset.status, status, "asset")
    last = max((c.effective_on for c in asset.status_changes), default=None)
    if last is not None and effective_on < last:
        raise Invalid(
            "The step is dated before the asset's last step ({last}).",
            last=last.isoformat(),
            fields={"effective_on": "on or after the last step"},
        )
    if effective_on > today():
        raise Invalid("A step cannot be dated in the future.", fields={"effective_on": "today or earlier"})
    session.add(
        AssetStatusChange(
            asset_id=asset.id, from_status=asset.status, to_status=status, effective_on=effective_on,
            request_id=request_id, decision=decision, actor=actor_name, note=note,
        )
    )  # fmt: skip
    audit.record(
        session, actor_name, "change status", "asset", asset.id, before={"status": asset.status},
        after={"status": status, "effective_on": effective_on, "request_id": request_id,
               "decision": decision},
        protected=asset,
    )  # fmt: skip
    asset.status = status
    asset.updated_at = utcnow()
    session.flush()
    session.expire(asset, ["status_changes"])


def change_status(session: Session, actor: Actor, asset_id: int, data: StatusChangeIn) -> Asset:
    """Move an asset by hand: the step must name the request or the decision that caused it."""
    asset = _readable(session, actor, asset_id, WRITE)
    if data.request_id is None and not data.decision:
        raise Invalid(
            "Name the request or the decision that caused this step.",
            fields={"decision": "a decision's or order's reference, or a request"},
        )
    if data.request_id is not None:
        gate.get_all_readable(session, actor, "request", [data.request_id], "request")
    _move(session, actor.username, asset, data.status, data.effective_on or today(), data.request_id,
          data.decision, data.note)  # fmt: skip
    return asset


def link_request(session: Session, actor: Actor, asset_id: int, data: RequestLinkIn) -> AssetRequestLink:
    """Name this asset in a request that asks `action` of it; the request's kind must be able to ask it."""
    asset = _readable(session, actor, asset_id, WRITE)
    actions = vocabulary().request_actions
    require(actions, data.action, "action")
    gate.get_all_readable(session, actor, "request", [data.request_id], "request")
    request = session.get(CooperationRequest, data.request_id)
    assert request is not None  # readable above
    if request.kind not in actions[data.action].request_kinds:
        raise Invalid(
            "A request of this kind cannot ask to {action} an asset.",
            action=actions[data.action],
            fields={
                "request_id": Phrase(
                    "a request of kind {kinds}", {"kinds": actions[data.action].request_kinds}
                )
            },
        )
    if session.get(AssetRequestLink, (asset.id, request.id)) is not None:
        raise Conflict(
            "Request {request_id} already names asset {asset_id}.", request_id=request.id, asset_id=asset.id
        )
    link = AssetRequestLink(
        asset_id=asset.id, request_id=request.id, action=data.action, actor=actor.username
    )
    session.add(link)
    audit.record(session, actor.username, "link request", "asset", asset.id, after=data.model_dump(),
                 protected=asset)  # fmt: skip
    session.flush()
    session.expire(asset, ["request_links"])
    return link


def assets_for_request(session: Session, actor: Actor, request_id: int) -> list[Asset]:
    """The assets a request names that the actor may read (for the request's pages)."""
    ensure(actor, READ)
    return list_assets(session, actor, AssetQuery(request_id=request_id), limit=500)[0]


def on_request_transitioned(session: Session, event: RequestTransitioned) -> None:
    """A request reached a state: move every asset it names whose action lists that state.

    Runs in the request's transaction; a step the assets' machine refuses (confiscating an asset
    that was never frozen) raises, and the request's transition is refused with it."""
    links = session.scalars(
        select(AssetRequestLink).where(AssetRequestLink.request_id == event.request_id)
    ).all()
    actions = vocabulary().request_actions
    for link in links:
        target = actions[link.action].when.get(event.to_state) if link.action in actions else None
        asset = session.get(Asset, link.asset_id)
        if target is None or asset is None or asset.status == target:
            continue
        _move(session, event.actor, asset, target, today(), event.request_id,
              "", f"request {event.request_id}: {event.transition}")  # fmt: skip


# --- figures ---------------------------------------------------------------------------------


def figures(
    session: Session, actor: Actor, country: str = "", since: date | None = None, until: date | None = None
) -> Figures:
    """Value that became frozen, confiscated, returned or shared each year (the year of the step),
    in the reporting currency at the rates `vocab/assets.yaml` states; values in a currency with no
    rate are counted apart, never guessed. Only assets the actor may read count."""
    ensure(actor, READ)
    vocab = vocabulary()
    statement = (
        select(AssetStatusChange.to_status, AssetStatusChange.effective_on, Asset.value_minor, Asset.currency)
        .join(Asset, Asset.id == AssetStatusChange.asset_id)
        .where(AssetStatusChange.to_status.in_(COUNTED), gate.readable(actor, Asset))
    )
    if country:
        statement = statement.where(Asset.country == country.upper())
    if since is not None:
        statement = statement.where(AssetStatusChange.effective_on >= since)
    if until is not None:
        statement = statement.where(AssetStatusChange.effective_on <= until)
    sums: dict[tuple[int, str], list[Any]] = {}
    not_converted = 0
    for status, effective_on, minor, currency in session.execute(statement):
        rate = vocab.rates.get(currency)
        if minor is None or rate is None:
            not_converted += 1
            continue
        entry = sums.setdefault((effective_on.year, status), [0, Decimal(0)])
        entry[0] += 1
        entry[1] += values.from_minor(minor) * rate.rate  # type: ignore[operator]
    rows = [
        FigureRow(
            year=year,
            status=status,
            status_label=vocab.statuses[status].label(),
            assets=count,
            value=str(total.quantize(Decimal("0.01"))),
        )
        for (year, status), (count, total) in sorted(sums.items())
    ]
    totals = {
        status: str(
            sum((Decimal(r.value) for r in rows if r.status == status), Decimal(0)).quantize(Decimal("0.01"))
        )
        for status in COUNTED
    }
    audit.record_read(session, actor.username, "asset", "*", detail=f"figures {country or 'all'}")
    return Figures(
        currency=vocab.reporting_currency, rates_source=vocab.rates_source,
        rates={code: f"{r.rate} ({r.dated.isoformat()})" for code, r in vocab.rates.items()},
        rows=rows, totals=totals, not_converted=not_converted,
    )  # fmt: skip
