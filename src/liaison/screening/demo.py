"""Demo screening: a short, fictitious arrivals list screened against the demo persons sought, so
that the review queue has hits to read, confirm and dismiss. Each arrival is written as a border
clerk would: capitals without diacritics, Russian Cyrillic for a Kazakh name, pinyin for a name
in characters; one is a namesake born in another year, who must not alert. Screened once:
loading the demo again finds its run and leaves it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.security.policy import SystemActor
from liaison.screening import live, service
from liaison.screening.models import ScreeningRun
from liaison.screening.schemas import RecordIn

DEMO_KIND = "demo"
DEMO_ARRIVALS = [
    RecordIn(record_id="DEMO-ARR-001", name="TRAN VAN MAU", birth_date="1978-03-14", nationality="VN",
             document_number="C0000001", gender="M"),
    RecordIn(record_id="DEMO-ARR-002", name="Тестов Серикбай", birth_date="1981-06-02", nationality="KZ"),
    RecordIn(record_id="DEMO-ARR-003", name="WANG SHILI", birth_date="1969-11-20", nationality="CN"),
    RecordIn(record_id="DEMO-ARR-004", name="Le Thi Vi Du", birth_date="01.07.1990", gender="F"),
    RecordIn(record_id="DEMO-ARR-005", name="Tran Van Mau", birth_date="1995-01-01", nationality="VN"),
    RecordIn(record_id="DEMO-ARR-006", name="Pham Minh Example", birth_date="1985-05-05", nationality="VN"),
]  # fmt: skip


def load(session: Session, actor: str) -> None:
    """Screen the demo arrivals once (after the demo subjects are in the session)."""
    if session.scalar(select(ScreeningRun.id).where(ScreeningRun.kind == DEMO_KIND).limit(1)) is not None:
        return
    index = live.index_of_session(session)
    service.screen(session, SystemActor(username=actor), index, DEMO_ARRIVALS, kind=DEMO_KIND)
