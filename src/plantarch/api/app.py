"""The FastAPI app factory: `create_app(store_or_settings)`; no module-level app or engine."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from plantarch import __version__
from plantarch.api.auth import TokenCache
from plantarch.api.errors import install_error_handlers
from plantarch.api.routes import (
    analyze,
    assets,
    capabilities,
    check,
    conduits,
    discovery,
    flows,
    history,
    locations,
    observations,
    proposals,
    systems,
    waivers,
    zones,
)
from plantarch.api.settings import ApiSettings
from plantarch.store import Store, open_store

RESOURCE_ROUTERS: tuple[APIRouter, ...] = (
    systems.router,
    assets.router,
    flows.router,
    zones.router,
    conduits.router,
    locations.router,
    capabilities.router,
    discovery.router,
    observations.router,
    check.router,
    analyze.router,
    proposals.router,
    history.router,
    waivers.router,
)
"""Every resource's router, mounted under /api."""


def create_app(store_or_settings: Store | ApiSettings, settings: ApiSettings | None = None) -> FastAPI:
    """The API app over an open store (the caller closes it) or over settings naming one (opened here)."""
    if isinstance(store_or_settings, Store):
        given: Store | None = store_or_settings
        settings = settings or ApiSettings()
    else:
        given, settings = None, store_or_settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if given is None:
            app.state.store = open_store(workspace=settings.workspace, database=settings.database)
        freeze_startup_objects()
        try:
            yield
        finally:
            if given is None:
                app.state.store.close()

    app = FastAPI(
        title="plantarch",
        version=__version__,
        description="One source of truth for a plant's IT/OT architecture: inventory, standards, reviews.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.tokens = TokenCache(settings.token_cache_seconds)
    if given is not None:
        app.state.store = given
    install_error_handlers(app)
    api = APIRouter(prefix="/api")
    for router in RESOURCE_ROUTERS:
        api.include_router(router)
    app.include_router(api)
    # Imported here: the web UI builds on plantarch.api's auth and dependencies, so importing it at module
    # level made `import plantarch.web` (before plantarch.api) circular.
    from plantarch.web import install_web

    install_web(app)  # the web UI: pages over the same store, library and tokens
    return app


def freeze_startup_objects() -> None:
    """Move every object alive now (modules, the app, its routes and schemas: ~200,000) out of the
    garbage collector's reach, so its full passes scan only what requests create.

    Without it, each full pass walked them all and stopped the server for 100-400 ms under load, the
    whole tail of the API load benchmark (#7)."""
    gc.collect()
    gc.freeze()


SETTINGS_ENV = "PLANTARCH_API_SETTINGS"
"""Environment variable carrying ApiSettings as JSON to uvicorn worker processes."""


def app_from_env() -> FastAPI:
    """The app from $PLANTARCH_API_SETTINGS (uvicorn's factory for several worker processes)."""
    return create_app(ApiSettings.model_validate_json(os.environ.get(SETTINGS_ENV) or "{}"))
