"""Messages with attachments through the JSON API (`POST /api/v1/exchange/messages/with-attachments`,
multipart), on SQLite and PostgreSQL: the compose page's rules (the gate, handling codes, approval,
the exchange's attachment limit) and its storage, bad input as problem+json with nothing written."""

from __future__ import annotations

import os
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.exchange.message_models import Dispatch, Message
from liaison.exchange.models import OutgoingChunk, OutgoingEnvelope
from tests.conftest import Account, make_account
from tests.exchange.test_message_pages import a_peer, log_size
from tests.exchange.test_messages import UNIT, make_peer, node_identity

__all__ = ["node_identity"]  # the autouse fixture giving this node its keys

ROUTE = "/api/v1/exchange/messages/with-attachments"
PROBLEM = "application/problem+json"


def compose(
    client: TestClient, account: Account, fields: dict[str, Any], files: list[tuple[str, Any]] | None = None
) -> httpx.Response:
    return client.post(ROUTE, data=fields, files=files or [], headers=account.headers)


def written(engine: Engine) -> tuple[int, int, int]:
    """Messages, dispatches and envelopes in the log: what a refused request must leave alone."""
    with unit_of_work(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Message, Dispatch, OutgoingEnvelope)
        )


def test_a_message_with_two_attachments_is_sent_and_each_file_downloads(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer", unit=UNIT)
    photo, table = b"%PDF-1.4 a photograph", os.urandom(700_000)  # the second in two chunks
    answer = compose(
        client,
        officer,
        {"peer_id": a_peer(engine), "subject": "Case file", "body": "Two files.", "evaluation": "B2"},
        [
            ("attachment", ("photo.pdf", photo, "application/pdf")),
            ("attachment", ("accounts.bin", table, "application/octet-stream")),
        ],
    )
    assert answer.status_code == 201, answer.text
    sent = answer.json()
    assert (sent["delivery"], sent["subject"], sent["evaluation"]) == ("queued", "Case file", "B2")
    for index, (content, media_type) in enumerate(
        ((photo, "application/pdf"), (table, "application/octet-stream"))
    ):
        download = client.get(f"/exchange/messages/{sent['id']}/attachments/{index}", headers=officer.headers)
        assert (download.status_code, download.content) == (200, content)
        assert download.headers["content-type"].startswith(media_type)
    with unit_of_work(engine) as session:
        envelope = session.scalar(select(OutgoingEnvelope))
        assert envelope is not None and envelope.attachments == 2
        chunks = session.scalar(
            select(func.count()).select_from(OutgoingChunk).where(OutgoingChunk.envelope_id == envelope.id)
        )
        assert chunks == 3
        created = session.scalar(
            select(AuditEvent.actor).where(AuditEvent.action == "create", AuditEvent.object_type == "message")
        )
        assert created == officer.username


def test_an_h2_message_with_an_attachment_waits_for_a_supervisor(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer", unit=UNIT)
    supervisor = make_account(engine, "supervisor", unit=UNIT)
    answer = compose(
        client,
        officer,
        {"peer_id": a_peer(engine), "subject": "Wanted", "handling_code": "H2"},
        [("attachment", ("photo.jpg", b"\xff\xd8\xff photo", "image/jpeg"))],
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["delivery"] == "pending"
    assert log_size(engine) == 0
    approve = f"/api/v1/exchange/dispatches/{answer.json()['dispatch']['id']}/approve"
    assert client.post(approve, json={"reason": "checked"}, headers=supervisor.headers).status_code == 200
    with unit_of_work(engine) as session:
        envelope = session.scalar(select(OutgoingEnvelope))
        assert envelope is not None and (envelope.handling_code, envelope.attachments) == ("H2", 1)


def test_an_attachment_above_the_local_upload_limit_is_taken_up_to_the_exchanges(
    client: TestClient, engine: Engine
) -> None:
    """30 MiB passes (the local upload limit is 20 MiB); more than the exchange's attachment limit
    is refused with 413 as problem+json before the route reads it, and nothing is queued."""
    officer = make_account(engine, "officer", unit=UNIT)
    fields = {"peer_id": a_peer(engine), "subject": "Case file"}
    large = os.urandom(1024) * (30 * 1024)
    sent = compose(client, officer, fields, [("attachment", ("case.pdf", large, "application/pdf"))])
    assert sent.status_code == 201, sent.text[:500]
    before = written(engine)
    limit = client.app.state.settings.exchange_max_attachment_bytes  # type: ignore[attr-defined]
    huge = b"\0" * (limit + 2_000_000)
    over = compose(client, officer, fields, [("attachment", ("huge.bin", huge, "application/octet-stream"))])
    assert over.status_code == 413 and over.headers["content-type"] == PROBLEM
    assert written(engine) == before


def test_bad_input_is_a_problem_and_writes_nothing(client: TestClient, engine: Engine) -> None:
    officer, auditor = make_account(engine, "officer", unit=UNIT), make_account(engine, "auditor", unit=UNIT)
    with unit_of_work(engine) as session:
        russia = make_peer(session).id
    file = [("attachment", ("photo.pdf", b"%PDF-1.4", "application/pdf"))]
    refusals: list[tuple[Account, dict[str, Any], list[tuple[str, Any]], int, str | None]] = [
        (officer, {"peer_id": russia}, file, 422, "subject"),
        (officer, {"peer_id": russia, "subject": "x", "attachment": "not a file"}, [], 422, "attachment"),
        (officer, {"peer_id": russia, "subject": "x", "colour": "red"}, file, 422, "colour"),
        (officer, {"peer_id": 9_999, "subject": "x"}, file, 422, "peer_id"),
        (officer, {"peer_id": russia, "subject": "x", "releasability": "LA"}, file, 403, None),
        (auditor, {"peer_id": russia, "subject": "x"}, file, 403, None),
    ]
    before = written(engine)
    for account, fields, files, status, field in refusals:
        answer = compose(client, account, fields, files)
        assert (answer.status_code, answer.headers["content-type"]) == (status, PROBLEM), (
            fields,
            answer.text,
        )
        if field is not None:
            assert field in {error["field"].split(".")[0] for error in answer.json()["errors"]}, answer.text
    as_json = client.post(ROUTE, json={"peer_id": russia, "subject": "x"}, headers=officer.headers)
    assert (as_json.status_code, as_json.headers["content-type"]) == (422, PROBLEM)
    assert written(engine) == before


def test_the_document_describes_the_multipart_form(client: TestClient, engine: Engine) -> None:
    admin = make_account(engine, "admin")
    document = client.get("/api/v1/openapi.json", headers=admin.headers).json()
    body = document["paths"][ROUTE]["post"]["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    name = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = document["components"]["schemas"][name]["properties"]
    assert {"peer_id", "subject", "handling_code", "attachment"} <= set(fields)
    assert fields["attachment"]["type"] == "array"
