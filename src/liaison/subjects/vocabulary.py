"""The vocabularies of persons sought (`vocab/subjects.yaml`), loaded and validated once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, model_validator

from liaison.core.vocab import Label, Status, check_machine, load_vocabulary

VOCAB_FILE = Path(__file__).resolve().parent / "vocab" / "subjects.yaml"
INTERPOL_COLOURS = ("red", "blue", "yellow", "green", "orange", "purple", "silver", "black")


class NoticeKind(Label):
    colour: str | None = None


class SubjectVocabulary(BaseModel):
    statuses: dict[str, Status]
    initial_status: str
    notice_kinds: dict[str, NoticeKind]
    notice_statuses: dict[str, Label]
    name_kinds: dict[str, Label]
    name_orders: dict[str, Label]
    document_kinds: dict[str, Label]
    genders: dict[str, Label]

    @model_validator(mode="after")
    def _consistent(self) -> SubjectVocabulary:
        if self.initial_status not in self.statuses:
            raise ValueError(f"initial_status {self.initial_status!r} is not one of the statuses")
        check_machine(self.statuses, "statuses")
        for code, kind in self.notice_kinds.items():
            if kind.colour is not None and kind.colour not in INTERPOL_COLOURS:
                raise ValueError(f"notice kind {code!r}: {kind.colour!r} is not an INTERPOL colour")
        for required in ("primary", "alias"):
            if required not in self.name_kinds:
                raise ValueError(f"name_kinds must include {required!r}")
        return self

    def kind_for_colour(self, colour: str) -> str | None:
        return next((code for code, kind in self.notice_kinds.items() if kind.colour == colour), None)


@lru_cache
def crime_area_terms() -> dict[str, Label]:
    """The registry's crime areas as terms for pages (empty when the registry is not installed)."""
    from liaison.subjects.values import crime_area_labels

    return {code: Label(**labels) for code, labels in (crime_area_labels() or {}).items()}


@lru_cache
def vocabulary() -> SubjectVocabulary:
    return load_vocabulary(VOCAB_FILE, SubjectVocabulary)
