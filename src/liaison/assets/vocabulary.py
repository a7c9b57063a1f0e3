"""The asset register's vocabularies (`vocab/assets.yaml`), loaded and validated once: asset
kinds with their FollowTheMoney schema and identifier fields, the status machine, what a request
does to the assets it names, and the rates figures are converted with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.numbers import list_currencies
from followthemoney import model as ftm_model
from pydantic import BaseModel, Field, model_validator

from liaison.core.vocab import Label, Status, check_machine, load_vocabulary

VOCAB_FILE = Path(__file__).resolve().parent / "vocab" / "assets.yaml"
IDENTIFIER_FIELDS = (
    "iban",
    "account_number",
    "registration_number",
    "address",
    "imo_number",
    "wallet_address",
)


class AssetKind(Label):
    ftm_schema: str
    identifiers: list[str] = Field(default_factory=list)


class RequestAction(Label):
    request_kinds: list[str]
    when: dict[str, str]


class Rate(BaseModel):
    rate: Decimal
    dated: date


class AssetVocabulary(BaseModel):
    kinds: dict[str, AssetKind]
    identifier_fields: dict[str, Label]
    initial_status: str
    statuses: dict[str, Status]
    final: list[str]
    request_actions: dict[str, RequestAction]
    reporting_currency: str
    rates_source: str
    rates: dict[str, Rate]

    @model_validator(mode="after")
    def _consistent(self) -> AssetVocabulary:
        if self.initial_status not in self.statuses:
            raise ValueError(f"initial_status {self.initial_status!r} is not one of the statuses")
        check_machine(self.statuses, "statuses", self.final)
        if sorted(self.identifier_fields) != sorted(IDENTIFIER_FIELDS):
            raise ValueError(f"identifier_fields must be exactly {list(IDENTIFIER_FIELDS)}")
        for code, kind in self.kinds.items():
            if ftm_model.get(kind.ftm_schema) is None:
                raise ValueError(f"kind {code!r}: {kind.ftm_schema!r} is not a FollowTheMoney schema")
            unknown = sorted(set(kind.identifiers) - set(IDENTIFIER_FIELDS))
            if unknown:
                raise ValueError(f"kind {code!r} names unknown identifier fields {unknown}")
        for code, action in self.request_actions.items():
            unknown = sorted(set(action.when.values()) - set(self.statuses))
            if unknown:
                raise ValueError(f"request action {code!r} leads to unknown statuses {unknown}")
        currencies = set(list_currencies())
        for currency in [self.reporting_currency, *self.rates]:
            if currency not in currencies:
                raise ValueError(f"{currency!r} is not an ISO 4217 currency code")
        if self.reporting_currency not in self.rates:
            raise ValueError("rates must include the reporting currency")
        return self


@lru_cache
def vocabulary() -> AssetVocabulary:
    return load_vocabulary(VOCAB_FILE, AssetVocabulary)
