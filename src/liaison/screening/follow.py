"""One server process's index follows the subject change log (`changelog.py`).

A `Follower` is started with the index and the log's head as it was read *before* the index was
built (`startup.start`): a change committed after that read has a larger number and is applied,
one committed before it is in the build. It then applies every change numbered after the last one
it applied (`applied`), reloading those subjects from the database (`live.refresh`):

- on SQLite it looks at the head every `LIAISON_SCREENING_POLL_SECONDS` (0.5 s);
- on PostgreSQL it `LISTEN`s on `liaison_subject_change` and is woken by the writer's `NOTIFY`
  (sent at commit), and still looks every `SAFETY_SECONDS` in case a notification was lost with
  a dropped connection (it then reconnects).

Rows this process wrote for this index (`origin` = its token) were applied after commit already
and are only counted. If the first change after `applied` is missing, it was pruned
(`LIAISON_SCREENING_CHANGE_RETENTION_HOURS`) while this process was behind: the whole index is
reloaded. A head below `applied` (a database restored from a backup) does the same. The follower
also prunes the log, at most every `PRUNE_SECONDS`.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from liaison.screening import changelog, live
from liaison.screening.engine import ScreeningIndex

log = logging.getLogger(__name__)
SAFETY_SECONDS = 10.0
LISTEN_WAIT_SECONDS = 0.25  # how long one wait for a notification lasts (stop and wake are seen after it)
PRUNE_SECONDS = 600.0
READY_WAIT_SECONDS = 0.5  # how long `/readyz` lets a follower that is behind catch up


class Follower:
    """Keeps `index` current with the change log of `engine`, in a thread of its own."""

    def __init__(
        self,
        engine: Engine,
        index: ScreeningIndex,
        applied: int | None,
        *,
        poll_seconds: float = 0.5,
        retention_hours: float = 24.0,
    ) -> None:
        self.engine = engine
        self.index = index
        self.applied = applied  # None: the log could not be read when the index was built
        self.poll_seconds = poll_seconds
        self.retention_hours = retention_hours
        self.token = uuid.uuid4().hex
        self.reloads = 0  # whole-index reloads (pruned past, restored database, first read)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._caught_up = threading.Condition()
        self._catching_up = threading.Lock()
        self._pruned_at = 0.0
        self._problem = ""
        self._thread: threading.Thread | None = None
        self.wanted: Callable[[], bool] = lambda: True  # False: its owner dropped it; the thread ends
        changelog.origins[engine] = self.token

    # -- the thread -------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="screening-follower", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        if changelog.origins.get(self.engine) == self.token:
            del changelog.origins[self.engine]

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        if self.engine.dialect.name == "postgresql":
            self._listen()
        else:
            self._poll()

    def _poll(self) -> None:
        while not self._stop.is_set():
            self._step()
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                connection = _listening_connection(self.engine)
            except Exception as error:  # the database is away: look again later
                log.warning("screening follower cannot listen: %s", type(error).__name__)
                self._step()
                self._stop.wait(self.poll_seconds)
                continue
            try:
                with connection:
                    self._step()  # after LISTEN: nothing committed from here on goes unnoticed
                    looked = time.monotonic()
                    while not self._stop.is_set():
                        woken = any(True for _ in connection.notifies(timeout=LISTEN_WAIT_SECONDS))
                        if not self.wanted():
                            self._stop.set()
                        elif woken or self._wake.is_set() or time.monotonic() - looked > SAFETY_SECONDS:
                            self._wake.clear()
                            self._step()
                            looked = time.monotonic()
            except Exception as error:  # a dropped connection: reconnect, and look meanwhile
                log.warning("screening follower lost its connection: %s", type(error).__name__)

    def _step(self) -> None:
        if not self.wanted():
            self._stop.set()
            return
        try:
            self.catch_up()
            self._prune()
            self._problem = ""
        except SQLAlchemyError as error:  # said once, not at every look (a database not migrated yet)
            if type(error).__name__ != self._problem:
                self._problem = type(error).__name__
                log.warning("screening follower cannot read the change log: %s", self._problem)

    # -- the work ---------------------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply every change after `applied`; the number of changes applied."""
        with self._catching_up:
            with self.engine.connect() as connection:
                head = changelog.head(connection)
                changes = [] if self.applied is None else changelog.changes_after(connection, self.applied)
            if (
                self.applied is None
                or head < self.applied
                or not changelog.covers(changes, self.applied, head)
            ):
                live.refresh(self.engine, self.index, None)  # read after `head`: it holds at least that
                self.reloads += 1
                self._advance(head)
                return 0
            theirs = {i for change in changes if change.origin != self.token for i in change.subject_ids}
            if theirs:
                live.refresh(self.engine, self.index, theirs)
            if changes:
                self._advance(changes[-1].seq)
            return len(changes)

    def _advance(self, seq: int) -> None:
        with self._caught_up:
            self.applied = seq
            self._caught_up.notify_all()

    def _prune(self) -> None:
        now = time.monotonic()
        if now - self._pruned_at < PRUNE_SECONDS:
            return
        self._pruned_at = now
        pruned = changelog.prune(self.engine, changelog.cutoff(self.retention_hours))
        if pruned:
            log.info("subject change log: %s changes older than %s h pruned", pruned, self.retention_hours)

    def behind(self) -> bool:
        """True unless every committed change is applied. A follower that is behind is woken and
        given `READY_WAIT_SECONDS` to catch up first."""
        with self.engine.connect() as connection:
            head = changelog.head(connection)
        deadline = time.monotonic() + READY_WAIT_SECONDS
        with self._caught_up:
            while self.applied is None or self.applied < head:
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    return True
                self._wake.set()
                self._caught_up.wait(min(left, 0.05))
        return False


def _listening_connection(engine: Engine) -> Any:
    """A psycopg connection of its own (not the pool's), in autocommit, listening on the channel."""
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = psycopg.connect(url, autocommit=True)
    connection.execute(f"LISTEN {changelog.CHANNEL}")
    return connection
