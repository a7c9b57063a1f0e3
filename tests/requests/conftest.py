"""Fixtures for request tests: a session on each backend and the partners of the press releases."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from liaison.registry.models import Agency
from tests.requests.factories import agency


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on a fresh database (SQLite and PostgreSQL); committed only when a test commits."""
    with Session(engine, expire_on_commit=False) as db:
        yield db
        db.rollback()


@dataclass
class Partners:
    mps: Agency
    kazakhstan: Agency
    russia: Agency
    singapore: Agency
    asean: Agency


@pytest.fixture
def partners(session: Session) -> Partners:
    return Partners(
        mps=agency(session, "Ministry of Public Security", "VN", "interior"),
        kazakhstan=agency(session, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption"),
        russia=agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior"),
        singapore=agency(session, "Ministry of Home Affairs of Singapore", "SG", "interior"),
        asean=agency(session, "ASEAN Secretariat", None, "international_organisation"),
    )
