"""Fixtures for API tests: the app over a real store holding the small plant, and one client per role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import anyio.from_thread
import httpx
import pytest
from fastapi import FastAPI

from governance.plant import small_plant
from plantarch.api.app import create_app
from plantarch.api.auth import create_token
from plantarch.api.settings import ApiSettings
from plantarch.store import Store

USERS = {
    "vera": "viewer",
    "ed": "editor",
    "ann": "editor",
    "rita": "reviewer",
    "rob": "reviewer",
    "ada": "admin",
}
"""Test users and their roles."""


class SyncASGITransport(httpx.BaseTransport):
    """Drive an ASGI app from synchronous tests through httpx, on a blocking anyio portal."""

    def __init__(self, portal: anyio.from_thread.BlockingPortal, app: FastAPI) -> None:
        self.portal = portal
        self.inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request to the app and read the whole answer."""
        return self.portal.call(self._send, request)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        request = httpx.Request(request.method, request.url, headers=request.headers, content=request.read())
        answer = await self.inner.handle_async_request(request)
        body = await answer.aread()
        return httpx.Response(answer.status_code, headers=answer.headers, content=body, request=request)


@contextmanager
def asgi_client(app: FastAPI) -> Iterator[httpx.Client]:
    """A synchronous httpx client talking to the app in-process."""
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        httpx.Client(transport=SyncASGITransport(portal, app), base_url="http://testserver") as client,
    ):
        yield client


@dataclass
class Api:
    """The app's test client and a bearer header per user."""

    client: httpx.Client
    store: Store
    tokens: dict[str, str]

    def headers(self, user: str) -> dict[str, str]:
        """The Authorization header of `user`."""
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@pytest.fixture
def api(store: Store) -> Iterator[Api]:
    """The API over the parametrised store (SQLite and PostgreSQL): the small plant, a token per user."""
    with store.change(author="seed", reason="small plant", source="test") as cs:
        cs.put_many(obj for _, obj in small_plant().all_objects())
    tokens = {user: create_token(store, user, role)[1] for user, role in USERS.items()}
    with asgi_client(create_app(store, ApiSettings(token_cache_seconds=0))) as client:
        yield Api(client=client, store=store, tokens=tokens)
