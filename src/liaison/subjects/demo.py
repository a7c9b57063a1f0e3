"""Demo persons sought: clearly fictitious people (their names say "sample", "demo", "example"),
with names in Vietnamese, Kazakh and Russian Cyrillic and Chinese characters, and a red-notice
equivalent. Stored with source "demo", so loading again updates rather than duplicates."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.security.policy import SystemActor
from liaison.subjects import service

DEMO_SOURCE = "demo"
FICTITIOUS = "Fictitious demo person; not a real individual."
DEMO_SUBJECTS: list[tuple[str, dict[str, Any]]] = [
    ("demo-1", {
        "names": [{"full_name": "Trần Văn Mẫu", "language": "vi", "given_name": "Văn Mẫu",
                   "family_name": "Trần", "name_order": "family_first"},
                  {"full_name": "Tran Van Mau", "kind": "transliteration"}],
        "birth_dates": ["1978-03-14"], "birth_place": "Hải Phòng (demo)", "gender": "male",
        "nationalities": ["VN"], "believed_country": "KZ",
        "documents": [{"kind": "passport", "number": "C0000001", "country": "VN"}],
        "charges": [{"crime_area": "corruption", "description": "Embezzlement of public funds (demo)",
                     "legal_provision": "Art. 353 Criminal Code (demo)", "issuing_country": "VN",
                     "warrant_reference": "DEMO-W-2024-001"}],
        "notices": [{"kind": "arrest", "issuer": "INTERPOL (demo)", "reference": "DEMO/2024/0001",
                     "issued_on": "2024-02-01", "reason": "Wanted for prosecution (demo)"}],
    }),
    ("demo-2", {
        "names": [{"full_name": "Серікбай Демоұлы Тестов", "language": "kk"},
                  {"full_name": "Serikbay Demouly Testov", "kind": "transliteration"}],
        "birth_dates": ["1981"], "gender": "male", "nationalities": ["KZ"], "believed_country": "VN",
        "documents": [{"kind": "passport", "number": "N00000002", "country": "KZ"}],
        "charges": [{"crime_area": "money_laundering", "description": "Laundering of proceeds (demo)",
                     "issuing_country": "KZ"}],
        "notices": [{"kind": "locate", "issuer": "Anti-Corruption Agency (demo)", "reference": "DEMO-KZ-2"}],
    }),
    ("demo-3", {
        "names": [{"full_name": "Иван Демонстрационный", "language": "ru"},
                  {"full_name": "Образцов Пётр", "kind": "alias", "language": "ru"}],
        "birth_dates": ["1975..1977"], "gender": "male", "nationalities": ["RU"], "believed_country": "RU",
        "documents": [{"kind": "passport", "number": "720000003", "country": "RU"}],
        "notices": [{"kind": "warning", "issuer": "MVD (demo)", "reference": "DEMO-RU-3",
                     "issued_on": "2020-01-10", "expires_on": "2023-01-10"}],
    }),
    ("demo-4", {
        "names": [{"full_name": "王示例", "language": "zh", "given_name": "示例", "family_name": "王",
                   "name_order": "family_first"},
                  {"full_name": "Wang Shili", "kind": "transliteration", "language": "zh"}],
        "birth_dates": ["1969-11"], "gender": "male", "nationalities": ["CN"], "believed_country": "VN",
        "charges": [{"crime_area": "telecommunications_fraud", "description": "Telecom fraud ring (demo)"}],
        "notices": [{"kind": "arrest", "issuer": "INTERPOL (demo)", "reference": "DEMO/2023/0004"}],
    }),
    ("demo-5", {
        "names": [{"full_name": "Lê Thị Ví Dụ", "language": "vi"}],
        "birth_dates": ["1990-07-01"], "gender": "female", "nationalities": ["VN"],
        "notices": [{"kind": "missing", "issuer": "Ministry of Public Security (demo)",
                     "reference": "DEMO-VN-5"}],
    }),
]  # fmt: skip


def load(session: Session, actor: str) -> None:
    """Store the demo subjects (again): idempotent, keyed by their demo ids."""
    system = SystemActor(username=actor)
    items = [
        (source_id, service.parse_subject({**data, "description": FICTITIOUS}, system))
        for source_id, data in DEMO_SUBJECTS
    ]
    results = service.store_subjects(session, system, DEMO_SOURCE, items, imported=True)
    created = sum(1 for _, is_new in results if is_new)
    audit.record(session, actor, "import", "subject", DEMO_SOURCE, detail=f"demo data: {created} created")
