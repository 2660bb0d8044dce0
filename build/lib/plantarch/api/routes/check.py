"""/api/check: the standards check of the current model, as CI and the web UI call it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from plantarch.api.deps import StoreDep, Viewer
from plantarch.standards import check_model, load_packs

router = APIRouter(tags=["check"])


@router.get("/check", summary="Check the model against the baseline standards pack")
def check(store: StoreDep, user: Viewer) -> dict[str, Any]:
    """Summary counts per severity and every finding (the JSON of `plantarch check --format json`)."""
    result: dict[str, Any] = check_model(store.load_model(), load_packs([], baseline=True)).to_dict()
    result["revision"] = store.revision
    return result
