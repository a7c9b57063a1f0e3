"""Fixtures for persons sought: a unit of work on the test database, as the CLI uses."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from liaison.core.db import unit_of_work


@pytest.fixture
def units(engine: Engine) -> Callable[[], AbstractContextManager[Session]]:
    return lambda: unit_of_work(engine)


@pytest.fixture
def sqlite_units(sqlite_engine: Engine) -> Callable[[], AbstractContextManager[Session]]:
    return lambda: unit_of_work(sqlite_engine)
