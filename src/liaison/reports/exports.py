"""The one audit record of a document leaving the system (a PDF, DOCX, XLSX or CSV download),
shared by every document of the reports, so the trail says who took what, for which partner or
period, in which format and language."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.security.gate import ProtectedRecord
from liaison.core.security.policy import Actor

FORMATS = ("pdf", "docx", "xlsx", "csv")


@dataclass(frozen=True)
class Export:
    """What left: `document` its kind (`briefing`, `report`), `about` its partner or period (`RU`,
    `agency 12`, `2025-01-01..2025-12-31`), its format and language, and what it showed."""

    document: str
    about: str
    document_format: str
    language: str
    shown: str = ""


def record_export(
    session: Session, actor: Actor, export: Export, protected: ProtectedRecord | None = None
) -> None:
    """Audit one export; `protected` is the strictest record it shows, if any, so the event keeps its code."""
    detail = "; ".join(part for part in (export.document_format, export.language, export.shown) if part)
    audit.record(
        session, actor.username, "export", export.document, export.about, detail=detail, protected=protected
    )
