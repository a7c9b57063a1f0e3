"""Demo assets: a fictitious fugitive believed to be in China (a demo person sought added here),
his fictitious bank account, flat and company there, and a SYNTHETIC outgoing freezing request
to China's Ministry of Public Security that, once executed, froze the account and the flat.

Everything is invented: names say "demo", references start with "DEMO-ASSET-", account numbers
are not real. Loading again adds nothing (it stops when the demo assets exist). It runs after the
registry's, persons sought's and requests' demos and goes through their services, so the freeze
is the same path an officer takes: name the asset in the request, then record the execution.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.assets import schemas, service
from liaison.assets.models import Asset
from liaison.core.db import utcnow
from liaison.core.records import by_ref, today
from liaison.core.security.policy import SystemActor
from liaison.core.settings import get_settings
from liaison.registry.models import Agency
from liaison.requests import service as requests_service
from liaison.requests.schemas import RequestIn
from liaison.subjects import service as subjects_service
from liaison.subjects.models import Subject

DEMO_SOURCE = "demo"
FUGITIVE_ID = "demo-assets-1"
FUGITIVE: dict[str, Any] = {
    "names": [{"full_name": "Phạm Văn Thử", "language": "vi", "given_name": "Văn Thử", "family_name": "Phạm",
               "name_order": "family_first"}, {"full_name": "Pham Van Thu", "kind": "transliteration"}],
    "birth_dates": ["1972-09-03"], "gender": "male", "nationalities": ["VN"], "believed_country": "CN",
    "charges": [{"crime_area": "corruption", "description": "Embezzlement of state funds, fled abroad (demo)",
                 "issuing_country": "VN", "warrant_reference": "DEMO-W-2024-077"}],
    "description": "Fictitious demo person; not a real individual.",
}  # fmt: skip
ASSETS: list[tuple[str, dict[str, Any]]] = [
    ("demo-asset-company", {"kind": "company", "name": "Demo Thử Trading Co. Ltd (fictitious)",
     "country": "CN", "institution": "Demo company registry (fictitious)",
     "registration_number": "DEMO-91440300-0001", "value": "2500000", "currency": "CNY"}),
    ("demo-asset-account", {"kind": "bank_account",
     "name": "Current account at Demo Bank Shenzhen (fictitious)",
     "country": "CN", "institution": "Demo Bank Shenzhen branch (fictitious)",
     "account_number": "DEMO 6222 0000 0000 0001", "value": "8400000", "currency": "CNY"}),
    ("demo-asset-flat", {"kind": "real_estate", "name": "Flat in Shenzhen (fictitious)", "country": "CN",
     "address": "Demo Tower, Unit 1801, Shenzhen (fictitious)", "registration_number": "DEMO-SZ-RE-1801",
     "value": "5200000", "currency": "CNY"}),
]  # fmt: skip
FROZEN = ("demo-asset-account", "demo-asset-flat")
REFERENCE = "DEMO-ASSET-FREEZE-1"


def _fugitive(session: Session, who: SystemActor) -> Subject:
    found = session.scalar(
        select(Subject).where(Subject.source == DEMO_SOURCE, Subject.source_id == FUGITIVE_ID)
    )
    if found is not None:
        return found
    clean = subjects_service.parse_subject(FUGITIVE, who)
    subjects_service.store_subjects(session, who, DEMO_SOURCE, [(FUGITIVE_ID, clean)], imported=True)
    subject = session.scalar(
        select(Subject).where(Subject.source == DEMO_SOURCE, Subject.source_id == FUGITIVE_ID)
    )
    assert subject is not None
    return subject


def _freeze_through_request(
    session: Session, who: SystemActor, subject: Subject, assets: dict[str, Asset], on: date
) -> None:
    home, china = by_ref(session, Agency, "vn-mps"), by_ref(session, Agency, "cn-mps")
    if home is None or china is None:
        return
    data = RequestIn.model_validate({
        "kind": "mla_freezing_and_confiscation", "direction": "outgoing",
        "requesting_agency_id": home.id, "requested_agency_id": china.id,
        "title": "[SYNTHETIC] Freezing of assets of Phạm Văn Thử (demo)", "our_reference": REFERENCE,
        "crime_areas": ["corruption"],
        "facts": "Synthetic demo request: invented facts for demonstration only.",
        "persons": [{"name": "Phạm Văn Thử", "subject_id": subject.id}],  # his third asset can be named too
        "details": {"assets": "Named from the asset register.", "estimated_value": 13600000},
        "request_date": on.isoformat(),
    })  # fmt: skip
    started = utcnow() - timedelta(days=(today() - on).days)
    request = requests_service.create_request(session, who, data, now=started)
    for ref in FROZEN:
        service.link_request(
            session, who, assets[ref].id, schemas.RequestLinkIn(request_id=request.id, action="freeze")
        )
    settings = get_settings()
    for spec in requests_service.kinds().kinds[request.kind].documents:
        content = f"SYNTHETIC DEMO DOCUMENT: {spec.en} for {REFERENCE}.\n".encode()
        requests_service.attach_document(session, who, request.id, spec.code, f"{spec.code}.txt", content,
                                         settings.documents_dir, settings.max_upload_bytes)  # fmt: skip
    for days, step in ((2, "submit"), (20, "grant"), (35, "execute")):
        requests_service.transition_request(session, who, request.id, step, "Synthetic demo step",
                                            now=started + timedelta(days=days))  # fmt: skip


def load(session: Session, actor: str) -> None:
    """The demo fugitive, his assets, and the request that froze two of them (once)."""
    if session.scalar(select(Asset.id).where(Asset.source == DEMO_SOURCE)) is not None:
        return
    who = SystemActor(username=actor)
    subject = _fugitive(session, who)
    on = today() - timedelta(days=120)
    assets: dict[str, Asset] = {}
    for ref, data in ASSETS:
        owner = {"owner_asset_id": assets["demo-asset-company"].id} if ref == "demo-asset-flat" else {
            "owner_subject_id": subject.id}  # fmt: skip
        body = schemas.AssetIn.model_validate(
            data | owner | {"value_date": on.isoformat(), "identified_on": on.isoformat(),
                            "description": "Fictitious demo asset."}
        )  # fmt: skip
        assets[ref] = service.create_asset(session, who, body, source=DEMO_SOURCE, source_id=ref)
    _freeze_through_request(session, who, subject, assets, on)
