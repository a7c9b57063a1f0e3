"""Legal basis: the agreements in force between two countries on a date that cover a request.

Which agreements were in force between the two countries on the request date (bilateral or
multilateral, from their dated status history, superseded ones left out) is the registry's
answer: `registry.agreements.agreements_in_force`. This module decides which of them cover the
request. An agreement covers a request kind when its registry kind, or one of the extra
scopes recorded for it here (`agreement_coverage`, e.g. UNTOC covers extradition and mutual
legal assistance), is among the kind's `covered_by`; when it names crime areas and the request
names some, they must overlap. An amending protocol in force is shown with the agreement it amends
(not proposed on its own).
Where nothing applies, the answer says so: reciprocity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.registry.agreements import agreements_in_force
from liaison.registry.models import Agreement
from liaison.requests.kinds import Kind
from liaison.requests.models import AgreementCoverage

RECIPROCITY = "reciprocity"


@dataclass(frozen=True)
class Proposal:
    agreement_id: int
    title: str
    kind: str
    is_multilateral: bool
    amended_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegalBasis:
    proposals: tuple[Proposal, ...] = field(default_factory=tuple)

    @property
    def is_reciprocity(self) -> bool:
        return not self.proposals

    @property
    def agreement_ids(self) -> list[int]:
        return [p.agreement_id for p in self.proposals]


def extra_scopes(session: Session, agreement_ids: Iterable[int]) -> dict[int, set[str]]:
    ids = list(agreement_ids)
    found: dict[int, set[str]] = {}
    if ids:
        rows = session.execute(
            select(AgreementCoverage.agreement_id, AgreementCoverage.scope).where(
                AgreementCoverage.agreement_id.in_(ids)
            )
        )
        for agreement_id, scope in rows:
            found.setdefault(agreement_id, set()).add(scope)
    return found


def _covers(agreement: Agreement, scopes: set[str], kind: Kind, crime_areas: Sequence[str]) -> bool:
    if not ({agreement.kind} | scopes) & set(kind.covered_by):
        return False
    return not (agreement.crime_areas and crime_areas and not set(agreement.crime_areas) & set(crime_areas))


def resolve_legal_basis(
    session: Session,
    kind: Kind,
    country_a: str | None,
    country_b: str | None,
    on: date,
    crime_areas: Sequence[str] = (),
) -> LegalBasis:
    """The agreements to propose as legal basis, best first; none means reciprocity."""
    if not country_a or not country_b:
        return LegalBasis()
    candidates = agreements_in_force(session, country_a, country_b, on)
    scopes = extra_scopes(session, (a.id for a in candidates))
    amendments: dict[int, list[str]] = {}
    chosen: list[Agreement] = []
    for agreement in candidates:
        if agreement.amends_id is not None:
            amendments.setdefault(agreement.amends_id, []).append(agreement.title)
        elif _covers(agreement, scopes.get(agreement.id, set()), kind, crime_areas):
            chosen.append(agreement)
    order = {scope: rank for rank, scope in enumerate(kind.covered_by)}
    chosen.sort(key=lambda a: (a.is_multilateral, order.get(a.kind, len(order)), a.title))
    return LegalBasis(
        tuple(
            Proposal(a.id, a.title, a.kind, a.is_multilateral, tuple(sorted(amendments.get(a.id, []))))
            for a in chosen
        )
    )
