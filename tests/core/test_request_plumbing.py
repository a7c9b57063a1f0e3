"""The per-request plumbing made cheaper for the load targets keeps its guarantees: one transaction
per request (committed, or rolled back on any error), security headers and the language on every
answer, `no-store` on authenticated ones, API routes matched before page routes."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.core import audit
from liaison.core.db import unit_of_work
from liaison.core.errors import Invalid
from liaison.core.http import SECURITY_HEADERS, install_error_handlers
from liaison.core.models import AuditEvent
from liaison.core.web import DbSession
from tests.conftest import make_account


def _events(engine: Engine, detail: str) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).where(AuditEvent.detail == detail)) or 0


def test_the_request_transaction_commits_or_rolls_back_whole(engine: Engine) -> None:
    app = FastAPI()
    app.state.engine = engine
    install_error_handlers(app)

    @app.post("/api/kept")
    def kept(session: DbSession) -> dict[str, str]:
        audit.record(session, "test", "read", "thing", 1, detail="kept")
        return {"ok": "yes"}

    @app.post("/api/refused")
    def refused(session: DbSession) -> dict[str, str]:
        audit.record(session, "test", "read", "thing", 2, detail="refused")
        raise Invalid("No.")

    with TestClient(app) as client:
        assert client.post("/api/kept").status_code == 200
        assert client.post("/api/refused").status_code == 422
    assert _events(engine, "kept") == 1
    assert _events(engine, "refused") == 0  # written, flushed, then the error rolled it back


def test_every_answer_has_the_security_headers_and_its_language(engine: Engine, client: TestClient) -> None:
    anonymous = client.get("/healthz", headers={"accept-language": "vi"})
    for name, value in SECURITY_HEADERS.items():
        assert anonymous.headers[name] == value
    assert anonymous.headers["content-language"] == "vi"
    assert "no-store" not in anonymous.headers.get("cache-control", "")
    officer = make_account(engine, "officer")
    answer = client.get("/api/v1/me", headers=officer.headers)
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["content-language"] == "en"


def test_api_routes_are_matched_before_any_page_route(app: FastAPI) -> None:
    paths = [context.path_format for context in iter_route_contexts(app.routes) if context.path_format]
    api = [n for n, path in enumerate(paths) if path.startswith("/api/")]
    pages = [n for n, path in enumerate(paths) if not path.startswith(("/api/", "/healthz", "/readyz"))]
    assert api and pages
    assert max(api) < min(pages), "a page route is tried before an API route"
