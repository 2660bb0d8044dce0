"""Who is looking at a page: the API token kept in an HttpOnly cookie, checked by the API's own rules.

The login form takes an API token (`plantarch token create`), checks it with `plantarch.api.auth`,
and keeps it in the `plantarch_token` cookie (HttpOnly, SameSite=Strict), which the API accepts too.
Forms that change something carry a CSRF token derived from the session, checked on every POST.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.security import APIKeyCookie

from plantarch.api.auth import Principal, Role, TokenCache, may_waive
from plantarch.api.deps import SettingsDep, StoreDep, current_user, get_token_cache
from plantarch.api.settings import TOKEN_COOKIE

_cookie = APIKeyCookie(name=TOKEN_COOKIE, auto_error=False)


class LoginRequired(Exception):
    """The page needs a valid token; the app answers with a redirect to /login."""

    def __init__(self, next_url: str, reason: str = "") -> None:
        super().__init__(reason)
        self.next_url = next_url
        self.reason = reason


async def page_user(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    tokens: Annotated[TokenCache, Depends(get_token_cache)],
    cookie: Annotated[str | None, Depends(_cookie)] = None,
) -> Principal:
    """The logged-in user (same check as the API); redirects to the login page without one."""
    try:
        return await current_user(store=store, settings=settings, tokens=tokens, bearer=None, cookie=cookie)
    except HTTPException as exc:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(here, str(exc.detail) if cookie else "") from None


PageUser = Annotated[Principal, Depends(page_user)]


def csrf_token(request: Request, user: Principal) -> str:
    """The form token of this session: an HMAC of the cookie (or of the local user) with the app secret."""
    secret: bytes = request.app.state.web_secret
    basis = request.cookies.get(TOKEN_COOKIE) or f"anonymous:{user.user}"
    return hmac.new(secret, basis.encode("utf-8"), hashlib.sha256).hexdigest()


def checked_user(request: Request, user: PageUser, csrf: Annotated[str, Form()] = "") -> Principal:
    """The user behind a form post, after checking the form's CSRF token."""
    if not hmac.compare_digest(csrf, csrf_token(request, user)):
        raise HTTPException(403, "the form has expired or did not come from this site; reload the page")
    return user


FormUser = Annotated[Principal, Depends(checked_user)]


def may_review(user: Principal) -> bool:
    """Whether the user may approve and reject (reviewer or admin)."""
    return user.has(Role.REVIEWER)


__all__ = [
    "FormUser",
    "LoginRequired",
    "PageUser",
    "checked_user",
    "csrf_token",
    "may_review",
    "may_waive",
    "page_user",
]
