"""Start-up: load or build the in-memory screening index of the persons sought, and keep it current.

With `LIAISON_SCREENING_PERSIST_INDEX` (the default) the index saved in the data folder
(`persisted.py`) is loaded when its HMAC checks, it was made with this code, readings and weights
from this database, and the change log still holds every change after the one it is current to;
the follower then starts from that change. Otherwise the index is built from the subjects' tables,
and saved. It is saved again when the app shuts down cleanly, current to the last change the
follower applied. A process that stops uncleanly leaves the file of its last save: the next start
applies the changes after it while the log still holds them, and builds afresh once they are pruned.

It is not saved while the server runs: pickling holds Python's interpreter lock for the whole
dump (seconds at 100,000 subjects), which would stall every screen in the process meanwhile, and
the change log already bounds what a crash costs (`LIAISON_SCREENING_CHANGE_RETENTION_HOURS` of
changes to apply, else one build).

Within this process the index follows `SubjectChanged` after commit (`live.py`); what other
processes commit reaches it through the subject change log (`changelog.py`), which a `Follower`
applies (`follow.py`). `/readyz` answers only once the index is there and has applied every
committed change (`ready`): after a load, that is once the changes since the save are applied.
The app's shutdown stops the follower (`stop`).
"""

from __future__ import annotations

import gc
import logging
import pickle
import time

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from liaison.core.i18n import Phrase
from liaison.core.settings import Settings
from liaison.names.nicknames import load as load_given_names
from liaison.screening import changelog, live, persisted
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
    source = "built"
    try:
        loaded = _load(settings, engine) if settings.screening_persist_index else None
        if loaded is not None:
            (index, applied), source = loaded, "loaded"
            app.state.screening_saved_at = applied
        else:
            with engine.connect() as connection:  # before the build: what commits later is applied after
                applied = changelog.head(connection)
            index = live.build_index(engine)
            if settings.screening_persist_index and _save(settings, engine, index, applied):
                app.state.screening_saved_at = applied
    except SQLAlchemyError as error:  # not migrated yet: /readyz says so; screen against nobody meanwhile
        log.warning("screening index left empty: %s", type(error).__name__)
        index, applied, source = ScreeningIndex(installed_weights()), None, "empty"
    live.watch(engine, index)
    app.state.screening_index = index
    app.state.screening_index_source = source  # built · loaded · empty: what this start did
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
    log.info("screening index %s: %s in %.1f s", source, index.stats(), time.perf_counter() - started)


def _load(settings: Settings, engine: Engine) -> tuple[ScreeningIndex, int] | None:
    try:
        key = persisted.mac_key(settings.resolved_secret_key())
    except RuntimeError as error:  # no secret key: nothing to check a file with, so none is used
        log.warning("saved screening index not used: %s", error)
        return None
    with engine.connect() as connection:
        return persisted.load(
            persisted.path_in(settings.home),
            key,
            database=persisted.database_identity(engine),
            weights=installed_weights(),
            connection=connection,
        )


def _save(settings: Settings, engine: Engine, index: ScreeningIndex, applied: int) -> bool:
    """Save the index, current to change `applied`; a failure (a full disk) is logged, not raised:
    the next start builds instead."""
    started = time.perf_counter()
    path = persisted.path_in(settings.home)
    try:
        with engine.connect() as connection:
            change = persisted.change_digest(connection, applied)
        with live.writing():  # nothing changes the index while it is pickled
            size = persisted.save(
                index,
                applied,
                path,
                persisted.mac_key(settings.resolved_secret_key()),
                database=persisted.database_identity(engine),
                change=change,
            )
    except (OSError, RuntimeError, pickle.PickleError, SQLAlchemyError) as error:
        log.warning("screening index not saved to %s: %s", path, error)
        return False
    log.info(
        "screening index saved to %s (%.0f MB, current to change %s) in %.1f s",
        path,
        size / 1e6,
        applied,
        time.perf_counter() - started,
    )
    return True


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
    """Stop the follower, then save the index if it moved on since it was loaded or saved."""
    follower: Follower | None = getattr(app.state, "screening_follower", None)
    if follower is None:
        return
    follower.stop()
    settings = app.state.settings
    saved = getattr(app.state, "screening_saved_at", None)
    if (
        settings.screening_persist_index
        and follower.wanted()  # still this app's (not a test's app given another database since)
        and follower.applied is not None
        and follower.applied != saved
        and _save(settings, app.state.engine, follower.index, follower.applied)
    ):
        app.state.screening_saved_at = follower.applied
