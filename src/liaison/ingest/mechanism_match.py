"""The registry mechanism a report's meeting belongs to, from the mechanisms it names.

A report names "the AMMTC Cooperation Mechanism", "the ASEAN Senior Officials' Meeting on
Transnational Crime (SOMTC)", "the 12th annual meeting" or "the ministerial-level conference on
cooperation". An acronym or a full name is the registry mechanism of that acronym or name; a
generic name ("annual meeting") is the one mechanism of the partner country (one of its members
is that country's agency) whose name holds every telling word of it. The draft is linked to the
first one named that matches, with the ordinal the report gives; the officer changes or clears it.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.ingest.extract import ORDINALS, Extraction
from liaison.names.fold import fold
from liaison.registry.models import Agency, Mechanism, MechanismMember
from liaison.registry.name_search import name_key

MAX_ORDINAL = 1000
"""As the engagement accepts: a larger number is a year or a misreading, not a meeting's number."""
_WORD = re.compile(r"[^\W_]+")
_ACRONYM_IN_BRACKETS = re.compile(r"\(([A-Z][A-Z0-9]{1,15})\)")
_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
# words any mechanism's name may have
_COMMON = frozenset("the a an of on in and for between with at to".split())  # noqa: SIM905


def telling_words(name: str) -> frozenset[str]:
    """A mechanism's name without ordinals ("12th", "first") and common words, folded."""
    return frozenset(
        w
        for w in _WORD.findall(fold(name))
        if w not in _COMMON and w not in ORDINALS and not re.fullmatch(r"\d+(st|nd|rd|th)?", w)
    )


def mechanism_of(
    session: Session, extraction: Extraction, partner: str | None
) -> tuple[int, int | None] | None:
    """The registry mechanism (id) of the first mechanism the report names that matches one, and
    the ordinal given with it; None when none matches."""
    for found in extraction.mechanisms:
        mechanism_id = matching_id(session, found.value["name"], partner)
        if mechanism_id is not None:
            ordinal = found.value.get("ordinal")
            return mechanism_id, ordinal if ordinal and 1 <= ordinal <= MAX_ORDINAL else None
    return None


def matching_id(session: Session, name: str, partner: str | None) -> int | None:
    """The mechanism of this acronym or name; else the only one of the partner's whose name holds
    every telling word of it."""
    acronyms = [name, *_ACRONYM_IN_BRACKETS.findall(name)]
    by_acronym = session.scalar(
        select(Mechanism.id).where(Mechanism.acronym.in_(acronyms), Mechanism.acronym != "").limit(1)
    )
    if by_acronym is not None:
        return by_acronym
    by_name = session.scalar(
        select(Mechanism.id).where(Mechanism.name_key == name_key(_LEADING.sub("", name))).limit(1)
    )
    if by_name is not None:
        return by_name
    words = telling_words(name)
    if len(words) < 2:
        return None
    query = select(Mechanism.id, Mechanism.name)
    if partner:
        query = query.where(
            Mechanism.id.in_(
                select(MechanismMember.mechanism_id)
                .join(Agency, Agency.id == MechanismMember.agency_id)
                .where(Agency.country_code == partner)
            )
        )
    holding = [
        mechanism_id for mechanism_id, title in session.execute(query) if words <= telling_words(title)
    ]
    return holding[0] if len(holding) == 1 else None
