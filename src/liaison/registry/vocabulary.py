"""The registry's vocabularies, loaded once from the YAML files beside this module and validated.

`crime_areas.yaml` (ASEAN's ten priority transnational crimes and the other areas partners name),
`registry.yaml` (agency kinds, mechanism kinds and roles, agreement kinds and the agreement status
machine, programme and action-item statuses) and `countries.yaml` (ISO 3166-1, preloaded into the
`country` table by the migration). An invalid file stops start-up naming the file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from liaison.core import i18n
from liaison.core.errors import FieldName, Invalid, Phrase
from liaison.core.vocab import load_vocabulary

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid")

    en: str
    vi: str


class CrimeArea(Label):
    asean_priority: bool = False


class Status(Label):
    """A state: its labels, the states it may move to, and whether it counts as in force."""

    next: list[str] = []
    in_force: bool = False


class CrimeAreasFile(BaseModel):
    crime_areas: dict[str, CrimeArea]


def check_machine(statuses: Mapping[str, Status], name: str) -> None:
    for code, status in statuses.items():
        unknown = sorted(set(status.next) - set(statuses))
        if unknown:
            raise ValueError(f"{name}.{code}.next names unknown statuses {unknown}")


class RegistryVocabulary(BaseModel):
    agency_kinds: dict[str, Label]
    mechanism_kinds: dict[str, Label]
    recurrences: dict[str, Label]
    role_kinds: dict[str, Label]
    agreement_kinds: dict[str, Label]
    agreement_statuses: dict[str, Status]
    programme_statuses: dict[str, Label]
    action_item_statuses: dict[str, Label]

    @model_validator(mode="after")
    def _transitions_known(self) -> RegistryVocabulary:
        check_machine(self.agreement_statuses, "agreement_statuses")
        return self


class CountryRow(BaseModel):
    code: str
    alpha3: str
    en: str
    vi: str


class CountriesFile(BaseModel):
    countries: list[CountryRow]


@lru_cache
def crime_areas() -> dict[str, CrimeArea]:
    return load_vocabulary(VOCAB_DIR / "crime_areas.yaml", CrimeAreasFile).crime_areas


@lru_cache
def vocabulary() -> RegistryVocabulary:
    return load_vocabulary(VOCAB_DIR / "registry.yaml", RegistryVocabulary)


def label(mapping: Mapping[str, Label], code: str | None) -> str:
    """The label of `code` in the current language; the code itself when it is not known."""
    if code is None:
        return ""
    entry = mapping.get(code)
    if entry is None:
        return code
    return entry.vi if i18n.current_language.get() == "vi" else entry.en


def require(mapping: Mapping[str, object], code: str, field: str) -> str:
    """`code` when the vocabulary knows it, else `Invalid` naming the field and the choices."""
    if code not in mapping:
        raise Invalid(
            "Unknown {field} {code!r}.",
            field=FieldName(field),
            code=code,
            fields={field: Phrase("one of {choices}", {"choices": list(mapping)})},
        )
    return code


def require_all(mapping: Mapping[str, object], codes: list[str], field: str) -> list[str]:
    unknown = [c for c in codes if c not in mapping]
    if unknown:
        raise Invalid(
            "Unknown {field}: {unknown}.",
            field=FieldName(field),
            unknown=unknown,
            fields={field: Phrase("each one of {choices}", {"choices": list(mapping)})},
        )
    return list(dict.fromkeys(codes))


@lru_cache
def countries() -> dict[str, CountryRow]:
    """ISO 3166-1 countries by alpha-2 code, from the file the migration preloads."""
    rows = load_vocabulary(VOCAB_DIR / "countries.yaml", CountriesFile).countries
    return {row.code: row for row in rows}


def country_label(code: str | None) -> str:
    """The country's name in the current language ("Nga" in Vietnamese for RU)."""
    if not code:
        return ""
    row = countries().get(code)
    if row is None:
        return code
    return row.vi if i18n.current_language.get() == "vi" else row.en
