"""/api/analyze and /api/roadmap: the analyses and the consolidation roadmap of the current model."""

from __future__ import annotations

from fastapi import APIRouter

from plantarch.analysis import AnalysisReport, analyze
from plantarch.api.deps import StoreDep, Viewer
from plantarch.roadmap import Roadmap, build_roadmap

router = APIRouter(tags=["analysis"])


@router.get("/analyze", response_model=AnalysisReport, summary="Silos, redundancy, gaps, complexity, ...")
def analysis(store: StoreDep, user: Viewer) -> AnalysisReport:
    """Every analysis of the current model (the JSON of `plantarch analyze --format json`)."""
    return analyze(store.load_model())


@router.get("/roadmap", response_model=Roadmap, summary="TIME classes, consolidation, phased plan")
def roadmap(store: StoreDep, user: Viewer) -> Roadmap:
    """The consolidation roadmap of the current model with the default settings."""
    return build_roadmap(store.load_model())
