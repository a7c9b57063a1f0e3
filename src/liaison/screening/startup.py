"""Start-up: build the in-memory screening index from the persons sought, and keep it current.

Within this process the index follows `SubjectChanged` after commit (`live.py`); what other
processes commit reaches it through the subject change log (`changelog.py`), which a `Follower`
applies (`follow.py`). `/readyz` answers only once the index is built and has applied every
committed change (`ready`); the app's shutdown stops the follower (`stop`).
"""

from __future__ import annotations

import gc
import logging
import time

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from liaison.core.i18n import Phrase
from liaison.names.nicknames import load as load_given_names
from liaison.screening import changelog, live
from liaison.screening.engine import ScreeningIndex
from liaison.screening.follow import Follower
from liaison.screening.scoring import installed_weights

log = logging.getLogger(__name__)


def start(app: FastAPI) -> None:
    started = time.perf_counter()
    settings, engine = app.state.settings, app.state.engine
    if settings.screening_preload_names:
        load_given_names()  # seconds now rather than in the first traveller's screen
    applied: int | None
    try:
        with engine.connect() as connection:  # before the build: what commits later is applied after
            applied = changelog.head(connection)
        index = live.build_index(engine)
    except SQLAlchemyError as error:  # not migrated yet: /readyz says so; screen against nobody meanwhile
        log.warning("screening index left empty: %s", type(error).__name__)
        index, applied = ScreeningIndex(installed_weights()), None
    live.watch(engine, index)
    app.state.screening_index = index
    follower = Follower(
        engine,
        index,
        applied,
        poll_seconds=settings.screening_poll_seconds,
        retention_hours=settings.screening_change_retention_hours,
    )
    app.state.screening_follower = follower
    # an app whose state is set back (tests give one app each test's database) drops its follower
    follower.wanted = lambda: getattr(app.state, "screening_follower", None) is follower
    follower.start()
    # The index is millions of long-lived objects: leave them out of the collector's full passes,
    # which would otherwise walk all of them again and again while records are screened.
    gc.freeze()
    log.info("screening index: %s in %.1f s", index.stats(), time.perf_counter() - started)


def live_index(app: FastAPI) -> ScreeningIndex:
    """The app's index (built on first use when the app was not started through its lifespan)."""
    index: ScreeningIndex | None = getattr(app.state, "screening_index", None)
    if index is None:
        start(app)
        index = app.state.screening_index
    return index


def ready(app: FastAPI) -> Phrase | None:
    """None when the index is built and current with the change log; else why not."""
    follower: Follower | None = getattr(app.state, "screening_follower", None)
    if follower is None:
        return Phrase("The screening index is not built yet.")
    if follower.behind():
        return Phrase("The screening index has not applied every change to persons sought yet.")
    return None


def stop(app: FastAPI) -> None:
    follower: Follower | None = getattr(app.state, "screening_follower", None)
    if follower is not None:
        follower.stop()
