"""Adds the web UI to the API's FastAPI app: page routers, static files, login redirects, CSP."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class SecurityHeaders:
    """Adds the security headers to every answer: CSP on pages, nosniff and referrer policy everywhere.

    A plain ASGI middleware: Starlette's BaseHTTPMiddleware (`@app.middleware`) ran every API request
    through an extra task and memory stream, a measurable share of a request's CPU (#7)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the answer's start message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        page = not path.startswith("/api") and path not in ("/docs", "/redoc")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if page:
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


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

    app.add_middleware(SecurityHeaders)
    return app
