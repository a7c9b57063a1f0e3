"""The issue's fault tests, with real node processes over HTTP on loopback.

A receiver killed (SIGKILL) midway through 1,000 messages, a receiver killed midway through a
40 MB attachment (it resumes: only the chunks not yet acknowledged travel again, counted in the
receiver's access log), a sender killed mid-batch, and every kind of bad envelope: tampered
signature, wrong recipient, replay, stale timestamp, unknown and suspended peer, oversized body, a
chunk with a wrong digest — refused with the reason, logged, nothing stored.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from liaison.core.db import unit_of_work, utcnow
from liaison.core.models import AuditEvent
from liaison.exchange import envelope, evidence, keys, peers, receiver, transport
from liaison.exchange.envelope import Attachment
from liaison.exchange.models import (
    Cursor,
    IncomingChunk,
    IncomingEnvelope,
    OutgoingChunk,
    OutgoingEnvelope,
    Peer,
    Receipt,
)
from tests.conftest import make_account
from tests.exchange.conftest import Node, paired_nodes, wait_for
from tests.exchange.test_delivery import accepted, count, send_pings
from tests.exchange.test_messages_e2e import UNIT

# one worker holds this module's shared fixture (started once, not once per worker)
pytestmark = pytest.mark.xdist_group("exchange-faults")


def incoming_sequences(node: Node) -> list[int]:
    with unit_of_work(node.engine()) as session:
        return list(session.scalars(select(IncomingEnvelope.sequence).order_by(IncomingEnvelope.sequence)))


def settled_sequences(node: Node) -> list[int]:
    """The sequences `node` settled from its peer (accepted or finally rejected): gap-free."""
    with unit_of_work(node.engine()) as session:
        return list(session.scalars(select(Receipt.sequence).order_by(Receipt.sequence)))


def answers_queued(node: Node) -> int:
    """Pings applied on `node`: each application queues exactly one `answered` evidence back."""
    return count(
        node,
        select(func.count())
        .select_from(OutgoingEnvelope)
        .where(OutgoingEnvelope.type == evidence.EVIDENCE_TYPE),
    )


def test_receiver_killed_midway_through_1000_messages_applies_each_once_gap_free(
    node_pair: tuple[Node, Node],
) -> None:

    a, b = node_pair
    sent = send_pings(a, "node-b", 1000)
    wait_for(
        lambda: count(b, select(func.count()).select_from(IncomingEnvelope)) > 0, every=0.01
    )  # at the first batch: most of the run is still to come
    b.kill()
    assert count(b, select(func.count()).select_from(IncomingEnvelope)) < 1000, "killed midway, not after"
    b.start()
    wait_for(lambda: accepted(a) == 1000, timeout=180)
    assert incoming_sequences(b) == list(range(1, 1001))
    assert settled_sequences(b) == list(range(1, 1001))
    with unit_of_work(b.engine()) as session:
        received = set(session.scalars(select(IncomingEnvelope.message_id)))
    assert received == set(sent)
    assert answers_queued(b) == 1000  # the handler ran once per message, not once per delivery
    with unit_of_work(a.engine()) as session:
        cursor = session.scalar(
            select(Cursor).join(Peer, Peer.id == Cursor.peer_id).where(Peer.node_id == "node-b")
        )
        assert cursor is not None and cursor.last_acked == cursor.last_sequence == 1000


def chunk_uploads(node: Node, since: int) -> int:
    """Chunk uploads `node` answered after byte `since` of its server log (uvicorn's access log)."""
    with (node.home / "serve.log").open("rb") as log:
        log.seek(since)
        return log.read().count(f"{transport.NODE_PREFIX}/chunks HTTP/".encode())


def acked_chunks(node: Node) -> int:
    return count(node, select(func.count()).select_from(OutgoingChunk).where(OutgoingChunk.acked.is_(True)))


def test_receiver_killed_midway_through_a_40_mb_attachment_resumes_with_the_chunks_it_lacks(
    node_pair: tuple[Node, Node],
) -> None:
    """B dies (SIGKILL) with part of an attachment's chunks received: it keeps those, and A, once B
    is back, uploads only the chunks B had not acknowledged; the file arrives whole."""
    a, b = node_pair
    officer = make_account(a.engine(), "officer", "officer.a", unit=UNIT)
    reader = make_account(b.engine(), "officer", "officer.b", unit=UNIT)
    content = os.urandom(40 * 2**20)
    total = -(-len(content) // envelope.CHUNK_SIZE)
    with unit_of_work(a.engine()) as session:
        peer_b = peers.get(session, "node-b").id
    composed = httpx.post(
        a.url + "/exchange/compose",
        data={"peer_id": str(peer_b), "subject": "Case file", "handling_code": "H1", "to_unit": UNIT},
        files={"attachment": ("case.bin", content, "application/octet-stream")},
        headers=officer.headers,
        timeout=60,
    )
    assert composed.status_code == 303, composed.text
    wait_for(lambda: acked_chunks(a) >= total // 4, every=0.01)
    b.kill()
    acked = acked_chunks(a)  # no upload succeeds while B is down: this is what A knows B holds
    assert acked < total, "killed midway through the file, not after it"
    held = count(b, select(func.count()).select_from(IncomingChunk))
    assert acked <= held < total, "B kept every chunk it acknowledged"
    log_end = (b.home / "serve.log").stat().st_size
    b.start()

    def inbox() -> list[dict[str, Any]]:
        response = httpx.get(
            b.url + "/api/v1/exchange/messages?box=inbox", headers=reader.headers, timeout=30
        )
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    wait_for(lambda: len(inbox()) == 1, timeout=60)
    download = httpx.get(
        f"{b.url}/exchange/messages/{inbox()[0]['id']}/attachments/0", headers=reader.headers, timeout=60
    )
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(content).hexdigest()
    assert chunk_uploads(b, log_end) == total - acked, "only the chunks B had not acknowledged"
    assert acked_chunks(a) == total


@pytest.fixture(scope="module")
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Node, Node]]:
    """One SQLite pair for the tests below, which count what they add."""
    with paired_nodes("sqlite", ("node-a", "node-b"), request, tmp_path_factory.mktemp("faults")) as (a, b):
        yield a, b


@contextmanager
def writers_held_off(node: Node) -> Iterator[sqlite3.Connection]:
    """Hold `node`'s SQLite write lock: its receiver reads (WAL) but waits to store anything.

    Yields the holding connection, the one that can still read `node`'s tables meanwhile."""
    connection = sqlite3.connect(node.engine_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield connection
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def test_sender_killed_mid_batch_loses_nothing_and_the_outbox_drains(pair: tuple[Node, Node]) -> None:
    """A dies with its batch in flight: B stores it after A is gone, A sends it again, B answers once."""
    a, b = pair
    before_b, before_a = count(b, select(func.count()).select_from(IncomingEnvelope)), accepted(a)
    with writers_held_off(b) as holder:
        sent = send_pings(a, "node-b", 400)
        time.sleep(1.5)  # A's worker polls every 0.05 s: its batch is now waiting on B's database
        a.kill()
        (stored,) = holder.execute(f"SELECT count(*) FROM {IncomingEnvelope.__tablename__}").fetchone()
        arrived = stored - before_b
        assert arrived == 0, "killed with the batch in flight, before B stored any of it"
    assert accepted(a) == before_a, "A died before it saw a receipt"
    a.start()
    wait_for(lambda: accepted(a) - before_a == 400, timeout=180)
    with unit_of_work(b.engine()) as session:
        received = list(
            session.scalars(select(IncomingEnvelope.message_id).where(IncomingEnvelope.message_id.in_(sent)))
        )
    assert sorted(received) == sorted(sent), "each message stored once"
    assert settled_sequences(b) == list(range(1, len(settled_sequences(b)) + 1))
    assert (
        count(a, select(func.count()).select_from(OutgoingEnvelope).where(OutgoingEnvelope.state == "queued"))
        == 0
    )


# --- forged and faulty envelopes, posted straight to node B as node A's software would ---


class Forger:
    """Makes envelopes as node A, with B's next sequence, and posts them to B."""

    def __init__(self, a: Node, b: Node) -> None:
        self.a, self.b = a, b
        self.identity = a.identity
        self.client = httpx.Client(timeout=30)

    def next_sequence(self) -> int:
        with unit_of_work(self.b.engine()) as session:
            peer = session.scalar(select(Peer).where(Peer.node_id == "node-a"))
            assert peer is not None
            cursor = session.get(Cursor, peer.id)
            return (cursor.last_received if cursor else 0) + 1

    def seal(self, sequence: int | None = None, **changes: Any) -> envelope.Sealed:
        values: dict[str, Any] = {
            "recipient": "node-b",
            "recipient_encryption_key": self.b.identity.encryption_public,
            "message_id": envelope.uuid7(),
            "sequence": sequence or self.next_sequence(),
            "created": utcnow(),
            "type": evidence.PING_TYPE,
            "body": {"forged": True},
            "handling_code": "H0",
        }
        values.update(changes)
        return envelope.seal(self.identity, **values)

    @staticmethod
    def item(sealed: envelope.Sealed, signature: bytes | None = None) -> dict[str, str]:
        return {
            "header": receiver.b64(sealed.header_bytes),
            "signature": receiver.b64(signature if signature is not None else sealed.signature),
            "body": receiver.b64(sealed.ciphertext),
        }

    def post(self, *items: dict[str, str], identity: keys.Identity | None = None) -> httpx.Response:
        return transport.post(
            self.client, identity or self.identity, self.b.url, "envelopes", {"envelopes": list(items)}
        )

    def receipt(self, item: dict[str, str]) -> dict[str, Any]:
        response = self.post(item)
        assert response.status_code == 200, response.text
        signed = response.json()["receipts"][0]
        data = base64.b64decode(signed["receipt"])
        assert envelope.verify(data, base64.b64decode(signed["signature"]), [self.b.identity.signing_public])
        document: dict[str, Any] = {**orjson.loads(data), "_signed": signed}
        return document

    def stored(self) -> int:
        return count(self.b, select(func.count()).select_from(IncomingEnvelope))

    def refusals(self, reason: str) -> int:
        return count(
            self.b,
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "refuse", AuditEvent.detail.startswith(reason)),
        )

    def release_sequences(self) -> None:
        """A's own log continues after the sequences these forged envelopes took on B."""
        taken = self.next_sequence() - 1
        with unit_of_work(self.a.engine()) as session:
            peer = session.scalar(select(Peer).where(Peer.node_id == "node-b"))
            assert peer is not None
            cursor = session.get(Cursor, peer.id)
            assert cursor is not None
            cursor.last_sequence = max(cursor.last_sequence, taken)
            cursor.last_acked = max(cursor.last_acked, taken)


@pytest.fixture
def forger(pair: tuple[Node, Node]) -> Iterator[Forger]:
    a, b = pair
    # nothing of A's own in flight while envelopes are forged in its name
    wait_for(
        lambda: (
            count(
                a,
                select(func.count()).select_from(OutgoingEnvelope).where(OutgoingEnvelope.state == "queued"),
            )
            == 0
        )
    )
    made = Forger(a, b)
    yield made
    made.release_sequences()
    made.client.close()


def assert_refused(forger: Forger, item: dict[str, str], reason: str, final: bool = False) -> dict[str, Any]:
    stored, logged = forger.stored(), forger.refusals(reason)
    receipt = forger.receipt(item)
    assert (receipt["status"], receipt["reason"], receipt["final"]) == ("rejected", reason, final)
    assert forger.stored() == stored, "nothing stored"
    assert forger.refusals(reason) == logged + 1, "the refusal is in the audit trail"
    return receipt


def test_a_tampered_signature_is_refused(forger: Forger) -> None:
    sealed = forger.seal()
    signature = bytearray(sealed.signature)
    signature[0] ^= 0x01
    assert_refused(forger, forger.item(sealed, bytes(signature)), "bad_signature")
    tampered_body = {**forger.item(sealed), "body": receiver.b64(sealed.ciphertext[:-1] + b"\x00")}
    assert_refused(forger, tampered_body, "bad_signature")


def test_an_envelope_for_another_node_is_refused(forger: Forger) -> None:
    assert_refused(forger, forger.item(forger.seal(recipient="node-c")), "wrong_recipient")


def test_a_replay_is_answered_with_the_first_receipt_and_applied_once(forger: Forger) -> None:
    original = forger.item(forger.seal())
    first = forger.receipt(original)
    assert first["status"] == "accepted"
    stored, applied = forger.stored(), answers_queued(forger.b)
    again = forger.receipt(original)
    assert again["_signed"] == first["_signed"], "the very same signed receipt"
    assert (forger.stored(), answers_queued(forger.b)) == (stored, applied)
    reused = forger.item(forger.seal(sequence=first["sequence"]))
    assert_refused(forger, reused, "replay")


def test_a_stale_envelope_is_refused(forger: Forger) -> None:
    sequence = forger.next_sequence()
    old = forger.seal(created=utcnow() - timedelta(days=30))
    assert_refused(forger, forger.item(old), "stale")  # not final: the sender seals it again
    assert forger.next_sequence() == sequence, "nothing settled: the sequence waits for it"
    header, signature = envelope.restamp(forger.identity, old.header_bytes, utcnow())
    resealed = {
        "header": receiver.b64(header),
        "signature": receiver.b64(signature),
        "body": forger.item(old)["body"],
    }
    stored = forger.stored()
    receipt = forger.receipt(resealed)
    assert (receipt["status"], receipt["sequence"]) == ("accepted", sequence)
    assert receipt["header_sha256"] == envelope.digest(header)
    assert forger.stored() == stored + 1


def test_an_envelope_sealed_again_after_it_settled_gets_its_first_receipt(forger: Forger) -> None:
    """The sender lost the receipt (killed, or the partner away for days) and sealed the envelope
    again with a fresh time: the same message at the same sequence, applied once."""
    original = forger.seal()
    first = forger.receipt(forger.item(original))
    assert first["status"] == "accepted"
    stored, applied = forger.stored(), answers_queued(forger.b)
    header, signature = envelope.restamp(forger.identity, original.header_bytes, utcnow())
    again = forger.receipt(
        {
            "header": receiver.b64(header),
            "signature": receiver.b64(signature),
            "body": forger.item(original)["body"],
        }
    )
    assert again["_signed"] == first["_signed"], "the receipt kept for it, naming the first header"
    assert (
        first["header_sha256"] == envelope.digest(original.header_bytes) == orjson.loads(header)["replaces"]
    )
    assert (forger.stored(), answers_queued(forger.b)) == (stored, applied)


def test_an_out_of_order_envelope_names_the_expected_sequence(forger: Forger) -> None:
    expected = forger.next_sequence()
    receipt = assert_refused(forger, forger.item(forger.seal(sequence=expected + 5)), "out_of_order")
    assert receipt["expected"] == expected


def test_an_oversized_body_is_refused(forger: Forger) -> None:
    big = forger.seal(body={"text": "x" * 300_000})
    assert_refused(forger, forger.item(big), "too_large", final=True)


def test_an_unknown_type_is_refused(forger: Forger) -> None:
    assert_refused(forger, forger.item(forger.seal(type="no.such.type")), "unknown_type", final=True)


def test_unknown_and_suspended_peers_are_refused_before_anything_is_read(
    forger: Forger, tmp_path: Path
) -> None:
    stranger = keys.init("node-x", home=tmp_path / "x")
    stored = forger.stored()
    response = forger.post(forger.item(forger.seal()), identity=stranger)
    assert (response.status_code, response.json()["reason"]) == (403, "unknown_peer")
    admin = forger.b.admin
    assert admin is not None
    status_url = f"{forger.b.url}/api/v1/exchange/peers/node-a/status"
    suspend = httpx.post(status_url, json={"status": "suspended", "reason": "test"}, headers=admin.headers)
    assert suspend.status_code == 200, suspend.text
    try:
        response = forger.post(forger.item(forger.seal()))
        assert (response.status_code, response.json()["reason"]) == (403, "suspended_peer")
    finally:
        httpx.post(status_url, json={"status": "active", "reason": "test over"}, headers=admin.headers)
    assert forger.stored() == stored
    with unit_of_work(forger.b.engine()) as session:
        reasons = set(
            session.scalars(
                select(AuditEvent.detail).where(
                    AuditEvent.action == "refuse", AuditEvent.object_type == "exchange_call"
                )
            )
        )
    assert {"unknown_peer", "suspended_peer"} <= reasons


def test_a_chunk_with_a_wrong_digest_is_refused_and_the_right_one_completes_the_message(
    forger: Forger,
) -> None:
    content = bytes(range(256)) * 4096  # 1 MiB: two chunks
    sealed = forger.seal(attachments=[Attachment("file.bin", content)])

    def chunk(number: int, data: bytes) -> dict[str, Any]:
        document = {
            "header": receiver.b64(sealed.header_bytes),
            "signature": receiver.b64(sealed.signature),
            "attachment": 0,
            "chunk": number,
            "data": receiver.b64(data),
        }
        answer: dict[str, Any] = transport.post(
            forger.client, forger.identity, forger.b.url, "chunks", document
        ).json()
        return answer

    def held() -> int:
        return count(forger.b, select(func.count()).select_from(IncomingChunk))

    before, logged = held(), forger.refusals("bad_chunk_digest")
    wrong = sealed.chunks[0][0][:-1] + bytes([sealed.chunks[0][0][-1] ^ 1])
    assert chunk(0, wrong) == {"status": "rejected", "reason": "bad_chunk_digest"}
    assert held() == before
    assert forger.refusals("bad_chunk_digest") == logged + 1
    assert chunk(0, sealed.chunks[0][0])["status"] == "accepted"
    assert_refused(forger, forger.item(sealed), "missing_chunks")  # the second chunk is not there yet
    assert chunk(1, sealed.chunks[0][1])["status"] == "accepted"
    assert chunk(1, sealed.chunks[0][1])["status"] == "accepted"  # resending a held chunk is harmless
    assert forger.receipt(forger.item(sealed))["status"] == "accepted"
    with unit_of_work(forger.b.engine()) as session:
        incoming = session.scalar(
            select(IncomingEnvelope).where(IncomingEnvelope.message_id == sealed.header["message_id"])
        )
        assert incoming is not None
        assert receiver.attachment(session, forger.b.identity, incoming, 0) == (
            "file.bin",
            "application/octet-stream",
            content,
        )


def test_an_oversized_attachment_is_refused(forger: Forger) -> None:
    """An attachment the header says is larger than the receiver takes: refused before any chunk
    is asked for (the header, signed by the sender, is what the receiver checks)."""
    sealed = forger.seal(attachments=[Attachment("big.bin", b"x" * 1024)])
    header = {**sealed.header}
    header["attachments"] = [{**header["attachments"][0], "size": 2**40}]  # beyond any setting
    header_bytes = envelope.canonical(header)
    item = {
        "header": receiver.b64(header_bytes),
        "signature": receiver.b64(forger.identity.signing.sign(header_bytes).signature),
        "body": receiver.b64(sealed.ciphertext),
    }
    assert_refused(forger, item, "too_large", final=True)


def test_an_unverified_peer_is_refused_with_the_reason(forger: Forger) -> None:
    def verified(flag: bool) -> None:
        with unit_of_work(forger.b.engine()) as session:
            peer = session.scalar(select(Peer).where(Peer.node_id == "node-a"))
            assert peer is not None
            peer.fingerprint_verified = flag

    stored = forger.stored()
    verified(False)
    try:
        response = forger.post(forger.item(forger.seal()))
        assert (response.status_code, response.json()["reason"]) == (403, "unverified_peer")
    finally:
        verified(True)
    assert forger.stored() == stored
    with unit_of_work(forger.b.engine()) as session:
        refused = session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "refuse", AuditEvent.object_type == "exchange_call"
            )
        ).all()
    assert "unverified_peer" in refused
