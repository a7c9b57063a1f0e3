"""The engagements' vocabularies (`vocab/engagements.yaml`), loaded once and validated."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, model_validator

from liaison.core.vocab import Label, Status, check_machine, load_vocabulary

VOCAB_FILE = Path(__file__).resolve().parent / "vocab" / "engagements.yaml"


class EngagementVocabulary(BaseModel):
    engagement_kinds: dict[str, Label]
    engagement_stages: dict[str, Status]
    delegation_sides: dict[str, Label]
    participant_roles: dict[str, Label]
    commitment_kinds: dict[str, Label]
    commitment_statuses: dict[str, Status]
    citizen_groups: dict[str, Label]
    case_statuses: dict[str, Label]

    @model_validator(mode="after")
    def _transitions_known(self) -> EngagementVocabulary:
        check_machine(self.commitment_statuses, "commitment_statuses")
        check_machine(self.engagement_stages, "engagement_stages", final=("held",))
        return self


@lru_cache
def vocabulary() -> EngagementVocabulary:
    return load_vocabulary(VOCAB_FILE, EngagementVocabulary)
