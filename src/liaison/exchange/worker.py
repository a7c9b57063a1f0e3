"""The delivery worker: drains each peer's outgoing log in sequence order, in batches, with backoff.

Batches are pipelined: the next one is on the wire while the receipts of the last are checked and
stored. The log is the truth. The worker keeps nothing in memory that matters: killed at any point (even
SIGKILL between the partner's commit and its own), it starts again from the envelopes still
`queued`, that is from the last sequence the partner acknowledged; the partner answers a
duplicate with the receipt it gave the first time. Attachment chunks go first, each marked once the
partner holds it, so a large file resumes where it stopped.

No queued envelope goes stale. Before a batch leaves, an envelope whose `created` is older than the
partner's freshness window less a margin (`RESTAMP_MARGIN`) is sealed again (`envelope.restamp`:
same message id, sequence, ciphertext and attachments, a fresh `created`, `queued` and `replaces`
signed in) and its new header stored in place of the old in its log row, audited as `restamp`.
A `stale` receipt (the partner's clock or window differs) does the same for that envelope, and from
then on the worker also seals again, before they leave, the envelopes older than half the age the
partner refused (its window is narrower than this node's); one refused as stale although sealed
moments ago means the clocks disagree by more than the window: the worker backs off instead of
sealing it again and again.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.db import get_engine, unit_of_work, utcnow
from liaison.core.settings import get_settings
from liaison.exchange import envelope, keys, rotation, transport
from liaison.exchange.keys import Identity
from liaison.exchange.models import Evidence, OutgoingChunk, OutgoingEnvelope, Peer
from liaison.exchange.outbox import lock_cursor
from liaison.exchange.receiver import peer_signing_keys

log = logging.getLogger(__name__)
BATCH_BYTES = 900_000  # under the default 1 MiB request limit, with room for the JSON around it
MAX_BACKOFF = 60.0
PIPELINE_BATCHES = 50  # batches per peer in one round, so one busy peer does not starve the others
_Row = tuple[int, bytes, bytes, bytes, int, int]  # id, header, signature, ciphertext, attachments, sequence
RESTAMP_MARGIN = timedelta(hours=6)  # sealed again this long before the window would refuse it
RESEALED_JUST_NOW = timedelta(minutes=1)  # refused as stale sooner after sealing: the clocks differ


def restamp_cutoff(now: datetime) -> datetime:
    """Envelopes created before this are sealed again before they are sent: the freshness window
    less a margin (a quarter of the window when that is shorter), so none arrives stale."""
    window = timedelta(hours=get_settings().exchange_freshness_hours)
    return now - window + min(RESTAMP_MARGIN, window / 4)


def _created(header: bytes) -> datetime:
    created: str = orjson.loads(header)["created"]
    return envelope.parse_timestamp(created)


class DeliveryError(RuntimeError):
    """A partner did not answer as a node should (down, refusing the call, a bad receipt)."""


@dataclass
class _Backoff:
    delay: float = 0.0
    until: float = 0.0


@dataclass
class _Landed:
    """A batch the partner answered: its rows, their receipts, when it left, whether all of it
    left (a refused chunk holds back the envelopes from that one on)."""

    row_ids: list[int]
    receipts: list[Any]
    sent_at: Any
    whole: bool


def _ignore_outcome(sending: Future[_Landed]) -> None:
    """Wait for a batch sent after one that did not settle: its envelopes stay queued and go again."""
    try:
        sending.result()
    except (httpx.HTTPError, DeliveryError) as error:
        log.info("a pipelined batch failed after an unsettled one (%s); it is sent again", error)


@dataclass
class Worker:
    """Delivery to every active, verified peer; `run` loops, `pass_once` does one round."""

    engine: Engine
    home: Path | None = None  # where this node's keys are (the settings' home by default)
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30.0))
    backoff: dict[int, _Backoff] = field(default_factory=dict)
    _clocks_differ: set[int] = field(default_factory=set)  # peers that refused a fresh seal as stale
    _refused_age: dict[int, timedelta] = field(default_factory=dict)  # the youngest age refused as stale
    _sender: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="exchange-send")
    )

    @property
    def identity(self) -> Identity:
        """This node's keys, read again when a rotation rewrote them while the worker runs."""
        return keys.load(self.home)

    def close(self) -> None:
        self._sender.shutdown(wait=True)
        self.client.close()

    def peers(self) -> list[tuple[int, str, str]]:
        with unit_of_work(self.engine) as session:
            rows = session.execute(
                select(Peer.id, Peer.node_id, Peer.base_url).where(
                    Peer.status == "active", Peer.fingerprint_verified.is_(True)
                )
            )
            return [(r.id, r.node_id, r.base_url) for r in rows]

    def pass_once(self) -> int:
        """One round over the peers: how many envelopes were settled (accepted or rejected)."""
        settled = 0
        now = time.monotonic()
        for peer_id, node_id, base_url in self.peers():
            state = self.backoff.setdefault(peer_id, _Backoff())
            if state.until > now:
                continue
            try:
                done = self.deliver(peer_id, base_url)
            except (httpx.HTTPError, DeliveryError) as error:
                state.delay = min(MAX_BACKOFF, max(0.5, state.delay * 2))
                state.until = time.monotonic() + state.delay
                log.warning("delivery to %s failed (%s); next try in %.1f s", node_id, error, state.delay)
                continue
            state.delay, state.until = 0.0, 0.0
            settled += done
        return settled

    def run(self, once: bool = False, stop: threading.Event | None = None) -> int:
        """Deliver until stopped (or, with `once`, until a round settles nothing)."""
        stop = stop or threading.Event()
        total = 0
        poll = get_settings().exchange_poll_seconds
        while not stop.is_set():
            settled = self.pass_once()
            total += settled
            if settled == 0:
                if once:
                    break
                stop.wait(poll)
        return total

    def deliver(self, peer_id: int, base_url: str) -> int:
        """Send one peer's log batch after batch, pipelined: batch k+1 travels while the receipts
        of batch k are checked and stored. The partner still sees the batches in sequence order
        (the next one leaves only once the last one is answered); a batch that does not settle
        whole stops the run, and whatever was sent after it stays queued and is sent again (the
        partner answers a duplicate with its first receipt)."""
        settled = 0
        landed: _Landed | None = None
        after = 0
        for _ in range(PIPELINE_BATCHES):
            batch, known = self._next_batch(peer_id, after)
            sending = self._sender.submit(self._post, base_url, known, batch) if batch else None
            if landed is not None:
                done = self._settle_landed(peer_id, landed)
                settled += done
                if done < len(landed.row_ids) or not landed.whole:
                    if sending is not None:
                        _ignore_outcome(sending)
                    self._check_clocks(peer_id)
                    return settled
            if sending is None:
                return settled
            landed = sending.result()
            if not landed.row_ids:
                return settled
            after = batch[len(landed.row_ids) - 1][5]
        if landed is not None:
            settled += self._settle_landed(peer_id, landed)
            self._check_clocks(peer_id)
        return settled

    def _check_clocks(self, peer_id: int) -> None:
        """Back off from a partner that refused as stale an envelope sealed moments ago."""
        if peer_id in self._clocks_differ:
            self._clocks_differ.discard(peer_id)
            raise DeliveryError("refused as stale although sealed just now: the clocks of the nodes differ")

    def _post(self, base_url: str, known: Identity, batch: list[_Row]) -> _Landed:
        """Upload the chunks, post the envelopes signed as the partner knows this node (`known`),
        return what the partner answered (no database write: this runs beside the settling of the
        batch before)."""
        ready: list[_Row] = []
        for row in batch:
            if row[4] and not self._send_chunks(row[0], row[1], row[2], base_url, known):
                break
            ready.append(row)
        if not ready:
            return _Landed([], [], utcnow(), whole=False)
        document = {
            "envelopes": [{"header": _b64(r[1]), "signature": _b64(r[2]), "body": _b64(r[3])} for r in ready]
        }
        sent_at = utcnow()
        response = transport.post(self.client, known, base_url, "envelopes", document)
        if response.status_code != 200:
            raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")
        receipts = response.json().get("receipts")
        if not isinstance(receipts, list) or len(receipts) != len(ready):
            raise DeliveryError("the partner's answer has not one receipt per envelope")
        return _Landed([r[0] for r in ready], receipts, sent_at, whole=len(ready) == len(batch))

    def _settle_landed(self, peer_id: int, landed: _Landed) -> int:
        with unit_of_work(self.engine) as session:
            return self._settle(session, peer_id, landed.row_ids, landed.receipts, landed.sent_at)

    def _next_batch(self, peer_id: int, after: int = 0) -> tuple[list[_Row], Identity]:
        """The next queued envelopes in sequence order, after sequence `after` (those in flight),
        and the keys the partner knows this node by (its last rotation may not have reached it)."""
        limit = get_settings().exchange_batch
        with unit_of_work(self.engine) as session:
            rows = session.execute(
                select(
                    OutgoingEnvelope.id,
                    OutgoingEnvelope.header,
                    OutgoingEnvelope.signature,
                    OutgoingEnvelope.ciphertext,
                    OutgoingEnvelope.attachments,
                    OutgoingEnvelope.sequence,
                )
                .where(
                    OutgoingEnvelope.peer_id == peer_id,
                    OutgoingEnvelope.state == "queued",
                    OutgoingEnvelope.sequence > after,
                )
                .order_by(OutgoingEnvelope.sequence)
                .limit(limit)
            ).all()
            batch: list[_Row] = []
            size = 0
            for row in rows:
                size += (len(row.header) + len(row.signature) + len(row.ciphertext)) * 4 // 3 + 80
                if batch and size > BATCH_BYTES:
                    break
                batch.append(
                    (row.id, row.header, row.signature, row.ciphertext, row.attachments, row.sequence)
                )
            now = utcnow()
            cutoff = restamp_cutoff(now)
            if peer_id in self._refused_age:  # the partner's window is narrower than this node's
                cutoff = max(cutoff, now - self._refused_age[peer_id] / 2)
            old = [i for i, r in enumerate(batch) if _created(r[1]) < cutoff]
            if old:
                resealed = self._restamp(session, peer_id, [(batch[i][0], batch[i][1]) for i in old], now)
                for i in old:
                    header, signature = resealed[batch[i][0]]
                    batch[i] = (batch[i][0], header, signature, *batch[i][3:])
            return batch, rotation.known_identity(session, self.identity, peer_id)

    def _restamp(
        self, session: Session, peer_id: int, rows: list[tuple[int, bytes]], now: datetime
    ) -> dict[int, tuple[bytes, bytes]]:
        """Seal these queued envelopes (id, header) again with the time `now` and store the new
        headers in their log rows; one `restamp` audit event for them all. What they carry, their
        sequences and message ids do not change; each is signed again with the keys it was sealed
        with, which the partner knows at that point of the log even after a rotation."""
        resealed = {row_id: envelope.restamp(self._sealer(header), header, now) for row_id, header in rows}
        session.execute(
            update(OutgoingEnvelope),
            [{"id": i, "header": h, "signature": s} for i, (h, s) in resealed.items()],
        )
        sequences = sorted(orjson.loads(h)["sequence"] for h, _ in resealed.values())
        queued = min(orjson.loads(h)["queued"] for h, _ in resealed.values())
        audit.record(
            session,
            audit.SYSTEM_ACTOR,
            "restamp",
            "exchange_peer",
            peer_id,
            detail=(
                f"{len(sequences)} envelope(s), #{sequences[0]}..#{sequences[-1]}, sealed again at "
                f"{envelope.timestamp(now)} (first queued {queued})"
            ),
        )
        return resealed

    def _sealer(self, header: bytes) -> Identity:
        """The keys an envelope was sealed with (its `from_key`), the current ones if dropped."""
        identity = self.identity
        return identity.generation(str(orjson.loads(header)["from_key"])) or identity

    def _send_chunks(
        self, row_id: int, header: bytes, signature: bytes, base_url: str, known: Identity
    ) -> bool:
        """Upload the chunks the partner does not hold yet; False when one is refused."""
        with unit_of_work(self.engine) as session:
            pending = session.execute(
                select(OutgoingChunk.id, OutgoingChunk.attachment, OutgoingChunk.chunk)
                .where(OutgoingChunk.envelope_id == row_id, OutgoingChunk.acked.is_(False))
                .order_by(OutgoingChunk.attachment, OutgoingChunk.chunk)
            ).all()
        for chunk_id, index, number in pending:
            with unit_of_work(self.engine) as session:
                data = session.scalar(select(OutgoingChunk.data).where(OutgoingChunk.id == chunk_id))
            assert data is not None
            document = {
                "header": _b64(header),
                "signature": _b64(signature),
                "attachment": index,
                "chunk": number,
                "data": _b64(data),
            }
            response = transport.post(self.client, known, base_url, "chunks", document)
            if response.status_code != 200:
                raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")
            answer = response.json()
            with unit_of_work(self.engine) as session:
                if answer.get("status") == "accepted":
                    session.execute(
                        update(OutgoingChunk).where(OutgoingChunk.id == chunk_id).values(acked=True)
                    )
                else:
                    reason = str(answer.get("reason", ""))[:60]
                    session.execute(
                        update(OutgoingEnvelope)
                        .where(OutgoingEnvelope.id == row_id)
                        .values(reject_reason=reason)
                    )
                    return False
        return True

    def _settle(
        self, session: Session, peer_id: int, row_ids: list[int], receipts: list[Any], sent_at: Any
    ) -> int:
        """Check each receipt in order and store it with its evidence; the envelopes' new states
        go in one bulk update by id (no envelope is loaded whole: its ciphertext stays put)."""
        peer = session.get(Peer, peer_id)
        assert peer is not None
        cursor = lock_cursor(session, peer_id)
        rows = {
            r.id: r
            for r in session.execute(
                select(
                    OutgoingEnvelope.id,
                    OutgoingEnvelope.message_id,
                    OutgoingEnvelope.sequence,
                    OutgoingEnvelope.sent_at,
                ).where(OutgoingEnvelope.id.in_(row_ids))
            )
        }
        signing_keys = peer_signing_keys(peer)
        settled = 0
        changes: list[dict[str, Any]] = []
        evidence: list[dict[str, Any]] = []
        rejected: list[tuple[int, str]] = []
        rewind_to: int | None = None
        acked_at = utcnow()
        for row_id, signed in zip(row_ids, receipts, strict=True):
            row = rows[row_id]
            receipt = _verified_receipt(signed, signing_keys)
            if receipt is None or receipt.get("message_id") != row.message_id:
                raise DeliveryError(f"receipt for {row.message_id} is not signed by {peer.node_id}")
            reason = str(receipt.get("reason", ""))[:60]
            if not receipt.get("final"):
                changes.append({"id": row_id, "sent_at": row.sent_at or sent_at, "reject_reason": reason})
                if reason == "stale":
                    self._stale(session, peer_id, row_id)
                expected = receipt.get("expected")
                if (
                    receipt.get("reason") == "out_of_order"
                    and isinstance(expected, int)
                    and expected <= cursor.last_acked
                ):
                    rewind_to = expected
                break
            at = envelope.parse_timestamp(receipt["at"])
            state = "accepted" if receipt["status"] == "accepted" else "rejected"
            changes.append(
                {
                    "id": row_id,
                    "sent_at": row.sent_at or sent_at,
                    "state": state,
                    "reject_reason": reason,
                    "receipt": orjson.dumps(signed),
                    "acked_at": acked_at,
                }
            )
            signature = base64.b64decode(signed["signature"])
            evidence.extend(
                {
                    "message_id": row.message_id,
                    "stage": stage,
                    "node": peer.node_id,
                    "user": "",
                    "at": at,
                    "reason": reason,
                    "signature": signature,
                }
                for stage in receipt.get("stages", [state])
            )
            if state == "rejected":
                rejected.append((row_id, reason))
            if row.sequence == cursor.last_acked + 1:
                cursor.last_acked = row.sequence
            settled += 1
        _update_by_id(session, changes)
        for row_id, reason in rejected:
            refused = session.get(OutgoingEnvelope, row_id)
            assert refused is not None
            audit.record(
                session,
                refused.actor or audit.SYSTEM_ACTOR,
                "status",
                "exchange_envelope",
                refused.message_id,
                detail=f"rejected by {peer.node_id}: {reason}",
                protected=refused,
            )
        if rewind_to is not None:
            self._rewind(session, peer_id, rewind_to, cursor)
        if evidence:
            session.execute(insert(Evidence), evidence)
        return settled

    def _stale(self, session: Session, peer_id: int, row_id: int) -> None:
        """The partner refused an envelope as stale: seal it again now, unless it was sealed just
        now (then the clocks differ and sealing again cannot help: `deliver` backs off)."""
        header = session.scalar(
            select(OutgoingEnvelope.header).where(
                OutgoingEnvelope.id == row_id, OutgoingEnvelope.state == "queued"
            )
        )
        if header is None:
            return
        now = utcnow()
        age = now - _created(header)
        if age < RESEALED_JUST_NOW:
            self._clocks_differ.add(peer_id)
            return
        # the envelopes after it are younger, but may be too old for this partner all the same:
        # from now on those older than half this age are sealed again before they leave
        self._refused_age[peer_id] = min(age, self._refused_age.get(peer_id, age))
        self._restamp(session, peer_id, [(row_id, header)], now)

    @staticmethod
    def _rewind(session: Session, peer_id: int, expected: int, cursor: Any) -> None:
        """The partner lost envelopes it had acknowledged (a restored backup): send them again."""
        session.execute(
            update(OutgoingEnvelope)
            .where(OutgoingEnvelope.peer_id == peer_id, OutgoingEnvelope.sequence >= expected)
            .values(state="queued")
        )
        cursor.last_acked = expected - 1


