"""Start-up: build the in-memory screening index from the persons sought, and keep it current."""

from __future__ import annotations

import gc
import logging
import time

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from liaison.names.nicknames import load as load_given_names
from liaison.screening import live
from liaison.screening.engine import ScreeningIndex
from liaison.screening.scoring import installed_weights

log = logging.getLogger(__name__)


def start(app: FastAPI) -> None:
    started = time.perf_counter()
    if app.state.settings.screening_preload_names:
        load_given_names()  # seconds now rather than in the first traveller's screen
    try:
        index = live.build_index(app.state.engine)
    except SQLAlchemyError as error:  # not migrated yet: /readyz says so; screen against nobody meanwhile
        log.warning("screening index left empty: %s", type(error).__name__)
        index = ScreeningIndex(installed_weights())
    live.watch(app.state.engine, index)
    app.state.screening_index = index
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
