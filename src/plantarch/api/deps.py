"""FastAPI dependencies: the store, the settings, the authenticated user and the role each route needs.

The same `current_user` dependency serves HTML pages: it reads a bearer token from the Authorization
header or the `plantarch_token` cookie.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from plantarch.api.auth import WAIVE_ROLE, Principal, Role, TokenCache
from plantarch.api.settings import TOKEN_COOKIE, ApiSettings
from plantarch.filters import FILTERSETS
from plantarch.store import Store

_bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer pat_...`")
_cookie = APIKeyCookie(name=TOKEN_COOKIE, auto_error=False, description="API token in a cookie (web UI).")


async def get_store(request: Request) -> Store:
    """The store the app was created with."""
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> ApiSettings:
    """The app's settings."""
    settings: ApiSettings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]


async def get_token_cache(request: Request) -> TokenCache:
    """The app's cache of recently checked tokens."""
    cache: TokenCache = request.app.state.tokens
    return cache


async def current_user(
    store: StoreDep,
    settings: SettingsDep,
    tokens: Annotated[TokenCache, Depends(get_token_cache)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    cookie: Annotated[str | None, Security(_cookie)] = None,
) -> Principal:
    """The user behind the request's token (header or cookie); 401 without a valid one.

    A token checked within the cache's seconds is answered on the event loop; only a lookup in the
    database goes to the thread pool."""
    token = bearer.credentials if bearer is not None else cookie
    if token:
        fresh, principal = tokens.lookup(token)
        if not fresh:
            principal = await run_in_threadpool(tokens.authenticate, store, token)
        if principal is not None:
            return principal
        raise HTTPException(401, "invalid or revoked token", headers={"WWW-Authenticate": "Bearer"})
    if settings.anonymous_role is not None:
        return Principal(user="local", role=settings.anonymous_role)
    raise HTTPException(
        401, "a token is needed: Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"}
    )


def require(role: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets the request through only for users whose role includes `role`."""

    async def check(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if not user.has(role):
            raise HTTPException(403, f"{user.user} is a {user.role.value}; this needs the {role.value} role")
        return user

    return check


Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Editor = Annotated[Principal, Depends(require(Role.EDITOR))]
Reviewer = Annotated[Principal, Depends(require(Role.REVIEWER))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
Waiving = Annotated[Principal, Depends(require(WAIVE_ROLE))]
"""A user who may record and revoke waivers (`plantarch.api.auth.may_waive`)."""


def filter_values(kind: str) -> Callable[..., Awaitable[dict[str, Any]]]:
    """A dependency reading the kind's filters (plantarch.filters) from the query string.

    Its signature is built from the filter definitions, so OpenAPI documents every filter."""
    python_types = {"str": str, "float": float, "int": int, "bool": bool, "date": date}
    filterset = FILTERSETS[kind]

    async def values(**given: Any) -> dict[str, Any]:
        return {name: value for name, value in given.items() if value is not None}

    values.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                f.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[python_types[f.type] | None, Query(description=f.description)],
                default=None,
            )
            for f in filterset.filters
        ]
    )
    return values
