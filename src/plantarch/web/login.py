"""The login page: paste an API token; it is checked like every API request and kept in a cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from plantarch.api.auth import authenticate
from plantarch.api.settings import TOKEN_COOKIE
from plantarch.web.templating import render

router = APIRouter()

COOKIE_SECONDS = 12 * 3600
"""How long the browser keeps the token (a working day); the token itself may live longer."""


def _safe_next(next_url: str) -> str:
    """Only local paths (never //host or a scheme), so the login cannot redirect elsewhere."""
    return next_url if next_url.startswith("/") and not next_url.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, next: str = "/", reason: str = "") -> HTMLResponse:
    """The login form."""
    return render(request, "login.html", user=None, next=_safe_next(next), error=reason)


@router.post("/login", include_in_schema=False)
def login(
    request: Request, token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"
) -> Response:
    """Check the token with the API's rules and keep it in an HttpOnly, SameSite=Strict cookie."""
    principal = authenticate(request.app.state.store, token.strip())
    if principal is None:
        return render(
            request,
            "login.html",
            status_code=401,
            user=None,
            next=_safe_next(next),
            error="That token is not valid or has been revoked.",
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        TOKEN_COOKIE,
        token.strip(),
        max_age=COOKIE_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout() -> Response:
    """Forget the token in this browser."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response
