"""Demo requests: a realistic spread of SYNTHETIC requests per partner (Kazakhstan, Russia,
Singapore, China, ASEAN members), both directions, every stage, some overdue.

Everything here is invented for demonstration: titles start with "[SYNTHETIC]", references with
"DEMO-", persons are made-up names, documents are short text files saying they are synthetic.
It runs after the registry's demo (enabled capabilities' order) and finds the partners by their `ref`;
ASEAN members' police agencies the registry does not hold are added, marked as demo entries, and
so are two multilateral agreements for the legal basis (UNTOC, the ASEAN MLA treaty) with
simplified dates. Loading twice adds nothing (it stops when demo requests exist). All writes go
through the services, with a fixed random seed, so every run produces the same requests relative
to the day it runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from liaison.core.db import utcnow
from liaison.core.errors import DomainError
from liaison.core.records import by_ref
from liaison.core.security.policy import SystemActor
from liaison.core.settings import get_settings
from liaison.registry import agencies, agreements
from liaison.registry import schemas as registry_schemas
from liaison.registry.models import Agency, Agreement
from liaison.requests import service
from liaison.requests.models import CooperationRequest
from liaison.requests.schemas import RequestIn

SEED = 20250225
DEMO_PREFIX = "DEMO-"
HOME = "vn-mps"
RESPONSIBLE = "officer"
PARTNERS = {  # ref: (country, how many requests)
    "kz-anti-corruption-agency": ("KZ", 14),
    "ru-mvd": ("RU", 16),
    "sg-mha": ("SG", 12),
    "cn-mps": ("CN", 16),
    "asean-secretariat": (None, 3),
    "demo-th-police": ("TH", 6),
    "demo-my-police": ("MY", 5),
    "demo-la-mps": ("LA", 6),
    "demo-kh-police": ("KH", 5),
}
ASEAN_AGENCIES = (
    ("demo-th-police", "Royal Thai Police", "TH", "RTP"),
    ("demo-my-police", "Royal Malaysia Police", "MY", "PDRM"),
    ("demo-la-mps", "Ministry of Public Security of the Lao PDR", "LA", ""),
    ("demo-kh-police", "General Commissariat of National Police of Cambodia", "KH", ""),
)
ASEAN_COUNTRIES = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"]
CONVENTIONS = (
    (
        "demo-untoc",
        "United Nations Convention against Transnational Organized Crime (UNTOC)",
        "crime_prevention",
        ["VN", "KZ", "RU", "SG", "CN", *ASEAN_COUNTRIES],
        date(2012, 7, 8),
        ("extradition", "mutual_legal_assistance"),
    ),
    (
        "demo-asean-mlat",
        "Treaty on Mutual Legal Assistance in Criminal Matters among ASEAN Member States",
        "mutual_legal_assistance",
        ASEAN_COUNTRIES,
        date(2008, 1, 1),
        (),
    ),
)
FIRST_NAMES = [
    "Arman",
    "Dmitry",
    "Li Wei",
    "Somchai",
    "Nguyễn Văn",
    "Trần Thị",
    "Ivan",
    "Aigerim",
    "Tan",
    "Chen",
]
LAST_NAMES = [
    "Seitkali",
    "Petrov",
    "Zhang",
    "Wongsakul",
    "Hùng",
    "Lan",
    "Sokolov",
    "Bekova",
    "Kok Wah",
    "Ming",
]
KINDS = (
    ("extradition", 3),
    ("provisional_arrest", 2),
    ("transfer_of_sentenced_persons", 2),
    ("mla_evidence", 2),
    ("mla_service_of_documents", 1),
    ("mla_search_and_seizure", 1),
    ("mla_freezing_and_confiscation", 1),
    ("information_request", 6),
    ("locate_person", 3),
    ("asset_tracing", 1),
    ("joint_investigation", 1),
)
AREAS = ["corruption", "drug_trafficking", "cybercrime", "money_laundering", "trafficking_in_persons",
         "telecommunications_fraud", "people_smuggling"]  # fmt: skip
SAMPLE_VALUES = {"text": "Synthetic demo value", "number": 1000, "date": "2030-12-31"}


@dataclass
class Plan:
    kind: str
    direction: str
    partner: Agency
    days_ago: int
    steps: int
    urgent: bool


def _agency(session: Session, who: SystemActor, ref: str, name: str, country: str, acronym: str) -> Agency:
    found = by_ref(session, Agency, ref) or session.scalar(
        select(Agency).where(Agency.country_code == country, func.lower(Agency.name) == name.lower())
    )
    if found is not None:
        return found
    return agencies.create_agency(
        session,
        who,
        registry_schemas.AgencyIn(
            ref=ref, name=name, kind="police", country=country, acronym=acronym,
            notes="Demo entry added by the requests demo (synthetic requests use it).",
        ),
    )  # fmt: skip


def _conventions(session: Session, who: SystemActor) -> None:
    for ref, title, kind, countries, in_force_on, scopes in CONVENTIONS:
        agreement = by_ref(session, Agreement, ref)
        if agreement is None:
            agreement = agreements.create_agreement(
                session,
                who,
                registry_schemas.AgreementIn(
                    ref=ref, title=title, kind=kind, parties=[{"country": c} for c in countries],
                    history=[{"status": "signed", "effective_on": in_force_on - timedelta(days=365)},
                             {"status": "in_force", "effective_on": in_force_on}],
                    summary="Demo entry added by the requests demo; dates simplified, verify before use.",
                ),
            )  # fmt: skip
            agreement.is_multilateral = True
        for scope in scopes:
            service.add_coverage(session, who, agreement.id, scope)


def _plans(partners: dict[str, Agency]) -> list[Plan]:
    rng = random.Random(SEED)
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    plans = []
    for ref, (_, count) in PARTNERS.items():
        for _ in range(count):
            plans.append(
                Plan(
                    kind=rng.choice(kinds),
                    direction=rng.choice(("outgoing", "incoming")),
                    partner=partners[ref],
                    days_ago=rng.randint(1, 150),
                    steps=rng.randint(0, 4),
                    urgent=rng.random() < 0.25,
                )
            )
    return plans


def _details(kind: str) -> dict[str, Any]:
    spec = service.kinds().kinds[kind]
    return {f.name: (f.choices[0] if f.type == "choice" else SAMPLE_VALUES[f.type]) for f in spec.fields}


def _walk(
    session: Session, who: SystemActor, request: CooperationRequest, plan: Plan, rng: random.Random
) -> None:
    """Move the request `plan.steps` steps along its workflow, spread over the days since it started."""
    settings = get_settings()
    started = utcnow() - timedelta(days=plan.days_ago)
    for step in range(plan.steps):
        names = [
            n
            for n in service.may_transition(who, request)
            if n not in ("withdraw", "refuse", "record_release")
        ]
        if not names:
            return
        name = names[0] if rng.random() < 0.8 else rng.choice(names)
        if name in ("submit",):
            for spec in service.kinds().kinds[request.kind].documents:
                content = f"SYNTHETIC DEMO DOCUMENT: {spec.en} for {request.our_reference}.\n".encode()
                service.attach_document(
                    session, who, request.id, spec.code, f"{spec.code}.txt", content,
                    settings.documents_dir, settings.max_upload_bytes,
                )  # fmt: skip
        when = started + timedelta(days=(step + 1) * plan.days_ago / (plan.steps + 1))
        try:
            service.transition_request(session, who, request.id, name, "Synthetic demo step", now=when)
        except DomainError:
            return


def load(session: Session, actor: str) -> None:
    who = SystemActor(username=actor)
    exists = session.scalar(
        select(func.count()).where(CooperationRequest.our_reference.like(DEMO_PREFIX + "%"))
    )
    home = by_ref(session, Agency, HOME)
    if exists or home is None:
        return
    for ref, name, country, acronym in ASEAN_AGENCIES:
        _agency(session, who, ref, name, country, acronym)
    _conventions(session, who)
    partners = {ref: by_ref(session, Agency, ref) for ref in PARTNERS}
    available = {ref: agency for ref, agency in partners.items() if agency is not None}
    rng = random.Random(SEED + 1)
    for number, plan in enumerate(p for p in _plans(available) if p.partner is not None):
        person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        requesting, requested = (home, plan.partner) if plan.direction == "outgoing" else (plan.partner, home)
        received = utcnow() - timedelta(days=plan.days_ago)
        data = RequestIn.model_validate(
            {
                "kind": plan.kind,
                "direction": plan.direction,
                "requesting_agency_id": requesting.id,
                "requested_agency_id": requested.id,
                "title": f"[SYNTHETIC] {service.kinds().kinds[plan.kind].en}: {person}",
                "our_reference": f"{DEMO_PREFIX}{number + 1:04d}",
                "their_reference": f"{plan.partner.acronym or 'P'}-{rng.randint(100, 999)}/{received.year}",
                "urgency": "urgent" if plan.urgent else "standard",
                "crime_areas": [rng.choice(AREAS)],
                "facts": "Synthetic demo request: invented facts for demonstration only.",
                "details": _details(plan.kind),
                "persons": [
                    {"name": person, "nationality": rng.choice(["VN", plan.partner.country_code or "VN"])}
                ],
                "request_date": service.local_today(received).isoformat(),
                "received_at": received if plan.direction == "incoming" else None,
                "responsible_username": RESPONSIBLE,
            }
        )
        request = service.create_request(session, who, data, now=received)
        _walk(session, who, request, plan, rng)
