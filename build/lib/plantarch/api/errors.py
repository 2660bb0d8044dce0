"""How library errors become HTTP answers: bad input 422 with its location, conflicts 409, never a 500."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from plantarch.errors import InputError, PartialResult, PlantarchError, StoreUnavailable
from plantarch.governance import GovernanceError


def input_error_body(exc: InputError, where: str = "body") -> dict[str, object]:
    """FastAPI's 422 shape: a list of errors, each with loc, msg and type."""
    loc: list[str | int] = [where]
    if exc.field:
        loc += [int(p) if p.isdigit() else p for p in exc.field.split(".")]
    return {"detail": [{"loc": loc, "msg": exc.message, "type": "input_error"}]}


async def _input_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    where = "query" if request.method in ("GET", "DELETE") else "body"
    return JSONResponse(input_error_body(exc, where), status_code=422)


async def _governance_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GovernanceError)
    return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)


async def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=503)


async def _partial(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=422)


async def _other(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=400)


def install_error_handlers(app: FastAPI) -> None:
    """Map every plantarch error to its status code."""
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(GovernanceError, _governance_error)
    app.add_exception_handler(StoreUnavailable, _store_unavailable)
    app.add_exception_handler(PartialResult, _partial)
    app.add_exception_handler(PlantarchError, _other)
