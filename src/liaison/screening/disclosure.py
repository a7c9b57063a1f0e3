"""What a reader is shown of a hit: every output of screening asks the record-access gate here.

A hit on a person sought the reader may not read (`gate.may_read` says no) still **alerts**: a
border officer must be told to hold the traveller and to call the owning unit. So the hit keeps
what says whom to call and how strong it is — the subject's Liaison id, its handling code and
owning unit, the score — and the record's own (the traveller's) particulars, which the screener
gave. Every particular of the subject is withheld: its names (the one that matched too), birth
dates, documents, nationalities, gender, description and the list's own id for it (an INTERPOL
notice number names the person as surely as the name does). The name of the list it came from
stays, with the owning unit: it says where to ask.

The explanation keeps each feature's verdict and weight (they are why the score is what it is,
and each says only how the record compares, never a value of the subject) and shows the record's
side of each comparison, with the subject's side withheld: `name 0.98 (+6.1): Pham Van Dong vs
[restricted]`. The counts of namesakes and rivals stay: they are about the list, not the subject.

The same functions serve the real-time answer, the review queue, the pages, the API, the hits
files of batch runs and the command line, so no output can show more than another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core.security import gate
from liaison.core.security.gate import RESTRICTED, Reader

# features that compare the record with a particular of the subject, and the record's field for each
COMPARED = {
    "name": "name",
    "birth_date": "birth_date",
    "nationality": "nationality",
    "document_number": "document_number",
    "gender": "gender",
}
HIT_COLUMNS = (
    "record_id",
    "record_name",
    "subject_id",
    "subject_source",
    "subject_source_id",
    "subject_name",
    "handling_code",
    "owning_unit",
    "score",
    "explanation",
)


class ScreenedLike(Protocol):
    """A record as screened: an incoming `ScreenRecord` or a stored `ScreenedRecord`."""

    @property
    def name(self) -> str: ...
    @property
    def birth_date(self) -> str | None: ...
    @property
    def nationality(self) -> str | None: ...
    @property
    def document_number(self) -> str | None: ...
    @property
    def gender(self) -> str | None: ...


@dataclass(frozen=True)
class SubjectCard:
    """What screening outputs say of a person sought, and what the gate needs to decide it."""

    id: int
    name: str = ""
    source: str = ""
    source_id: str = ""
    handling_code: str = ""  # unknown: as strict as the strictest code (`gate.scope_of`)
    owning_unit: str = ""


def subject_cards(session: Session, ids: Iterable[int]) -> dict[int, SubjectCard]:
    """The cards of these subjects; a subject missing from the database is withheld from everyone."""
    from liaison.subjects.models import Subject

    wanted = sorted(set(ids))
    found: dict[int, SubjectCard] = {}
    for start in range(0, len(wanted), 5000):
        rows = session.execute(
            select(
                Subject.id,
                Subject.primary_name,
                Subject.source,
                Subject.source_id,
                Subject.handling_code,
                Subject.owning_unit,
            ).where(Subject.id.in_(wanted[start : start + 5000]))
        )
        for id_, name, source, source_id, code, unit in rows:
            found[id_] = SubjectCard(id_, name, source or "", source_id or "", code, unit or "")
    return {i: found.get(i, SubjectCard(i)) for i in wanted}


def is_shown(reader: Reader, card: SubjectCard) -> bool:
    """May this reader see the subject's particulars?"""
    return gate.may_read(reader, card)


def subject_fields(reader: Reader, card: SubjectCard, matched_name: str) -> dict[str, Any]:
    """The subject's side of a hit: id, list, code and unit always; names and list id when readable."""
    particulars = {
        "subject_id": card.id,
        "subject_source": card.source,
        "subject_source_id": card.source_id,
        "subject_name": card.name,
        "matched_name": matched_name,
        "handling_code": card.handling_code,
        "owning_unit": card.owning_unit,
    }
    shown = gate.redact(reader, card, particulars, keep=("subject_id", "subject_source"))
    return {**shown, "restricted": not is_shown(reader, card)}


def notices_shown(reader: Reader, card: SubjectCard, subject: Any) -> list[dict[str, Any]]:
    """The subject's notices with their status today (`expired` once past their date, whatever the
    row says); none when the reader may not read the subject: a notice number names the person."""
    if not is_shown(reader, card):
        return []
    from liaison.subjects.service import notice_status

    return [
        {
            "id": notice.id,
            "kind": notice.kind,
            "reference": notice.reference,
            "issued_on": notice.issued_on,
            "expires_on": notice.expires_on,
            "status": notice_status(notice),
        }
        for notice in subject.notices
    ]


def _side(value: str | None) -> str:
    return (value or "").strip()[:80] or "—"


def withheld_features(features: Iterable[Mapping[str, Any]], record: ScreenedLike) -> list[dict[str, Any]]:
    """The explanation with the subject's side of every comparison withheld."""
    shown = []
    for feature in features:
        field = COMPARED.get(str(feature.get("feature", "")))
        if field is None:
            shown.append(dict(feature))
            continue
        detail = f"{_side(getattr(record, field))} vs {RESTRICTED}"
        shown.append({**feature, "detail": detail})
    return shown


def shown_features(
    reader: Reader, card: SubjectCard, features: Iterable[Mapping[str, Any]], record: ScreenedLike
) -> list[dict[str, Any]]:
    return [dict(f) for f in features] if is_shown(reader, card) else withheld_features(features, record)


def explanation_text(features: Iterable[Mapping[str, Any]]) -> str:
    """One line a reviewer can read, as the engine writes it: `name 0.97 (+2.1): ...; ...`."""
    return "; ".join(
        f"{f['feature']} {f['verdict']} ({float(f['weight']):+.1f}): {f['detail']}" for f in features
    )


def hit_line(
    reader: Reader,
    card: SubjectCard,
    record_id: str,
    record_name: str,
    score: float,
    explanation: str,
    withheld_explanation: str,
) -> tuple[object, ...]:
    """One line of a hits file (`HIT_COLUMNS`), through the gate."""
    subject = subject_fields(reader, card, "")
    text = explanation if not subject["restricted"] else withheld_explanation
    return (
        record_id,
        record_name,
        card.id,
        subject["subject_source"],
        subject["subject_source_id"],
        subject["subject_name"],
        card.handling_code,
        card.owning_unit,
        score,
        text,
    )


def card_of(subject: Any) -> SubjectCard:
    """The card of a loaded `Subject` row."""
    return SubjectCard(
        subject.id,
        subject.primary_name,
        subject.source or "",
        subject.source_id or "",
        subject.handling_code,
        subject.owning_unit or "",
    )
