"""The registry's vocabularies, loaded once from the YAML files beside this module and validated.

`crime_areas.yaml` (ASEAN's ten priority transnational crimes and the other areas partners name),
`registry.yaml` (agency kinds, mechanism kinds and roles, agreement kinds and the agreement status
machine, programme and action-item statuses) and `countries.yaml` (ISO 3166-1, preloaded into the
`country` table by the migration). An invalid file stops start-up naming the file and line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, model_validator

from liaison.core.vocab import Label, Status, check_machine, label, load_vocabulary

VOCAB_DIR = Path(__file__).resolve().parent / "vocab"


class CrimeArea(Label):
    asean_priority: bool = False


class CrimeAreasFile(BaseModel):
    crime_areas: dict[str, CrimeArea]


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


class CountryRow(Label):
    code: str
    alpha3: str


class CountriesFile(BaseModel):
    countries: list[CountryRow]


@lru_cache
def crime_areas() -> dict[str, CrimeArea]:
    return load_vocabulary(VOCAB_DIR / "crime_areas.yaml", CrimeAreasFile).crime_areas


@lru_cache
def vocabulary() -> RegistryVocabulary:
    return load_vocabulary(VOCAB_DIR / "registry.yaml", RegistryVocabulary)


@lru_cache
def countries() -> dict[str, CountryRow]:
    """ISO 3166-1 countries by alpha-2 code, from the file the migration preloads."""
    rows = load_vocabulary(VOCAB_DIR / "countries.yaml", CountriesFile).countries
    return {row.code: row for row in rows}


def country_label(code: str | None) -> str:
    """The country's name in the current language ("Nga" in Vietnamese for RU)."""
    return label(countries(), code or None)
