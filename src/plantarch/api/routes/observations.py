"""/api/observations: a site pushes what its discovery observed (a batch, not the capture) to reconcile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError

from plantarch.api.deps import Editor, StoreDep
from plantarch.discovery.observation import ObservationBatch
from plantarch.discovery.reconcile import ReconcileResult, reconcile
from plantarch.errors import InputError

router = APIRouter(tags=["discovery"])


def _nul_at(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """The location of the first string (value or key) holding a NUL character, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return (*path, str(key))
            found = _nul_at(item, (*path, str(key)))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_at(item, (*path, i))
            if found is not None:
                return found
    return None


def reconcile_result(result: ReconcileResult, warnings: list[str]) -> dict[str, Any]:
    """The JSON both discovery routes answer with: revision, counts, created, updated, warnings."""
    return {
        "revision": result.revision,
        "counts": result.counts(),
        "created": result.created,
        "updated": result.updated,
        "warnings": warnings,
    }


@router.post(
    "/observations",
    summary="Push an observation batch (what a site's discovery saw) and reconcile it",
    response_description="The change set written: revision (null when nothing changed), counts, keys.",
)
def push_observations(batch: ObservationBatch, store: StoreDep, user: Editor) -> dict[str, Any]:
    """Merge one batch of observations (`ObservationBatch`, as `discover --push` sends it) into the store,
    as one change set authored by the token's user. Pushing the same batch again changes nothing."""
    nul = _nul_at(batch.model_dump(mode="json"))
    if nul is not None:  # PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database
        raise InputError("text cannot contain a NUL character", field=".".join(str(p) for p in nul))
    where = f"{batch.provenance.source}: {batch.provenance.reference}".rstrip(": ")
    try:
        result = reconcile(store, batch, author=user.user, reason=f"push {where}"[:500])
    except ValidationError as exc:  # a value the batch model allows but a stored object does not
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(f"the batch makes an invalid {exc.title}: {field}: {first['msg']}") from exc
    return reconcile_result(result, [*batch.warnings, *result.warnings])
