"""Small factories for request tests: agencies, agreements with a dated history, requests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from liaison.core.security.policy import SystemActor
from liaison.registry.models import Agency, Agreement, AgreementParty, AgreementStatusChange
from liaison.requests import service
from liaison.requests.models import CooperationRequest, RequestDocument
from liaison.requests.schemas import RequestIn

OFFICER = SystemActor(username="officer.one", role="officer", unit="international-cooperation")
OTHER_OFFICER = SystemActor(username="officer.two", role="officer", unit="international-cooperation")
SUPERVISOR = SystemActor(username="supervisor.one", role="supervisor", unit="international-cooperation")
ANALYST = SystemActor(username="analyst.one", role="analyst", unit="international-cooperation")
ADMIN = SystemActor(username="admin.one", role="admin", unit="")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def agency(session: Session, name: str, country: str | None, kind: str = "police") -> Agency:
    record = Agency(name=name, name_key=name.lower(), kind=kind, country_code=country)
    session.add(record)
    session.flush()
    return record


def agreement(
    session: Session,
    title: str,
    kind: str,
    countries: list[str],
    history: list[tuple[str, date]],
    *,
    multilateral: bool = False,
    amends: Agreement | None = None,
    supersedes: Agreement | None = None,
    crime_areas: list[str] | None = None,
) -> Agreement:
    record = Agreement(
        title=title,
        title_key=title.lower(),
        kind=kind,
        status=history[-1][0] if history else "proposed",
        is_multilateral=multilateral,
        crime_areas=crime_areas or [],
        amends_id=amends.id if amends else None,
        supersedes_id=supersedes.id if supersedes else None,
    )
    record.parties = [AgreementParty(country_code=code) for code in countries]
    record.history = [AgreementStatusChange(status=status, effective_on=on) for status, on in history]
    session.add(record)
    session.flush()
    return record


def in_force(since: date, until: date | None = None) -> list[tuple[str, date]]:
    steps = [("signed", date(since.year - 1, 1, 1)), ("in_force", since)]
    if until:
        steps.append(("terminated", until))
    return steps


def request_data(requesting: Agency, requested: Agency, **values: Any) -> RequestIn:
    fields: dict[str, Any] = {
        "kind": "extradition",
        "direction": "outgoing",
        "requesting_agency_id": requesting.id,
        "requested_agency_id": requested.id,
        "title": "Extradition of a fugitive",
        "crime_areas": ["corruption"],
        "facts": "Embezzlement of public funds, fled abroad in 2024.",
        "details": {
            "offence": "Embezzlement (art. 353)",
            "warrant_reference": "W-1/2026",
            "penalty": "20 years",
        },
        "persons": [{"name": "Nguyễn Văn A", "birth_date": "1970-05-01", "nationality": "VN"}],
    }
    fields.update(values)
    return RequestIn.model_validate(fields)


def attach_all_required(session: Session, request: CooperationRequest, root: Any) -> list[RequestDocument]:
    kind = service.kinds().kinds[request.kind]
    return [
        service.attach_document(
            session,
            OFFICER,
            request.id,
            spec.code,
            f"{spec.code}.pdf",
            PDF + spec.code.encode(),
            root,
            10_000,
        )
        for spec in kind.documents
    ]


def at(text: str) -> datetime:
    """An aware UTC instant from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
