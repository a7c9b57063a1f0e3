"""The access policy: roles from policy.yaml, records limited by unit and handling code."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from liaison.core.errors import Forbidden
from liaison.core.security.policy import ensure, may


@dataclass
class Person:
    username: str
    role: str
    unit: str


@dataclass
class Record:
    owning_unit: str
    handling_code: str


OFFICER_A = Person("a", "officer", "unit-a")
OFFICER_B = Person("b", "officer", "unit-b")
SUPERVISOR_B = Person("s", "supervisor", "unit-b")
ADMIN = Person("root", "admin", "")


def test_role_permission_comes_from_the_policy_file() -> None:
    assert may(ADMIN, "users.manage")
    assert not may(OFFICER_A, "users.manage")
    with pytest.raises(Forbidden):
        ensure(OFFICER_A, "audit.read")


@pytest.mark.parametrize(
    ("code", "reader", "allowed"),
    [
        ("H0", OFFICER_B, True),
        ("H1", OFFICER_B, True),
        ("H2", OFFICER_B, False),
        ("H2", SUPERVISOR_B, True),
        ("H2", OFFICER_A, True),
        ("H3", SUPERVISOR_B, False),
        ("H3", OFFICER_A, True),
        ("H3", ADMIN, False),
        ("H9", OFFICER_A, True),
        ("H9", OFFICER_B, False),
        ("H9", ADMIN, False),
    ],
)
def test_handling_code_limits_who_reads_a_record(code: str, reader: Person, allowed: bool) -> None:
    assert may(reader, "home.view", Record("unit-a", code)) is allowed
