"""Assets as FollowTheMoney entities (JSON lines), out and in.

Each asset is an entity of its kind's schema (`vocab/assets.yaml`: BankAccount, RealEstate,
Vehicle, Vessel, Company, CryptoWallet, Asset) with `name`, `country`, `amount`, `currency`, its
identifiers (`iban`, `accountNumber`, `registrationNumber`, `address`, `imoNumber`, `publicKey`)
and `bankName` for the institution; the estimate's date is `balanceDate` where the schema has it
(bank accounts, wallets), else `retrievedAt` (when the estimate was obtained). Its owner is an
`Ownership` entity whose `owner` is the subject's entity (`liaison-subject-<id>`, or the id it
was imported with) or the owning company.

The import reads a whole file and stores it in the caller's transaction: every asset goes through
`service.create_asset`, so an IBAN with a wrong check digit, an unknown currency or an owner the
reader may not read refuses the file with the line and the reason, and nothing is saved. An
entity already imported (same id) is skipped.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from followthemoney import model
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.assets import schemas, service, values
from liaison.assets.models import Asset
from liaison.assets.vocabulary import vocabulary
from liaison.core import audit
from liaison.core.errors import DomainError, Invalid
from liaison.core.records import today
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.subjects.models import Subject

SOURCE = "ftm"
PROPERTIES = {  # asset column: FtM property
    "iban": "iban",
    "account_number": "accountNumber",
    "registration_number": "registrationNumber",
    "address": "address",
    "imo_number": "imoNumber",
    "wallet_address": "publicKey",
    "institution": "bankName",
    "description": "description",
}
SUBJECT_PREFIX = "liaison-subject-"


def _date_property(schema_name: str) -> str:
    schema = model.get(schema_name)
    return "balanceDate" if schema is not None and "balanceDate" in schema.properties else "retrievedAt"


def asset_entity_id(asset: Asset) -> str:
    return asset.source_id if asset.source == SOURCE and asset.source_id else f"liaison-asset-{asset.id}"


def _subject_entity_id(session: Session, subject_id: int) -> str:
    subject = session.get(Subject, subject_id)
    if subject is not None and subject.source == SOURCE and subject.source_id:
        return subject.source_id
    return f"{SUBJECT_PREFIX}{subject_id}"


def entities(session: Session, asset: Asset) -> list[dict[str, Any]]:
    """The asset and its ownership as FtM entity dictionaries."""
    schema = model.get(vocabulary().kinds[asset.kind].ftm_schema)
    assert schema is not None  # the vocabulary checked it
    entity = model.make_entity(schema)
    entity.id = asset_entity_id(asset)
    entity.add("name", asset.name)
    if asset.country:
        entity.add("country", asset.country.lower())
    amount = values.from_minor(asset.value_minor)
    if amount is not None:
        entity.add("amount", str(amount))
        entity.add("currency", asset.currency)
        if asset.value_date is not None:
            entity.add(_date_property(schema.name), asset.value_date.isoformat())
    for column, prop in PROPERTIES.items():
        if getattr(asset, column) and prop in schema.properties:
            entity.add(prop, getattr(asset, column))
    found = [entity.to_dict()]
    owner = (
        _subject_entity_id(session, asset.owner_subject_id)
        if asset.owner_subject_id is not None
        else f"liaison-asset-{asset.owner_asset_id}"
        if asset.owner_asset_id is not None
        else None
    )
    if owner is not None:
        ownership = model.make_entity("Ownership")
        ownership.id = f"{entity.id}-ownership"
        ownership.add("owner", owner)
        ownership.add("asset", entity.id)
        found.append(ownership.to_dict())
    return found


def export_assets(session: Session, actor: Actor, out: TextIO) -> int:
    """Every asset the actor may read, owners' companies first; audited. Returns the count."""
    ensure(actor, service.EXPORT)
    assets = list(
        session.scalars(
            select(Asset)
            .where(gate.readable(actor, Asset))
            .order_by(Asset.owner_asset_id.is_not(None), Asset.id)
        )
    )
    for asset in assets:
        for entity in entities(session, asset):
            out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
    audit.record_read(session, actor.username, "asset", "*", detail=f"export ftm: {len(assets)}",
                      protected=service.found_among(actor, assets))  # fmt: skip
    return len(assets)


