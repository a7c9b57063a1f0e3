"""Checks of the values an asset is identified and valued by, shared by the service and the
FollowTheMoney import: each returns the value cleaned or raises `ValueError` with the reason.

IBANs are checked by `schwifty` (country format and the ISO 7064 check digits); an IMO number by
its own check digit; a wallet address by the shape of the common chains' addresses (Bitcoin
base58 and bech32, Ethereum-style hex, Tron); a registry number by its characters only, since
registries differ by country. Currencies are ISO 4217 codes (Babel's list).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from babel.numbers import list_currencies
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

WALLET_SHAPES = (
    re.compile(r"^(bc1|tb1)[02-9ac-hj-np-z]{11,71}$"),  # bech32 / bech32m
    re.compile(r"^[13][1-9A-HJ-NP-Za-km-z]{25,34}$"),  # Bitcoin base58
    re.compile(r"^0x[0-9a-fA-F]{40}$"),  # Ethereum and EVM chains
    re.compile(r"^T[1-9A-HJ-NP-Za-km-z]{33}$"),  # Tron
)
REGISTRY_NUMBER_OR_EMPTY = r"^([0-9A-Za-z][0-9A-Za-z ./:\-]{0,79})?$"
REGISTRY_NUMBER = re.compile(REGISTRY_NUMBER_OR_EMPTY)


def clean_iban(text: str) -> str:
    try:
        return str(IBAN(text).compact)
    except SchwiftyException as error:
        raise ValueError(f"{text!r} is not a valid IBAN: {error}") from None


def clean_imo_number(text: str) -> str:
    digits = text.upper().removeprefix("IMO").strip()
    if not re.fullmatch(r"\d{7}", digits):
        raise ValueError(f"{text!r} is not an IMO number (seven digits, e.g. IMO 9074729)")
    check = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True)) % 10
    if check != int(digits[6]):
        raise ValueError(f"{text!r} is not an IMO number: the check digit should be {check}")
    return digits


def clean_wallet_address(text: str) -> str:
    cleaned = text.strip()
    if not any(shape.match(cleaned) for shape in WALLET_SHAPES):
        raise ValueError(f"{text!r} is not a Bitcoin, Ethereum-style or Tron wallet address")
    return cleaned


def clean_registration_number(text: str) -> str:
    cleaned = " ".join(text.split())
    if not REGISTRY_NUMBER.match(cleaned):
        raise ValueError(f"{text!r} is not a registry number (letters, digits, spaces and . / : -)")
    return cleaned


def clean_text(text: str) -> str:
    return " ".join(text.split())


CLEANERS = {
    "iban": clean_iban,
    "account_number": clean_registration_number,
    "registration_number": clean_registration_number,
    "address": clean_text,
    "imo_number": clean_imo_number,
    "wallet_address": clean_wallet_address,
}


@lru_cache
def currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def clean_currency(code: str) -> str:
    if code not in currencies():
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (capitals, e.g. USD, CNY, VND)")
    return code


AMOUNT = re.compile(r"[0-9]{1,15}(\.[0-9]{1,2})?")


def clean_value(text: str) -> Decimal:
    """A non-negative amount written with digits and at most two decimals ("1250000.50")."""
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise ValueError("a value cannot be negative")
    if not AMOUNT.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not an amount: digits with at most two decimals, e.g. 1250000.50")
    return Decimal(cleaned)


@lru_cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from FollowTheMoney's country list (which the export writes)."""
    from followthemoney import registry

    return frozenset(code.upper() for code in registry.country.names if len(code) == 2 and code != "zz")


def clean_country(code: str) -> str:
    if code and code not in country_codes():
        raise ValueError(f"{code!r} is not an ISO 3166-1 country code (two capitals, e.g. CN, SG, VN)")
    return code


def minor_units(value: Decimal) -> int:
    return int(value * 100)


def from_minor(value: int | None) -> Decimal | None:
    return None if value is None else (Decimal(value) / 100).quantize(Decimal("0.01"))
