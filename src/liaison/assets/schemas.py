"""What the API reads and writes about assets. Inputs check shape and length only; the service
checks meaning (kinds, identifiers, currencies, countries, status steps) so forms, the API and the
FollowTheMoney import obey the same rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from liaison.assets.values import REGISTRY_NUMBER_OR_EMPTY, country_codes, currencies
from liaison.assets.vocabulary import vocabulary
from liaison.core.schemas import Documented, HandlingCode, Input, Name, Output, ShortText
from liaison.core.vocab import Codes, codes_of

Code = Annotated[str, StringConstraints(max_length=40)]
Text = Annotated[str, StringConstraints(max_length=5000)]
AssetKind = Annotated[Code, Codes(codes_of(lambda: vocabulary().kinds))]
AssetStatus = Annotated[Code, Codes(codes_of(lambda: vocabulary().statuses))]
RequestAction = Annotated[Code, Codes(codes_of(lambda: vocabulary().request_actions))]
# A decimal amount as text ("1250000.50") so no client loses cents to a float; empty: unknown.
Amount = Annotated[
    str, StringConstraints(max_length=30), Documented(pattern=r"^([0-9]{1,15}(\.[0-9]{1,2})?)?$")
]
Currency = Annotated[str, StringConstraints(max_length=3), Codes(lambda: sorted(currencies()), empty=True)]
Country = Annotated[str, StringConstraints(max_length=2), Codes(lambda: sorted(country_codes()), empty=True)]
RegistryNumber = Annotated[
    str, StringConstraints(max_length=80), Documented(pattern=REGISTRY_NUMBER_OR_EMPTY)
]


class AssetIn(Input):
    kind: AssetKind = Field(
        description="bank_account, real_estate, vehicle, vessel, company, crypto_wallet ..."
    )
    name: Name = Field(description="What the asset is called (bank and account, property, vessel's name).")
    owner_subject_id: int | None = Field(default=None, description="The person sought who owns it.")
    owner_asset_id: int | None = Field(
        default=None, description="Or the company in the register (controlled by a subject) that owns it."
    )
    country: Country = Field(default="", description="Where it is held (ISO 3166-1 alpha-2).")
    institution: ShortText = Field(default="", description="The bank, registry or custodian holding it.")
    iban: Annotated[str, StringConstraints(max_length=50)] = ""
    account_number: RegistryNumber = ""
    registration_number: RegistryNumber = ""
    address: Annotated[str, StringConstraints(max_length=300)] = ""
    imo_number: Annotated[str, StringConstraints(max_length=12)] = ""
    wallet_address: Annotated[str, StringConstraints(max_length=100)] = ""
    value: Amount = Field(default="", description="Estimated value, a decimal number (empty: unknown).")
    currency: Currency = Field(default="", description="ISO 4217.")
    value_date: date | None = Field(default=None, description="The date of the estimate.")
    identified_on: date | None = Field(default=None, description="When it was identified (default today).")
    description: Text = ""
    handling_code: HandlingCode = "H0"


class AssetPatch(Input):
    """A new estimate or corrected particulars; identifiers and owner stay as recorded."""

    name: Name | None = None
    institution: ShortText | None = None
    value: Amount | None = None
    currency: Currency | None = None
    value_date: date | None = None
    description: Text | None = None


class StatusChangeIn(Input):
    status: AssetStatus
    effective_on: date | None = Field(default=None, description="The date it took effect (default today).")
    request_id: int | None = Field(default=None, description="The request that caused it.")
    decision: ShortText = Field(default="", description="Or the decision or order that caused it.")
    note: Text = ""


class RequestLinkIn(Input):
    request_id: int
    action: RequestAction = Field(description="What the request asks of the asset: trace, freeze ...")


class StatusChangeOut(Output):
    from_status: str
    to_status: str
    effective_on: date
    request_id: int | None
    decision: str
    actor: str
    at: datetime
    note: str


class RequestLinkOut(Output):
    request_id: int
    action: str
    actor: str
    created_at: datetime


class AssetSummary(Output):
    id: int
    kind: str
    name: str
    status: str
    owner_subject_id: int | None
    owner_asset_id: int | None
    country: str
    value: str | None
    currency: str
    value_date: date | None
    handling_code: str


class AssetOut(AssetSummary):
    institution: str
    iban: str
    account_number: str
    registration_number: str
    address: str
    imo_number: str
    wallet_address: str
    description: str
    owning_unit: str
    source: str
    status_changes: list[StatusChangeOut]
    request_links: list[RequestLinkOut]
    allowed_statuses: list[str]


class FigureRow(Output):
    year: int
    status: str
    status_label: str
    assets: int
    value: str


class Figures(Output):
    """Values that reached frozen, confiscated, returned or shared, by year, in one currency."""

    currency: str
    rates_source: str
    rates: dict[str, str]
    rows: list[FigureRow]
    totals: dict[str, str]
    not_converted: int


class ImportReport(Output):
    created: int
    updated: int
    skipped: int
