"""The partner view gathers what each capability contributes, for the reader: a section appears
only when the reader's role may read that capability, and holds only records they may read."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.core.db import unit_of_work
from liaison.core.security.policy import ROLES, SystemActor, may
from liaison.registry import partners
from liaison.subjects import service as subjects
from liaison.subjects.schemas import NameIn, SubjectIn
from tests.conftest import make_account
from tests.registry import factories

FUGITIVES = SystemActor(username="fugitives-officer", role="officer", unit="fugitives")
SECTIONS = {"engagements": ("engagements", "open_commitments"), "subjects": ("persons_sought",)}


def kazakhstan(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        kz = factories.agency(session, "Anti-Corruption Agency of Kazakhstan", country="KZ")
        talks = factories.engagement(session, "Talks in Astana", country="KZ", held_on=date(2025, 2, 25))
        factories.commitment(session, talks.id, "Exchange information on fugitives", owner_agency_id=kz.id)
        for name, code in (("Nguyễn Văn Trốn", "H0"), ("Trần Văn Mật", "H3")):
            subjects.create_subject(
                session,
                FUGITIVES,
                SubjectIn(names=[NameIn(full_name=name)], believed_country="KZ", handling_code=code),
            )


@pytest.mark.parametrize("role", ROLES)
def test_each_section_appears_exactly_when_the_role_may_read_its_capability(
    engine: Engine, role: str
) -> None:
    kazakhstan(engine)
    reader = SystemActor(username=f"{role}-reader", role=role, unit="border")
    with unit_of_work(engine) as session:
        view = partners.partner_view(session, reader, "KZ")
    for capability, fields in SECTIONS.items():
        for field in fields:
            assert (getattr(view, field) is not None) == may(reader, f"{capability}.read"), (role, field)


def test_an_auditor_sees_engagements_but_no_persons_sought(client: TestClient, engine: Engine) -> None:
    kazakhstan(engine)
    auditor = make_account(engine, "auditor")
    view = client.get("/api/v1/partners/KZ", headers=auditor.headers).json()
    assert [e["title"] for e in view["engagements"]] == ["Talks in Astana"]
    assert view["persons_sought"] is None
    page = client.get("/registry/partners/KZ", headers=auditor.headers).text
    assert "Talks in Astana" in page and "Persons sought believed there" not in page
    assert "Nguyễn Văn Trốn" not in page


def test_persons_sought_show_only_those_the_reader_may_read(client: TestClient, engine: Engine) -> None:
    kazakhstan(engine)
    officer = make_account(engine, "officer", unit="border")
    view = client.get("/api/v1/partners/KZ", headers=officer.headers).json()
    assert [p["name"] for p in view["persons_sought"]] == ["Nguyễn Văn Trốn"]
    colleague = make_account(engine, "officer", unit="fugitives")
    page = client.get("/registry/partners/KZ", headers=colleague.headers).text
    assert "Nguyễn Văn Trốn" in page and "Trần Văn Mật" in page
