"""Fixtures for screening's API and page tests: the app on the test database, an officer, and a
batch worker for the tests whose runs must be screened (the real loop, in a thread of the test)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.core.settings import get_settings
from liaison.screening.worker import Worker
from tests.conftest import Account, app_on, make_account


@pytest.fixture
def api(engine: Engine) -> Iterator[TestClient]:
    with TestClient(app_on(engine), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def officer(engine: Engine) -> Account:
    return make_account(engine, "officer")


@pytest.fixture
def batch_worker(engine: Engine) -> Iterator[Worker]:
    """`liaison worker`'s loop on this test's database until the test ends."""
    settings = get_settings().model_copy(update={"batch_poll_seconds": 0.05})
    worker = Worker(engine, settings)
    stop = threading.Event()
    thread = threading.Thread(target=worker.serve, args=(stop,), daemon=True)
    thread.start()
    yield worker
    stop.set()
    thread.join(timeout=30)
