"""The names extraction looks for: countries (ISO 3166-1 and their demonyms), crime-area terms,
and the registry's agencies, officials and mechanisms with every name they are known by.

Countries come from the registry's `countries.yaml` plus `vocab/terms.yaml`; registry names come
from the registry's demo data file (the same names `liaison init --demo` loads), so a dry run
needs no database. Each table compiles once into one regular expression, longest phrase first,
so a report costs one scan per table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from liaison.core.vocab import LOADER, load_vocabulary
from liaison.names.fold import fold, strip_marks
from liaison.registry.vocabulary import countries, crime_areas

VOCAB = Path(__file__).resolve().parent / "vocab" / "terms.yaml"
REGISTRY_NAMES = Path(__file__).resolve().parents[1] / "registry" / "demo" / "press_releases.yaml"


class TermsFile(BaseModel):
    country_aliases: dict[str, list[str]]
    crime_area_terms: dict[str, list[str]]


@dataclass(frozen=True)
class KnownAgency:
    ref: str
    name: str
    country: str | None
    names: tuple[str, ...]


@dataclass(frozen=True)
class KnownOfficial:
    ref: str
    name: str
    country: str | None
    names: tuple[str, ...]
    is_head_of_state: bool


@dataclass(frozen=True)
class KnownMechanism:
    ref: str
    name: str
    acronym: str | None


@dataclass
class Gazetteer:
    """Compiled tables: phrase → value, one alternation each, matched case-insensitively."""

    countries: dict[str, str] = field(default_factory=dict)
    crime_terms: dict[str, str] = field(default_factory=dict)
    agencies: dict[str, KnownAgency] = field(default_factory=dict)
    officials: dict[str, KnownOfficial] = field(default_factory=dict)
    mechanisms: dict[str, KnownMechanism] = field(default_factory=dict)
    country_pattern: re.Pattern[str] = re.compile("$^")
    country_acronym_pattern: re.Pattern[str] = re.compile("$^")
    crime_pattern: re.Pattern[str] = re.compile("$^")
    agency_pattern: re.Pattern[str] = re.compile("$^")
    official_pattern: re.Pattern[str] = re.compile("$^")
    mechanism_pattern: re.Pattern[str] = re.compile("$^")


def key(text: str) -> str:
    """How a matched phrase is looked up: folded, possessive dropped."""
    return fold(re.sub(r"[’']s$", "", text.strip()))


@lru_cache
def gazetteer() -> Gazetteer:
    terms = load_vocabulary(VOCAB, TermsFile)
    table = Gazetteer()
    for code, row in countries().items():
        for name in (row.en, row.vi, strip_marks(row.vi) if row.vi != row.en else ""):
            if name and "(" not in name and len(name) > 3:
                table.countries[key(name)] = code
        if "(" in row.en:
            table.countries[key(row.en.split("(")[0])] = code
    for code, aliases in terms.country_aliases.items():
        for alias in aliases:
            table.countries[key(alias)] = code
    short_upper = [a for aliases in terms.country_aliases.values() for a in aliases if a.isupper()]
    table.country_pattern = country_regex(table, short_upper)
    known = set(crime_areas())
    for code, phrases in terms.crime_area_terms.items():
        if code not in known:
            raise ValueError(f"{VOCAB}: crime area {code!r} is not in the registry's crime_areas.yaml")
        for phrase in phrases:
            table.crime_terms[fold(phrase)] = code
    table.crime_pattern = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(flexible(p) for p in sorted(table.crime_terms, key=len, reverse=True))
        + r")(?![\w-])"
    )
    load_registry_names(table)
    return table


def country_regex(table: Gazetteer, short_upper: list[str]) -> re.Pattern[str]:
    """Country names (on the shadow text) with their possessive; acronyms (UK, ROK) only in capitals."""
    upper = {fold(a) for a in short_upper}
    body = "|".join(flexible(p) for p in sorted(table.countries, key=len, reverse=True) if p not in upper)
    acronyms = "|".join(re.escape(a) for a in sorted(short_upper, key=len, reverse=True))
    table.country_acronym_pattern = re.compile(rf"(?<![\w-])(?:{acronyms})(?:[’']s)?(?![\w-])")
    return re.compile(rf"(?<![\w-])(?:{body})(?:'s)?(?![\w-])")


def flexible(phrase: str) -> str:
    """A phrase as a pattern over the shadow text: marks and case gone, spaces or hyphens alike."""
    return r"[\s\-]+".join(re.escape(word) for word in shadow(phrase).replace("-", " ").split())


_SHADOW: dict[str, str] = {"’": "'", "‘": "'", "đ": "d", "Đ": "d"}


def shadow(text: str) -> str:
    """`text` lower-cased and without marks, one character for one, so spans stay the same."""
    out = []
    for char in text:
        mapped = _SHADOW.get(char)
        if mapped is None:
            folded = strip_marks(char).casefold() if not char.isascii() else char.lower()
            mapped = folded if len(folded) == 1 else char
            _SHADOW[char] = mapped
        out.append(mapped)
    return "".join(out)


def load_registry_names(table: Gazetteer) -> None:
    """Agencies, officials and mechanisms with all their names, from the registry's data file."""
    data = yaml.load(REGISTRY_NAMES.read_text(encoding="utf-8"), Loader=LOADER)
    agencies: dict[str, KnownAgency] = {}
    for row in data.get("agencies", []):
        # Acronyms are left out: a bare "ASEAN" or "INTERPOL" is usually context, not a party.
        names = [row["name"], *(n["text"] for n in row.get("names", []))]
        agency = KnownAgency(row["ref"], row["name"], row.get("country"), tuple(names))
        agencies[agency.ref] = agency
        for name in names:
            table.agencies.setdefault(key(name), agency)
    for row in data.get("officials", []):
        agency_ref = row.get("agency")
        country = agencies[agency_ref].country if agency_ref in agencies else None
        titles = " ".join(p.get("title", "") for p in row.get("posts", []))
        if country is None:
            found = find_countries(table, titles, shadow(titles))
            country = found[0][2] if found else None
        head = bool(re.search(r"\bPresident\b|\bPrime Minister\b|\bKing\b", titles))
        official_names = (row["name"], *(n["text"] for n in row.get("names", [])))
        official = KnownOfficial(row["ref"], row["name"], country, official_names, head)
        for name in official_names:
            table.officials.setdefault(key(name), official)
    for row in data.get("mechanisms", []):
        mechanism = KnownMechanism(row["ref"], row["name"], row.get("acronym"))
        if mechanism.acronym:
            table.mechanisms.setdefault(mechanism.acronym, mechanism)
        table.mechanisms.setdefault(key(row["name"]), mechanism)
    latin_agency_names = [n for a in agencies.values() for n in a.names if n.isascii() or is_latin(n)]
    table.agency_pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(flexible(n) for n in sorted(latin_agency_names, key=len, reverse=True))
        + r")(?!\w)"
    )
    every_name = [n for o in {v.ref: v for v in table.officials.values()}.values() for n in o.names]
    table.official_pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(flexible(n) for n in sorted(every_name, key=len, reverse=True) if is_latin(n))
        + r")(?!\w)"
    )


def is_latin(text: str) -> bool:
    return all(not c.isalpha() or strip_marks(c).isascii() or c in "đĐ" for c in text)


def find_countries(table: Gazetteer, text: str, shadowed: str) -> list[tuple[int, int, str]]:
    """Each country named in `text` (name, demonym or acronym): start, end, ISO code."""
    hits = [
        (m.start(), m.end(), table.countries[key(m.group())])
        for m in table.country_pattern.finditer(shadowed)
    ]
    hits += [
        (m.start(), m.end(), table.countries[key(m.group())])
        for m in table.country_acronym_pattern.finditer(text)
    ]
    return sorted(hits)
