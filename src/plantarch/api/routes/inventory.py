"""The routes every inventory kind shares: list with filters and pages, get, create, update, delete.

Each resource module (systems.py, assets.py, ...) makes its router with `inventory_router(kind)`;
every write goes through `plantarch.governance.edits` and so becomes a change set with an audit record.
"""

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from plantarch.api.deps import Editor, SettingsDep, StoreDep, Viewer, filter_values
from plantarch.api.schemas import WriteResult, page_schema, update_schema
from plantarch.filters import CountCache, list_json
from plantarch.governance.edits import create_object, delete_object, update_object
from plantarch.model import OBJECT_TYPES, PLURALS, ModelObject

ObjectKey = Annotated[
    str, Path(pattern=r"^[^\x00]+$", description="The object's key (PostgreSQL text cannot hold NUL: 422).")
]
"""An object key in a path; a NUL character is refused as bad input instead of failing in the database."""


def _annotate(func: Any, **annotations: Any) -> Any:
    """Give a generic endpoint the concrete body types of its kind (FastAPI reads them)."""
    func.__annotations__.update(annotations)
    return func


def inventory_router(kind: str) -> APIRouter:
    """The router of one object kind under /api/<plural>."""
    model = OBJECT_TYPES[kind]
    plural = PLURALS[kind]
    update_model = update_schema(model)
    page_model = page_schema(model)
    router = APIRouter(prefix=f"/{plural}", tags=[plural])
    filters_dep = filter_values(kind)
    counts = CountCache()

    # Reads are async routes doing their database work in one thread-pool call that answers JSON bytes
    # made from the stored documents (same bytes as the response model would give; #7).
    async def list_items(
        store: StoreDep,
        settings: SettingsDep,
        user: Viewer,
        filters: Annotated[dict[str, Any], Depends(filters_dep)],
        limit: Annotated[int, Query(ge=1, le=10_000, description="Page size.")] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000, description="Objects to skip.")] = 0,
    ) -> Any:
        body = await run_in_threadpool(
            partial(list_json, limit=min(limit, settings.max_page), offset=offset, counts=counts),
            store,
            kind,
            filters,
        )
        return Response(body, media_type="application/json")

    async def get_item(key: ObjectKey, store: StoreDep, user: Viewer) -> Any:
        body = await run_in_threadpool(store.get_json, kind, key)
        if body is None:
            raise HTTPException(404, f"no {kind} '{key}'")
        return Response(body, media_type="application/json")

    def create_item(body: ModelObject, store: StoreDep, user: Editor) -> WriteResult:
        return WriteResult(revision=create_object(store, body, user.user))

    def update_item(key: ObjectKey, body: BaseModel, store: StoreDep, user: Editor) -> Any:
        updated, _ = update_object(store, kind, key, body.model_dump(exclude_unset=True), user.user)
        return updated

    def delete_item(key: ObjectKey, store: StoreDep, user: Editor) -> Response:
        delete_object(store, kind, key, user.user)
        return Response(status_code=204)

    router.add_api_route(
        "", list_items, methods=["GET"], response_model=page_model, summary=f"List {plural} (filtered, paged)"
    )
    router.add_api_route("/{key}", get_item, methods=["GET"], response_model=model, summary=f"Get one {kind}")
    router.add_api_route(
        "",
        _annotate(create_item, body=model),
        methods=["POST"],
        status_code=201,
        response_model=WriteResult,
        summary=f"Create a {kind}",
    )
    router.add_api_route(
        "/{key}",
        _annotate(update_item, body=update_model),
        methods=["PATCH"],
        response_model=model,
        summary=f"Change fields of a {kind}",
    )
    router.add_api_route(
        "/{key}", delete_item, methods=["DELETE"], status_code=204, summary=f"Delete a {kind}"
    )
    return router
