"""The record-access gate: one rule in Python and in SQL, redaction, inheritance, hidden = missing."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison.core.errors import Invalid
from liaison.core.security import gate


@dataclass
class Reader:
    username: str
    role: str
    unit: str


@dataclass
class Record:
    owning_unit: str
    handling_code: str
    id: int = 1


READERS = [
    Reader(f"{role}-{unit or 'none'}", role, unit)
    for role, unit in product(
        ("admin", "supervisor", "officer", "analyst", "auditor"), ("fugitives", "border", "")
    )
]
CODES = ("H0", "H1", "H2", "H3", "H9")
UNITS = ("fugitives", "border", "")


def test_restricted_record_is_read_by_its_unit_only() -> None:
    h3 = Record("fugitives", "H3")
    readers = {r.username for r in READERS if gate.may_read(r, h3)}
    assert readers == {
        "admin-fugitives",
        "supervisor-fugitives",
        "officer-fugitives",
        "analyst-fugitives",
        "auditor-fugitives",
    }


def test_h2_is_read_by_its_unit_supervisors_and_administrators() -> None:
    h2 = Record("fugitives", "H2")
    assert gate.may_read(Reader("s", "supervisor", "border"), h2)
    assert gate.may_read(Reader("a", "admin", ""), h2)
    assert not gate.may_read(Reader("o", "officer", "border"), h2)
    assert not gate.may_read(Reader("o", "officer", ""), Record("", "H2"))


def test_a_code_missing_from_the_vocabulary_is_as_strict_as_h3() -> None:
    assert gate.scope_of("H9") == "unit"
    assert not gate.may_read(Reader("a", "admin", ""), Record("fugitives", "H9"))


def test_sql_rule_selects_exactly_what_the_python_rule_allows(engine: Engine) -> None:
    """A throw-away table holding every unit × code, read by every role × unit."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, insert

    metadata = MetaData()
    table = Table(
        "gate_probe",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("owning_unit", String(80)),
        Column("handling_code", String(2)),
    )
    metadata.create_all(engine)
    try:
        rows = [Record(unit, code, i) for i, (unit, code) in enumerate(product(UNITS, CODES), start=1)]
        with Session(engine) as session:
            session.execute(insert(table), [vars(r) for r in rows])
            for reader in READERS:
                selected = set(session.scalars(select(table.c.id).where(gate.readable(reader, table.c))))
                expected = {r.id for r in rows if gate.may_read(reader, r)}
                assert selected == expected, reader
            session.rollback()
    finally:
        metadata.drop_all(engine)


def test_redaction_withholds_every_particular_of_a_hidden_record() -> None:
    record = Record("fugitives", "H3")
    particulars = {
        "id": 7,
        "name": "Nguyễn Văn A",
        "birth_dates": ["1970-01-01"],
        "documents": [{"number": "B1234567"}],
        "description": "wanted for fraud",
        "gender": "male",
        "handling_code": "H3",
        "owning_unit": "fugitives",
    }
    shown = gate.redact(Reader("o", "officer", "border"), record, particulars)
    assert shown == {
        "id": 7,
        "name": gate.RESTRICTED,
        "birth_dates": [],
        "documents": [],
        "description": gate.RESTRICTED,
        "gender": gate.RESTRICTED,
        "handling_code": "H3",
        "owning_unit": "fugitives",
    }
    assert gate.redact(Reader("o", "officer", "fugitives"), record, particulars) == particulars


def test_a_derived_record_takes_the_strictest_code_and_its_owner() -> None:
    derived = Record("border", "H0")
    gate.inherit(derived, Record("fugitives", "H3"))
    assert (derived.owning_unit, derived.handling_code) == ("fugitives", "H3")

    own = Record("border", "H2")
    gate.inherit(own, Record("fugitives", "H0"))
    assert (own.owning_unit, own.handling_code) == ("border", "H2")


def test_unknown_handling_codes_are_refused_with_the_codes_allowed() -> None:
    assert gate.check_handling_code("H2") == "H2"
    with pytest.raises(Invalid) as raised:
        gate.check_handling_code("H7")
    assert "H0" in raised.value.detail
