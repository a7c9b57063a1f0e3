"""Fixtures for screening's API and page tests: the app on the test database, and an officer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.app import create_app
from liaison.core.settings import get_settings
from tests.conftest import Account, make_account


@pytest.fixture
def api(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(get_settings(), engine), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def officer(engine: Engine) -> Account:
    return make_account(engine, "officer")
