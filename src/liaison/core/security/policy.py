"""The access policy: may this user do this action, on this record?

Role permissions come from `vocab/policy.yaml`; record-level limits come from the record's
owning unit and handling code (`vocab/handling_codes.yaml`) through the one record-access gate,
`liaison.core.security.gate`. Services call `ensure`; routes declare their action with
`liaison.core.security.auth.Permission`, so every route names one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, model_validator

from liaison.core.errors import Forbidden
from liaison.core.security.gate import ProtectedRecord, Reader, may_read
from liaison.core.vocab import VOCAB_DIR, Label, load_vocabulary

ROLES = ("admin", "supervisor", "officer", "analyst", "auditor")


class PolicyFile(BaseModel):
    roles: dict[str, Label]
    actions: dict[str, list[str]]

    @model_validator(mode="after")
    def _roles_known(self) -> PolicyFile:
        for action, roles in self.actions.items():
            unknown = sorted(set(roles) - set(self.roles))
            if unknown:
                raise ValueError(f"action {action!r} names unknown roles {unknown}")
        return self


class HandlingCode(Label):
    read_scope: Literal["everyone", "unit_or_supervisor", "unit"]


class HandlingCodesFile(BaseModel):
    codes: dict[str, HandlingCode]


# Whoever acts: a signed-in `User`, the user a job was started by, or the `SystemActor` of
# maintenance work. It is the gate's `Reader`: whoever acts is also whoever reads.
Actor = Reader


@dataclass(frozen=True)
class SystemActor:
    """The actor of maintenance work (migrations, demo data, reminders): an administrator's role.

    It has no unit, so the record-access gate shows it no H2/H3 particulars it does not own: work
    that outputs records on someone's behalf (exports, screening runs) acts as that user instead.
    """

    username: str = "cli"
    role: str = "admin"
    unit: str = ""


CLI_ACTOR = SystemActor()


@lru_cache
def policy() -> PolicyFile:
    return load_vocabulary(VOCAB_DIR / "policy.yaml", PolicyFile)


@lru_cache
def handling_codes() -> HandlingCodesFile:
    return load_vocabulary(VOCAB_DIR / "handling_codes.yaml", HandlingCodesFile)


def roles_for(action: str) -> frozenset[str]:
    try:
        return frozenset(policy().actions[action])
    except KeyError:
        raise KeyError(f"action {action!r} is not declared in vocab/policy.yaml") from None


def least_privileged_role() -> str:
    """The role allowed the fewest actions (a tie goes to the later role in `policy.yaml`'s
    order, most to least trusted): what a new user is given unless someone chooses more."""
    declared = list(policy().roles)
    allowed = {role: sum(role in roles for roles in policy().actions.values()) for role in declared}
    return min(reversed(declared), key=lambda role: allowed[role])


def may(user: Actor, action: str, record: ProtectedRecord | None = None) -> bool:
    """True when the user's role allows the action and, for a record, its handling code does."""
    if user.role not in roles_for(action):
        return False
    return record is None or may_read(user, record)


def ensure(user: Actor, action: str, record: ProtectedRecord | None = None) -> None:
    if not may(user, action, record):
        raise Forbidden("Your role ({role}) may not perform {action} here.", role=user.role, action=action)