def _update_by_id(session: Session, changes: list[dict[str, Any]]) -> None:
    """The settled envelopes' new columns, one executemany per set of columns changed."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        groups.setdefault(tuple(change), []).append(change)
    for group in groups.values():
        session.execute(update(OutgoingEnvelope), group)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _verified_receipt(signed: Any, signing_keys: list[str]) -> dict[str, Any] | None:
    try:
        data, signature = base64.b64decode(signed["receipt"]), base64.b64decode(signed["signature"])
    except (KeyError, TypeError, ValueError):
        return None
    if not envelope.verify(data, signature, signing_keys):
        return None
    document: dict[str, Any] = orjson.loads(data)
    return document


def run(once: bool = False, stop: threading.Event | None = None, engine: Engine | None = None) -> int:
    """`liaison exchange deliver`: this node's worker on the configured database."""
    keys.load()  # no keys, no worker: say so at once
    worker = Worker(engine or get_engine())
    try:
        return worker.run(once=once, stop=stop)
    finally:
        worker.close()


def start_in_app(app: Any) -> None:
    """The capability's start-up: run the worker in a daemon thread when `exchange_worker` is set."""
    if not get_settings().exchange_worker or not keys.exists():
        return
    stop = threading.Event()
    app.state.exchange_stop = stop
    thread = threading.Thread(
        target=run, kwargs={"stop": stop, "engine": app.state.engine}, name="exchange-delivery", daemon=True
    )
    thread.start()
