"""Build the ASGI application: the core's routes, then each capability's JSON routes and pages."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text

from liaison import __version__
from liaison import capabilities as capability_set
from liaison.core import api as core_api
from liaison.core import audit
from liaison.core.capability import Capability
from liaison.core.db import get_engine
from liaison.core.errors import Unavailable
from liaison.core.http import BodySizeLimit, LanguageAndHeaders, harden_parameters, install_error_handlers
from liaison.core.migrate import is_up_to_date
from liaison.core.schemas import PROBLEM_RESPONSES
from liaison.core.settings import Settings, get_settings
from liaison.web import pages as shell_pages
from liaison.web.rendering import WEB_DIR, environment

API_PREFIX = "/api/v1"
DESCRIPTION = """International law-enforcement cooperation: partners and the legal framework with them,
meetings and commitments, requests and their deadlines, persons sought and screening.

Authenticate with `Authorization: Bearer <token>` (create one with `liaison token create USER`).
Errors are `application/problem+json` documents (RFC 9457)."""


def _start_capabilities(app: FastAPI, capabilities: Sequence[Capability]) -> None:
    """Validate every declared vocabulary (an invalid file stops the start naming file and line),
    then let each capability prepare its in-memory state."""
    capability_set.validate(capabilities)
    environment()
    for capability in capabilities:
        if capability.startup is not None:
            capability.startup(app)


# The collector's thresholds in a serving process: a young-generation pass after 20,000 new
# container objects rather than 700. A request allocates thousands (ORM states, rows, pydantic
# models, the response), so at CPython's default the collector ran several times per request and
# took about 5% of the server's CPU; garbage in cycles now lives a little longer (a few MiB).
SERVE_GC_THRESHOLDS = (20_000, 50, 100)


def served_app() -> FastAPI:
    """The app as `liaison serve` runs it in each of its processes (uvicorn's factory): the app of
    the environment's settings, in a process whose collector is tuned for serving requests."""
    gc.set_threshold(*SERVE_GC_THRESHOLDS)
    return create_app()


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    capabilities: Sequence[Capability] | None = None,
) -> FastAPI:
    """The app of the capabilities the settings enable (or exactly `capabilities`, as declared).

    A capability whose requirement is not enabled stops here with a sentence (`CapabilityError`)."""
    settings = settings or get_settings()
    engine = engine or get_engine(settings.resolved_database_url)
    chosen = (
        tuple(capabilities) if capabilities is not None else capability_set.enabled(settings.capabilities)
    )
    capability_set.install(chosen)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _start_capabilities(app, chosen)
        audit.wake_chainer(app.state.engine)  # link events a stopped process committed but did not chain
        try:
            yield
        finally:
            for capability in reversed(chosen):
                if capability.shutdown is not None:
                    capability.shutdown(app)

    app = FastAPI(
        title="Liaison",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.capabilities = chosen
    app.state.secret_key = settings.resolved_secret_key(create=True)
    install_error_handlers(app)
    app.add_middleware(LanguageAndHeaders)
    upload_routes = {route.prefix: route.limit(settings) for c in chosen for route in c.upload_routes}
    app.add_middleware(
        BodySizeLimit,
        max_body=settings.max_body_bytes,
        max_upload=settings.max_upload_bytes,
        upload_routes=upload_routes,
    )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        """The process is up."""
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", include_in_schema=False)
    def readyz(request: Request) -> dict[str, Any]:
        """The database answers and is at the newest migration, and every capability's in-memory
        state is ready (the screening index built and current with the subject change log)."""
        database: Engine = request.app.state.engine
        try:
            with database.connect() as connection:
                connection.execute(text("SELECT 1"))
            migrated = is_up_to_date(database)
        except Exception as error:
            raise Unavailable(
                "The database cannot be reached: {problem}.", problem=type(error).__name__
            ) from error
        if not migrated:
            raise Unavailable("The database is not migrated: run `liaison db upgrade`.")
        for capability in request.app.state.capabilities:
            reason = capability.ready(request.app) if capability.ready is not None else None
            if reason is not None:
                raise Unavailable(reason)
        return {"status": "ready"}

    # Every JSON router before any page router: FastAPI tries routes in order, each with its
    # regular expression, and no page lives under /api/, so an API request need not try the pages.
    app.include_router(core_api.router, prefix=API_PREFIX, responses=PROBLEM_RESPONSES)
    for capability in chosen:
        if capability.api is not None:
            app.include_router(capability.api, prefix=API_PREFIX, responses=PROBLEM_RESPONSES)
    for capability in chosen:
        if capability.pages is not None:
            app.include_router(capability.pages)
    app.include_router(shell_pages.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    harden_parameters(app)
    return app
