"""Sign-in and answers hardened for issue 12: the same cost for an unknown user as for a known one,
every failed sign-in and every denied attempt audited, authenticated answers never cached, and any
oversized body refused with 413, chunked or not."""

from __future__ import annotations

import contextlib
import re
import statistics
import time
from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison.core import accounts, audit
from liaison.core.db import unit_of_work
from liaison.core.errors import Unauthenticated
from liaison.core.models import AuditEvent
from liaison.core.settings import get_settings
from tests.conftest import make_account


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with unit_of_work(engine) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _failed_sign_in_seconds(engine: Engine, username: str) -> float:
    started = time.perf_counter()
    with unit_of_work(engine) as session, contextlib.suppress(Unauthenticated):
        accounts.authenticate(session, username, "not-the-password")
    return time.perf_counter() - started


def test_an_unknown_user_costs_as_much_as_a_wrong_password(engine: Engine) -> None:
    known = make_account(engine, "officer")
    _failed_sign_in_seconds(engine, "nobody-warm-up")
    known_times = [_failed_sign_in_seconds(engine, known.username) for _ in range(5)]
    unknown_times = [_failed_sign_in_seconds(engine, f"nobody{n}") for n in range(5)]
    ratio = statistics.median(unknown_times) / statistics.median(known_times)
    assert ratio > 0.4, (known_times, unknown_times)


def test_each_failed_sign_in_is_audited(engine: Engine) -> None:
    known = make_account(engine, "officer")
    _failed_sign_in_seconds(engine, known.username)
    _failed_sign_in_seconds(engine, "nobody")
    events = _events(engine, audit.SIGN_IN_FAILED)
    assert len(events) == 2
    assert {e.object_type for e in events} == {"user"}
    assert "nobody" in {e.object_id for e in events}


def test_a_denied_attempt_is_audited(engine: Engine, client: TestClient) -> None:
    auditor = make_account(engine, "auditor")
    body = {"name": "Police", "kind": "police", "country": "RU"}
    answer = client.post("/api/v1/agencies", json=body, headers=auditor.headers)
    assert answer.status_code == 403
    [event] = _events(engine, audit.DENIED)
    assert event.actor == auditor.username
    assert event.object_id == "POST /api/v1/agencies"
    with unit_of_work(engine) as session:
        assert audit.verify_chain(session).is_intact


def test_authenticated_api_answers_are_not_cached(engine: Engine, client: TestClient) -> None:
    admin = make_account(engine, "admin")
    for path in ("/api/v1/me", "/api/v1/subjects", "/api/v1/agencies/999"):
        assert client.get(path, headers=admin.headers).headers["cache-control"] == "no-store", path


def test_authenticated_pages_are_not_cached(engine: Engine, client: TestClient) -> None:
    admin = make_account(engine, "admin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text)
    assert token is not None
    form = {"csrf_token": token.group(1), "username": admin.username, "password": admin.password}
    assert client.post("/signin", data=form, follow_redirects=False).status_code == 303
    assert client.get("/subjects").headers["cache-control"] == "no-store"


def _chunks(total: int) -> Iterator[bytes]:
    piece = b" " * 65_536
    for _ in range(total // len(piece) + 1):
        yield piece


def test_an_oversized_chunked_body_is_too_large(engine: Engine, client: TestClient) -> None:
    admin = make_account(engine, "admin")
    headers = {**admin.headers, "content-type": "application/json"}
    answer = client.post("/api/v1/agencies", content=_chunks(get_settings().max_body_bytes), headers=headers)
    assert answer.status_code == 413, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"].endswith("/too-large")


def test_an_oversized_declared_body_is_too_large(engine: Engine, client: TestClient) -> None:
    admin = make_account(engine, "admin")
    headers = {**admin.headers, "content-type": "application/json"}
    body = b" " * (get_settings().max_body_bytes + 1)
    assert client.post("/api/v1/agencies", content=body, headers=headers).status_code == 413
