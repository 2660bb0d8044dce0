"""/api/history, /api/diff and /api/audit: change sets, what changed between revisions, who did what."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from plantarch.api.deps import Reviewer, StoreDep, Viewer
from plantarch.governance import AuditEntry, read_audit

router = APIRouter(tags=["history"])


@router.get("/history", summary="Change sets, newest first")
def history(
    store: StoreDep,
    user: Viewer,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Each change set: revision, author, time, reason, source, number of changes."""
    return [c.as_dict() for c in store.history(limit=limit, offset=offset)]


@router.get("/diff", summary="What changed between two revisions")
def diff(
    store: StoreDep,
    user: Viewer,
    rev1: Annotated[int, Query(ge=0, le=2_000_000_000, alias="from")],
    rev2: Annotated[int, Query(ge=0, le=2_000_000_000, alias="to")],
) -> list[dict[str, Any]]:
    """Objects added, updated or removed between revision `from` and revision `to`."""
    return [c.as_dict() for c in store.diff(rev1, rev2)]


@router.get("/audit", response_model=list[AuditEntry], summary="The audit log")
def audit(
    store: StoreDep,
    user: Reviewer,
    target: str | None = None,
    by: str | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[AuditEntry]:
    """Audit entries, newest first; `target` is kind:key, revision:N, proposal:ID or token:ID."""
    return read_audit(store, target=target, user=by, since=since, limit=limit, offset=offset)
