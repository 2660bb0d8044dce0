"""Adds the web UI to the API's FastAPI app: page routers, static files, login redirects, CSP."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from plantarch.web import inventory, login, overview, reviews, waivers
from plantarch.web.session import LoginRequired
from plantarch.web.snapshot import BACKGROUND_ABOVE, SnapshotCache
from plantarch.web.topology import THRESHOLD

STATIC = Path(__file__).parent / "static"
BUNDLE = "topology.bundle.js"
"""The topology script, built by `make web-assets` from frontend/ (generated, not in git)."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
"""Pages load scripts only from /static (no inline script runs, even if one slipped into the HTML)."""


def install_web(
    app: FastAPI, *, threshold: int = THRESHOLD, background_above: int = BACKGROUND_ABOVE
) -> FastAPI:
    """Mount the pages and static files on `app` (made by create_app)."""
    app.state.web_snapshots = SnapshotCache(background_above, threshold)
    app.state.web_threshold = threshold
    app.state.web_secret = secrets.token_bytes(32)
    app.state.web_bundle = (STATIC / BUNDLE).is_file()
    for module in (login, overview, inventory, reviews, waivers):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import urlencode

        query = urlencode(
            {"next": exc.next_url, "reason": exc.reason} if exc.reason else {"next": exc.next_url}
        )
        return RedirectResponse(f"/login?{query}", status_code=303)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith("/api") and request.url.path not in ("/docs", "/redoc"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
