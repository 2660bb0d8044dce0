"""/api/waivers: approved, expiring exceptions to a standards finding (list, get, record, revoke).

Writes go through the library calls behind `plantarch waive` / `plantarch unwaive` and the web UI's forms
(`plantarch.standards.run.record_waiver` / `revoke_waiver`): one change set by the token's user, with its
audit entry. Recording and revoking need the role of `plantarch.api.auth.may_waive` (reviewer or admin).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from plantarch.api.deps import SettingsDep, StoreDep, Viewer, Waiving, filter_values
from plantarch.api.schemas import page_schema
from plantarch.errors import InputError
from plantarch.filters import CountCache, list_json
from plantarch.model import Waiver
from plantarch.standards.run import record_waiver, revoke_waiver

router = APIRouter(prefix="/waivers", tags=["waivers"])
_counts = CountCache()
_filters = filter_values("waiver")
WaiverKey = Annotated[
    str, Path(pattern=r"^[^\x00]+$", description="RULE@OBJECT (RULE@all for a waiver of every object).")
]


class WaiverIn(BaseModel):
    """A waiver to record: one rule on one object (or '*'), why, who approved it, and its last day."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(min_length=1, max_length=200, description="Rule id, e.g. SEG-005.")
    object: str = Field(min_length=1, max_length=200, description="Key of the waived object, or '*'.")
    reason: str = Field(min_length=1, max_length=10_000, description="Why the exception is acceptable.")
    approved_by: str = Field(min_length=1, max_length=200, description="Who approved it.")
    expires: date = Field(description="Last day the waiver covers the finding (today at the earliest).")


class WaiverWritten(BaseModel):
    """The waiver recorded or revoked, and the revision of its change set."""

    waiver: Waiver
    revision: int | None


@router.get("", response_model=page_schema(Waiver), summary="List waivers (filtered, paged)")
async def list_waivers(
    store: StoreDep,
    settings: SettingsDep,
    user: Viewer,
    filters: Annotated[dict[str, Any], Depends(_filters)],
    active: Annotated[
        bool | None,
        Query(description="true: only waivers running today or later; false: only expired ones."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10_000, description="Page size.")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Waivers to skip.")] = 0,
) -> Any:
    """Waivers by key, with the filters of `plantarch show waiver` (rule, object, expiry) and `active`."""
    if active is not None:
        filters = filters | {("expires_from" if active else "expires_before"): date.today()}
    body = await run_in_threadpool(
        partial(list_json, limit=min(limit, settings.max_page), offset=offset, counts=_counts),
        store,
        "waiver",
        filters,
    )
    return Response(body, media_type="application/json")


@router.get("/{key}", response_model=Waiver, summary="Get one waiver")
async def get_waiver(key: WaiverKey, store: StoreDep, user: Viewer) -> Any:
    """The waiver stored under `key` (RULE@OBJECT, RULE@all for '*')."""
    body = await run_in_threadpool(store.get_json, "waiver", key)
    if body is None:
        raise HTTPException(404, f"no waiver '{key}'")
    return Response(body, media_type="application/json")


@router.post("", status_code=201, response_model=WaiverWritten, summary="Record a waiver")
def create_waiver(body: WaiverIn, store: StoreDep, user: Waiving) -> WaiverWritten:
    """Record the waiver as the token's user (reviewer or admin); one for the same rule and object is
    replaced. Unknown rule or object, blank reason or approver, or a past expiry: 422 naming the field."""
    try:
        waiver, revision = record_waiver(
            store,
            [],
            rule=body.rule,
            object_key=body.object,
            reason=body.reason,
            approver=body.approved_by,
            expires=body.expires,
            author=user.user,
            source="api",
        )
    except InputError as exc:  # the library names the approver `approver`; the body `approved_by`
        if exc.field == "approver":
            exc.field = "approved_by"
        raise
    return WaiverWritten(waiver=waiver, revision=revision)


@router.delete("/{key}", response_model=WaiverWritten, summary="Revoke a waiver")
def delete_waiver(
    key: WaiverKey,
    store: StoreDep,
    user: Waiving,
    reason: Annotated[
        str, Query(max_length=10_000, pattern=r"^[^\x00]*$", description="Why it is revoked (audit log).")
    ] = "",
) -> WaiverWritten:
    """Revoke the waiver before its expiry (reviewer or admin): its findings are open again."""
    waiver, revision = revoke_waiver(store, key, author=user.user, source="api", reason=reason)
    return WaiverWritten(waiver=waiver, revision=revision)
