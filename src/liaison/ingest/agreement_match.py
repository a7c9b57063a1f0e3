"""An agreement a report refers to, matched to the registry's agreements with the partner country,
or proposed as a new one.

A report says "their 2018 cooperation agreement on transnational crime prevention" or "the
agreements on extradition"; the registry holds the agreements by title, kind, parties and
status history. A candidate is an agreement one of whose parties is the draft's partner country
(any agreement when the draft has none yet); it is scored on the kind (the strongest cue a
report gives), the words of its title the report's phrase shares, and the year the report gives
against the years of its history. Each part is a reason shown to the officer, who links the one
meant or creates a new agreement with the report's kind and status cue.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core.i18n import Phrase
from liaison.names.fold import fold
from liaison.registry.models import Agreement, AgreementParty

WEIGHTS = {"kind": 0.5, "title": 0.3, "year": 0.2}
MIN_SCORE = 0.5
CANDIDATES = 200
# words every agreement's title or reference shares
_COMMON = frozenset(
    """agreement agreements the on of and between in for a an to its their ministry ministries
    cooperation treaty memorandum understanding mou""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W_]+")
STATUS_OF_CUE = {
    "in_force": "in_force",
    "signed": "signed",
    "to_amend": "in_force",
    "to_implement": "in_force",
    "to_negotiate": "negotiating",
    "to_sign": "proposed",
}
"""The registry status a new agreement starts in, from what the report says of it."""


def title_words(text: str) -> frozenset[str]:
    """The telling words of a title or a report's phrase: folded, years and common words left out."""
    return frozenset(w for w in _WORD.findall(fold(text)) if w not in _COMMON and not w.isdigit())


def years_of(agreement: Agreement) -> set[int]:
    return {step.effective_on.year for step in agreement.history if step.effective_on}


def scored(
    session: Session, phrase: str, kind: str, year: int | None, partner: str | None
) -> list[tuple[int, str, float, list[Phrase]]]:
    """Registry agreements the phrase may name: (id, title, score, reasons), best first."""
    query = select(Agreement).options(selectinload(Agreement.history), selectinload(Agreement.parties))
    if partner:
        query = query.where(
            Agreement.id.in_(
                select(AgreementParty.agreement_id).where(AgreementParty.country_code == partner)
            )
        )
    words = title_words(phrase)
    found = []
    for agreement in session.scalars(query.order_by(Agreement.id).limit(CANDIDATES)):
        reasons: list[Phrase] = []
        parts = {"kind": float(agreement.kind == kind), "title": 0.0, "year": 0.0}
        if parts["kind"]:
            reasons.append(Phrase("The same kind of agreement."))
        theirs = title_words(agreement.title)
        if words and theirs:
            shared = len(words & theirs)
            parts["title"] = shared / len(words)
            if shared:
                reasons.append(
                    Phrase(
                        "{shared} of {total} words of the report's phrase in its title.",
                        {"shared": shared, "total": len(words)},
                    )
                )
        if year is not None and year in years_of(agreement):
            parts["year"] = 1.0
            reasons.append(Phrase("Its history has the year the report gives: {year}.", {"year": year}))
        score = sum(WEIGHTS[name] * value for name, value in parts.items())
        if score >= MIN_SCORE:
            if partner:
                reasons.append(Phrase("A party is the partner country: {country}.", {"country": partner}))
            found.append((agreement.id, agreement.title, round(score, 2), reasons))
    return sorted(found, key=lambda row: (-row[2], row[0]))


def first_status(cue: str, year: int | None, held_on: date) -> tuple[str, date]:
    """The status and date a new agreement's history starts with, from the report's cue and year."""
    status = STATUS_OF_CUE.get(cue, "proposed")
    if status in ("in_force", "signed") and year is not None:
        return status, date(year, 1, 1)
    return status, held_on
