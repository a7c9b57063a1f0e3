"""Capacity building's vocabularies (`vocab/capacity.yaml`), loaded and validated once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from liaison.core.vocab import Label, Status, check_machine, load_vocabulary

VOCAB_FILE = Path(__file__).resolve().parent / "vocab" / "capacity.yaml"


class ActivityKind(Label):
    needs: list[Literal["post", "mission"]] = Field(default_factory=list)
    roles: list[str]
    initial: str
    statuses: dict[str, Status]


class CapacityVocabulary(BaseModel):
    kinds: dict[str, ActivityKind]
    roles: dict[str, Label]
    directions: dict[str, Label]
    subject_areas: dict[str, Label]

    @model_validator(mode="after")
    def _consistent(self) -> CapacityVocabulary:
        for code, kind in self.kinds.items():
            if kind.initial not in kind.statuses:
                raise ValueError(f"kind {code!r}: initial {kind.initial!r} is not one of its statuses")
            check_machine(kind.statuses, f"kinds.{code}.statuses")
            unknown = sorted(set(kind.roles) - set(self.roles))
            if unknown:
                raise ValueError(f"kind {code!r} names unknown roles {unknown}")
        return self


@lru_cache
def vocabulary() -> CapacityVocabulary:
    return load_vocabulary(VOCAB_FILE, CapacityVocabulary)
