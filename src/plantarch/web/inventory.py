"""Inventory pages: lists of systems, assets, flows, zones, conduits (search, filter, sort, pages) and
one page per object with its fields, where each field came from, and its change history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from plantarch.errors import InputError
from plantarch.filters import FILTERSETS, CountCache, list_objects, sort_columns
from plantarch.model import OBJECT_TYPES, PLURALS, ModelObject
from plantarch.web.history import object_history
from plantarch.web.session import PageUser, may_waive
from plantarch.web.templating import render

router = APIRouter()

BROWSABLE = ("system", "asset", "flow", "zone", "conduit", "location", "capability", "waiver")
"""Kinds with an inventory list, in menu order."""
COLUMNS: dict[str, tuple[str, ...]] = {
    "system": ("key", "name", "kind", "purdue_level", "zone", "location", "criticality", "owner"),
    "asset": ("key", "name", "kind", "ips", "hostnames", "zone", "vendor", "declared"),
    "flow": ("key", "source", "target", "protocol", "port", "via", "origin"),
    "zone": ("key", "name", "site", "purdue_levels", "security_level_target", "dmz"),
    "conduit": ("key", "name", "zones", "enforcement", "default_deny"),
    "location": ("key", "name", "kind", "parent"),
    "capability": ("key", "name", "category", "parent"),
    "waiver": ("key", "rule", "object", "expires", "reason"),
}
"""Columns each list shows."""
PAGE_SIZES = (25, 50, 100, 200)
COUNTS = CountCache()
"""Totals of filtered lists per revision (a 250,000-asset list is not counted on every page turn)."""
REFERENCES = {
    "zone": "zone",
    "location": "location",
    "site": "location",
    "parent": None,
    "source": None,
    "target": None,
    "via": None,
    "enforcement": None,
}
"""Fields that name another object (None: the kind depends on the object)."""


def cell(obj: ModelObject, name: str) -> Any:
    """A field's value as a list cell shows it (lists joined, None empty)."""
    value = getattr(obj, name, None)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


def _kind(kind: str) -> str:
    if kind not in BROWSABLE:
        raise HTTPException(404, f"no inventory of '{kind}'; kinds: {', '.join(BROWSABLE)}")
    return kind


@router.get("/inventory", response_class=HTMLResponse, include_in_schema=False)
def inventory_home(request: Request, user: PageUser) -> HTMLResponse:
    """The inventory starts with systems."""
    return inventory_list(request, user, "system")


@router.get("/inventory/{kind}", response_class=HTMLResponse, include_in_schema=False)
def inventory_list(request: Request, user: PageUser, kind: str) -> HTMLResponse:
    """One page of a kind's objects, filtered by the query string (plantarch.filters), sorted, paged."""
    kind = _kind(kind)
    params = request.query_params
    filterset = FILTERSETS[kind]
    raw = {f.name: params.get(f.name) for f in filterset.filters if params.get(f.name)}
    sort = params.get("sort", "key")
    descending = params.get("dir") == "desc"
    try:
        size = int(params.get("size", "50"))
        page_no = max(1, int(params.get("page", "1")))
    except ValueError:
        size, page_no = 50, 1
    size = size if size in PAGE_SIZES else 50
    error = None
    try:
        page = list_objects(
            request.app.state.store,
            kind,
            raw,
            limit=size,
            offset=(page_no - 1) * size,
            order=sort,
            descending=descending,
            counts=COUNTS,
        )
    except InputError as exc:
        error = str(exc)
        page = list_objects(request.app.state.store, kind, {}, limit=size)
    pages = max(1, -(-page.total // size))
    return render(
        request,
        "inventory_list.html",
        status_code=400 if error else 200,
        user=user,
        kind=kind,
        plural=PLURALS[kind],
        kinds=BROWSABLE,
        plurals=PLURALS,
        filters=filterset.filters,
        values=raw,
        columns=COLUMNS[kind],
        sortable=sort_columns(kind),
        sort=sort,
        descending=descending,
        page=page,
        page_no=page_no,
        pages=pages,
        size=size,
        sizes=PAGE_SIZES,
        cell=cell,
        error=error,
    )


RELATED_FLOWS = 50
"""Flows listed on a system's or asset's page (the inventory lists them all)."""


def related_flows(request: Request, key: str) -> list[Any]:
    """Flows from or to `key`, by key: one indexed query per end (an OR of both ends lets a planner
    without statistics walk the whole flow table in key order)."""
    store = request.app.state.store
    found = {
        flow.key: flow
        for end in ("source", "target")
        for flow in list_objects(store, "flow", {end: key}, limit=RELATED_FLOWS).items
    }
    return [found[k] for k in sorted(found)[:RELATED_FLOWS]]


def _resolve(request: Request, key: str) -> str | None:
    store = request.app.state.store
    for kind in ("system", "asset", "location", "zone"):
        if store.get(kind, key) is not None:
            return kind
    return None


@router.get("/inventory/{kind}/{key:path}", response_class=HTMLResponse, include_in_schema=False)
def inventory_detail(request: Request, user: PageUser, kind: str, key: str) -> HTMLResponse:
    """One object: every field, which source gave each value, and the object's change history."""
    kind = _kind(kind)
    store = request.app.state.store
    obj = store.get(kind, key)
    if obj is None:
        return render(
            request, "error.html", status_code=404, user=user, message=f"There is no {kind} '{key}'."
        )
    data = obj.model_dump(mode="json", exclude={"provenance", "field_sources"})
    links: dict[str, str] = {}
    for name in REFERENCES:
        value = data.get(name)
        if isinstance(value, str) and value:
            target = kind if name == "parent" else REFERENCES[name] or _resolve(request, value)
            if target:
                links[name] = target
    sources: dict[str, list[Any]] = {}
    for fs in getattr(obj, "field_sources", []):
        sources.setdefault(fs.field.split(".")[0], []).append(fs)
    related: list[Any] = []
    if kind in ("system", "asset"):
        related = related_flows(request, key)
    return render(
        request,
        "detail.html",
        user=user,
        kind=kind,
        plural=PLURALS[kind],
        obj=obj,
        data=data,
        fields=list(OBJECT_TYPES[kind].model_fields),
        links=links,
        sources=sources,
        provenance=getattr(obj, "provenance", []),
        history=object_history(store, kind, key),
        related=related,
        revocable=kind == "waiver" and may_waive(user),
    )