def _read(text: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            raise Invalid(
                "Line {line}: not a JSON object.", line=number, fields={"file": "JSON lines"}
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("schema"), str):
            raise Invalid(
                "Line {line}: not a FollowTheMoney entity.", line=number, fields={"file": "JSON lines"}
            )
        rows.append((number, data))
    return rows


def _first(data: dict[str, Any], prop: str) -> str:
    found = (data.get("properties") or {}).get(prop) or []
    return str(found[0]) if isinstance(found, list) and found else ""


def _owners(rows: list[tuple[int, dict[str, Any]]]) -> dict[str, str]:
    """Asset entity id → owner entity id, from the file's Ownership entities."""
    return {
        _first(data, "asset"): _first(data, "owner") for _, data in rows if data.get("schema") == "Ownership"
    }


def _owner_fields(session: Session, owner: str, stored: dict[str, int]) -> dict[str, int | None]:
    if owner in stored:
        return {"owner_asset_id": stored[owner]}
    if owner.startswith(SUBJECT_PREFIX) and owner[len(SUBJECT_PREFIX) :].isdigit():
        return {"owner_subject_id": int(owner[len(SUBJECT_PREFIX) :])}
    subject_id = session.scalar(
        select(Subject.id).where(Subject.source == SOURCE, Subject.source_id == owner)
    )
    if subject_id is not None:
        return {"owner_subject_id": subject_id}
    company = session.scalar(select(Asset.id).where(Asset.source == SOURCE, Asset.source_id == owner))
    if owner.startswith("liaison-asset-") and owner[len("liaison-asset-") :].isdigit():
        company = int(owner[len("liaison-asset-") :])
    return {"owner_asset_id": company}


def import_assets(
    session: Session, actor: Actor, text: str, handling_code: str = "H0"
) -> schemas.ImportReport:
    """Store the file's assets, companies first, or none: `Invalid` names the line and the reason."""
    ensure(actor, service.IMPORT)
    by_schema = {kind.ftm_schema: code for code, kind in vocabulary().kinds.items()}
    rows = _read(text)
    owners = _owners(rows)
    assets = [(n, d) for n, d in rows if d["schema"] in by_schema]
    assets.sort(key=lambda row: row[1]["schema"] != "Company")
    stored: dict[str, int] = {}
    created = skipped = 0
    for number, data in assets:
        entity_id = str(data.get("id") or "")
        existing = session.scalar(
            select(Asset.id).where(Asset.source == SOURCE, Asset.source_id == entity_id)
        )
        if existing is not None:
            stored[entity_id] = existing
            skipped += 1
            continue
        fields: dict[str, Any] = {
            column: _first(data, prop) for column, prop in PROPERTIES.items() if _first(data, prop)
        }
        fields |= {
            "kind": by_schema[data["schema"]],
            "name": _first(data, "name") or entity_id,
            "country": _first(data, "country").upper(),
            "value": _first(data, "amount"),
            "currency": _first(data, "currency").upper(),
            "value_date": _first(data, _date_property(data["schema"]))[:10] or None,
            "handling_code": handling_code,
        }
        fields |= _owner_fields(session, owners.get(entity_id, ""), stored)
        try:
            if fields["value"] and not fields["value_date"]:
                fields["value_date"] = today()
            body = schemas.AssetIn.model_validate(fields)
            asset = service.create_asset(session, actor, body, source=SOURCE, source_id=entity_id or None)
        except DomainError as error:
            raise Invalid("Line {line}: {reason}", line=number, reason=error.detail,
                          fields={"file": error.detail}) from error  # fmt: skip
        except ValueError as error:
            raise Invalid("Line {line}: {reason}", line=number, reason=str(error),
                          fields={"file": str(error)}) from error  # fmt: skip
        stored[entity_id] = asset.id
        created += 1
    audit.record(
        session,
        actor.username,
        "import",
        "asset",
        SOURCE,
        detail=f"ftm: {created} created, {skipped} skipped",
    )
    return schemas.ImportReport(created=created, updated=0, skipped=skipped)
