"""Background work in processes of their own: `liaison worker`, and the one `liaison serve` keeps.

A capability's `worker` is a loop over jobs kept in the database (`Capability.worker`);
`liaison worker` runs every installed capability's loop, one thread each, and the core's
notification sweep (`core.notifications.worker`, every `LIAISON_NOTIFY_INTERVAL_SECONDS`), until SIGTERM or
SIGINT, which each loop answers by putting its current job back in the queue. `liaison serve`
starts one such process beside itself and starts it again if it dies (`beside`), so `make run`
needs nothing more; deployments that run workers themselves set `LIAISON_START_WORKER=false`.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import FrameType

from sqlalchemy import Engine

from liaison.core.capability import Capability

log = logging.getLogger(__name__)
RESTART_SECONDS = 2.0
STOP_SECONDS = 30.0


def run(engine: Engine, capabilities: Iterable[Capability]) -> None:
    """Run every capability's worker loop until a signal asks to stop."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()

    def ask_to_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("worker asked to stop (%s)", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, ask_to_stop)
    signal.signal(signal.SIGINT, ask_to_stop)
    from liaison.core import notifications

    loops = [
        threading.Thread(target=c.worker, args=(engine, stop), name=f"worker-{c.name}")
        for c in capabilities
        if c.worker is not None
    ]
    loops.append(
        threading.Thread(target=notifications.worker, args=(engine, stop), name="worker-notifications")
    )
    for loop in loops:
        loop.start()
    while any(loop.is_alive() for loop in loops):
        for loop in loops:
            loop.join(timeout=0.5)


@contextmanager
def beside() -> Iterator[None]:
    """One `liaison worker` process for as long as the block runs, started again when it dies."""
    stopping = threading.Event()
    current: list[subprocess.Popen[bytes]] = []

    def keep() -> None:
        while not stopping.is_set():
            process = subprocess.Popen([sys.executable, "-m", "liaison", "worker"])
            current[:] = [process]
            code = process.wait()
            if not stopping.is_set():
                log.warning("the worker process ended (exit %s); starting another", code)
                stopping.wait(RESTART_SECONDS)

    keeper = threading.Thread(target=keep, daemon=True, name="worker-keeper")
    keeper.start()
    try:
        yield
    finally:
        stopping.set()
        _stop(current)
        keeper.join(timeout=STOP_SECONDS)
        _stop(current)  # one started while this block was ending


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (the job goes back to the queue), then SIGKILL if it does not end in time."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
