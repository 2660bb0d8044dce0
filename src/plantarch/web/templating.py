"""The Jinja2 environment of the pages: autoescape on for every template, a few formatting filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined

from plantarch.model import format_level
from plantarch.web.session import csrf_token


def _money(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _when(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.strftime("%Y-%m-%d %H:%M")


def environment() -> Environment:
    """Templates from plantarch/web/templates, HTML-escaped always (names come from captures and users)."""
    env = Environment(
        loader=PackageLoader("plantarch.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = _money
    env.filters["level"] = format_level
    env.filters["when"] = _when
    return env


templates = Jinja2Templates(env=environment())


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page, with the user, their CSRF token and whether the topology bundle is built."""
    user = context.get("user")
    context.setdefault("csrf", csrf_token(request, user) if user is not None else "")
    context.setdefault("bundle", request.app.state.web_bundle)
    context.setdefault("path", request.url.path)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
