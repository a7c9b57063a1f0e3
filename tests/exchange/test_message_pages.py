"""The exchange pages and JSON routes as a user meets them: compose, the approval queue, the
boxes with their delivery state, a message's chain of evidence, refusals in plain words."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.core import accounts
from liaison.core.db import unit_of_work
from liaison.core.errors import Invalid
from liaison.exchange import keys, messages, peers
from liaison.exchange.message_schemas import MessageIn
from liaison.exchange.models import OutgoingEnvelope
from tests.conftest import make_account
from tests.exchange.test_messages import UNIT, make_peer, node_identity

__all__ = ["node_identity"]  # the autouse fixture giving this node its keys


def a_peer(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return make_peer(session).id


def log_size(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(OutgoingEnvelope)) or 0


def test_compose_h2_on_the_page_then_a_supervisor_approves_it(client: TestClient, engine: Engine) -> None:
    peer_id = a_peer(engine)
    officer = make_account(engine, "officer", unit=UNIT)
    form = client.get("/exchange/compose", headers=officer.headers)
    assert "ru-mia" in form.text and 'name="source"' in form.text and 'name="information"' in form.text
    response = client.post(
        "/exchange/compose",
        data={
            "peer_id": str(peer_id),
            "subject": "Wanted: Nguyen Van A",
            "body": "Please confirm the address.",
            "handling_code": "H2",
            "source": "B",
            "information": "2",
        },
        headers=officer.headers,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    page = client.get(location, headers=officer.headers)
    assert "awaiting approval" in page.text and "B2" in page.text
    assert "awaiting approval" in client.get("/exchange/outbox", headers=officer.headers).text
    assert log_size(engine) == 0

    supervisor = make_account(engine, "supervisor", unit=UNIT)
    queue = client.get("/exchange/approvals", headers=supervisor.headers)
    assert "Wanted: Nguyen Van A" in queue.text
    dispatch_id = re.search(r"/exchange/dispatches/(\d+)/approve", queue.text)
    assert dispatch_id is not None
    approved = client.post(
        f"/exchange/dispatches/{dispatch_id.group(1)}/approve",
        headers=supervisor.headers,
        follow_redirects=False,
    )
    assert approved.status_code == 303
    assert (
        "Nothing is waiting for approval."
        in client.get("/exchange/approvals", headers=supervisor.headers).text
    )
    assert log_size(engine) == 1
    message = client.get(location, headers=officer.headers)
    assert "queued" in message.text and 'data-testid="evidence-submitted"' in message.text


def test_refusing_without_a_reason_is_shown_on_the_page(client: TestClient, engine: Engine) -> None:
    peer_id = a_peer(engine)
    officer = make_account(engine, "officer", unit=UNIT)
    created = client.post(
        "/api/v1/exchange/messages",
        json={"peer_id": peer_id, "subject": "Restricted", "handling_code": "H3"},
        headers=officer.headers,
    )
    assert created.status_code == 201 and created.json()["delivery"] == "pending"
    dispatch_id = created.json()["dispatch"]["id"]
    supervisor = make_account(engine, "supervisor", unit=UNIT)
    refused = client.post(
        f"/exchange/dispatches/{dispatch_id}/refuse", data={"reason": ""}, headers=supervisor.headers
    )
    assert refused.status_code == 422 and "Say why the dispatch is refused." in refused.text
    refused = client.post(
        f"/exchange/dispatches/{dispatch_id}/refuse",
        data={"reason": "Not for them."},
        headers=supervisor.headers,
        follow_redirects=False,
    )
    assert refused.status_code == 303
    assert log_size(engine) == 0


def test_api_problems_for_bad_compose_and_repeated_decisions(client: TestClient, engine: Engine) -> None:
    peer_id = a_peer(engine)
    officer = make_account(engine, "officer", unit=UNIT)
    supervisor = make_account(engine, "supervisor", unit=UNIT)
    bad = client.post(
        "/api/v1/exchange/messages",
        json={"peer_id": peer_id, "subject": "x", "evaluation": "D9"},
        headers=officer.headers,
    )
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    elsewhere = client.post(
        "/api/v1/exchange/messages",
        json={"peer_id": peer_id, "subject": "x", "releasability": "LA"},
        headers=officer.headers,
    )
    assert elsewhere.status_code == 403 and "releasable to LA only" in elsewhere.json()["detail"]
    pending = client.post(
        "/api/v1/exchange/messages",
        json={"peer_id": peer_id, "subject": "x", "handling_code": "H2"},
        headers=officer.headers,
    ).json()["dispatch"]["id"]
    by_officer = client.post(
        f"/api/v1/exchange/dispatches/{pending}/approve", json={}, headers=officer.headers
    )
    assert by_officer.status_code == 403
    first = client.post(f"/api/v1/exchange/dispatches/{pending}/approve", json={}, headers=supervisor.headers)
    assert first.status_code == 200 and first.json()["status"] == "sent"
    again = client.post(f"/api/v1/exchange/dispatches/{pending}/approve", json={}, headers=supervisor.headers)
    assert again.status_code == 409
    assert log_size(engine) == 1
    outbox = client.get("/api/v1/exchange/messages?box=outbox", headers=officer.headers).json()
    assert outbox["total"] == 1 and outbox["items"][0]["delivery"] == "queued"  # the refused one rolled back


def test_correspondence_page_records_a_note_verbale(client: TestClient, engine: Engine) -> None:
    from tests.registry.factories import agency

    with unit_of_work(engine) as session:
        ours, theirs = (
            agency(session, "MPS", country="VN").id,
            agency(session, "Embassy of Laos", country="LA").id,
        )
    officer = make_account(engine, "officer", unit=UNIT)
    missing = client.post(
        "/exchange/correspondence",
        headers=officer.headers,
        data={
            "direction": "out",
            "kind": "note_verbale",
            "reference": "",
            "dated": "2026-03-04",
            "from_agency_id": str(ours),
            "to_agency_id": str(theirs),
            "subject": "Visit",
        },
    )
    assert missing.status_code == 422
    saved = client.post(
        "/exchange/correspondence",
        headers=officer.headers,
        data={
            "direction": "out",
            "kind": "note_verbale",
            "reference": "45/NV-BCA",
            "dated": "2026-03-04",
            "from_agency_id": str(ours),
            "to_agency_id": str(theirs),
            "subject": "Visit",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    log = client.get("/exchange/correspondence", headers=officer.headers)
    assert "45/NV-BCA" in log.text and "Embassy of Laos" in log.text


def test_pages_speak_vietnamese(client: TestClient, engine: Engine) -> None:
    supervisor = make_account(engine, "supervisor", unit=UNIT)
    client.cookies.set("liaison_lang", "vi")
    assert "Hộp thư đến" in client.get("/exchange/inbox", headers=supervisor.headers).text
    assert (
        "Không có gì đang chờ phê duyệt."
        in client.get("/exchange/approvals", headers=supervisor.headers).text
    )


def test_an_attachment_travels_with_a_composed_message(client: TestClient, engine: Engine) -> None:
    peer_id = a_peer(engine)
    officer = make_account(engine, "officer", unit=UNIT)
    sent = client.post(
        "/exchange/compose",
        data={"peer_id": str(peer_id), "subject": "Photo", "handling_code": "H1"},
        files={"attachment": ("photo.pdf", b"%PDF-1.4 photo", "application/pdf")},
        headers=officer.headers,
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    location = sent.headers["location"]
    assert "photo.pdf" in client.get(location, headers=officer.headers).text
    download = client.get(location + "/attachments/0", headers=officer.headers)
    assert download.status_code == 200 and download.content == b"%PDF-1.4 photo"
    assert client.get(location + "/attachments/1", headers=officer.headers).status_code == 404
    with unit_of_work(engine) as session:
        assert session.scalar(select(OutgoingEnvelope.attachments)) == 1


def test_a_composed_attachment_may_exceed_the_local_upload_limit_up_to_the_exchanges(
    client: TestClient, engine: Engine
) -> None:
    """SIENA's 50 MB messages: the compose form takes more than a local upload (20 MiB) and
    refuses more than the exchange's attachment limit with 413, as every other upload route still
    refuses more than 20 MiB; a refused form queues nothing."""
    peer_id = a_peer(engine)
    officer = make_account(engine, "officer", unit=UNIT)
    large = os.urandom(1024) * (30 * 1024)  # 30 MiB
    fields = {"peer_id": str(peer_id), "subject": "Case file", "handling_code": "H1"}
    sent = client.post(
        "/exchange/compose",
        data=fields,
        files={"attachment": ("case.pdf", large, "application/pdf")},
        headers=officer.headers,
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text[:500]
    download = client.get(sent.headers["location"] + "/attachments/0", headers=officer.headers)
    assert download.status_code == 200 and download.content == large
    sent_before = log_size(engine)

    local = client.post(
        "/ingest", files={"report": ("report.txt", large, "text/plain")}, headers=officer.headers
    )
    assert local.status_code == 413 and "20" in local.text

    limit = client.app.state.settings.exchange_max_attachment_bytes  # type: ignore[attr-defined]
    over = client.post(
        "/exchange/compose",
        data=fields,
        files={"attachment": ("huge.bin", b"\0" * (limit + 2_000_000), "application/octet-stream")},
        headers=officer.headers,
        follow_redirects=False,
    )
    assert over.status_code == 413
    assert log_size(engine) == sent_before


def test_the_peers_page_shows_this_node_and_each_partner_by_fingerprint(
    client: TestClient, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ", verified=False)
        theirs = (keys.fingerprint(peer.signing_key), keys.fingerprint(peer.encryption_key))
    ours = keys.load().describe()
    admin = make_account(engine, "admin")
    page = client.get("/exchange/peers", headers=admin.headers)
    assert page.status_code == 200
    for fingerprint in (*theirs, ours["signing_fingerprint"], ours["encryption_fingerprint"]):
        assert f"<code>{fingerprint}</code>" in page.text or f">{fingerprint}</code>" in page.text
    assert 'action="/exchange/peers/kz-aca/verify"' in page.text  # not verified yet: the form to do it


def test_verifying_with_a_wrong_fingerprint_is_refused_and_changes_nothing(engine: Engine) -> None:
    make_account(engine, "admin", "admin.one")
    with unit_of_work(engine) as session:
        peer = make_peer(session, "kz-aca", "KZ", verified=False)
        admin = accounts.get_user(session, "admin.one")
        right = keys.fingerprint(peer.signing_key)
        wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
        with pytest.raises(Invalid, match="does not match"):
            peers.verify(session, admin, "kz-aca", wrong)
        assert peer.fingerprint_verified is False
        peers.verify(session, admin, "kz-aca", right.lower().replace(" ", ":"))  # as read aloud
        assert peer.fingerprint_verified is True


def test_the_thread_page_shows_each_message_of_the_thread_with_its_state(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer", unit=UNIT)
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        author = accounts.get_user(session, officer.username)
        first = messages.compose(session, author, MessageIn.model_validate(
            {"peer_id": peer.id, "subject": "Meeting on 12 March", "body": "Agenda attached."}))  # fmt: skip
        reply = messages.compose(session, author, MessageIn.model_validate(
            {"peer_id": peer.id, "subject": "Re: Meeting", "body": "Moved to 14 March.", "reply_to": first.id,
             "handling_code": "H2"}))  # fmt: skip
        other = messages.compose(session, author, MessageIn.model_validate(
            {"peer_id": peer.id, "subject": "Another matter", "body": "Unrelated."}))  # fmt: skip
        thread, ids = first.thread, (first.id, reply.id)
        assert other.thread != thread
    page = client.get(f"/exchange/threads/{thread}", headers=officer.headers)
    assert page.status_code == 200
    for text in ("Meeting on 12 March", "Agenda attached.", "Re: Meeting", "Moved to 14 March.", "ru-mia"):
        assert text in page.text
    assert "Another matter" not in page.text
    assert "queued" in page.text and "awaiting approval" in page.text  # H0 sent, H2 waits for a supervisor
    assert all(f'href="/exchange/messages/{i}"' in page.text for i in ids)
    assert page.text.index("Meeting on 12 March") < page.text.index("Re: Meeting")


def test_node_init_and_show_print_the_fingerprints_and_keep_the_keys_private(tmp_path: Path) -> None:
    env = {**os.environ, "LIAISON_HOME": str(tmp_path)}
    liaison = [sys.executable, "-m", "liaison", "node"]
    made = subprocess.run([*liaison, "init", "--node-id", "vn-test", "--agency", "vn-mps"], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr
    shown = subprocess.run([*liaison, "show"], env=env, capture_output=True, text=True, check=False)
    assert shown.returncode == 0, shown.stderr
    identity = keys.load(tmp_path)
    described = identity.describe()
    for output in (made.stdout, shown.stdout):
        assert f"signing fingerprint:    {described['signing_fingerprint']}" in output
        assert f"encryption fingerprint: {described['encryption_fingerprint']}" in output
        assert "node id:                vn-test" in output
    key_file = keys.node_dir(tmp_path) / keys.KEYS_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.node_dir(tmp_path).stat().st_mode) == 0o700
    again = subprocess.run(
        [*liaison, "init", "--node-id", "vn-test"], env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode != 0 and keys.load(tmp_path).describe() == described  # never overwritten
