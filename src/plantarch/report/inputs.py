"""What the report pulls from the other libraries: standards findings, analyses, the roadmap.

Each provider returns None when its library is not there yet (or cannot run on this model), and
the report then leaves its section out instead of failing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from plantarch.errors import PlantarchError
from plantarch.model import PlantModel


def standards_findings(model: PlantModel, today: date | None = None) -> list[Any] | None:
    """Findings of the built-in baseline standards pack, or None when the checker is unavailable."""
    try:
        standards = importlib.import_module("plantarch.standards")
        result = standards.check_model(model, [standards.load_baseline()], today=today)
    except (ImportError, AttributeError, PlantarchError):
        return None
    findings = list(getattr(result, "findings", []))
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    return sorted(findings, key=lambda f: (order.get(str(f.severity), 9), f.rule, f.key))


def architecture_analysis(model: PlantModel, today: date | None = None) -> Any | None:
    """The analysis report (silos, redundancy, gaps, resilience, cost), or None when unavailable."""
    try:
        analysis = importlib.import_module("plantarch.analysis")
        return analysis.analyze(model, today)
    except (ImportError, AttributeError, PlantarchError):
        return None


def consolidation_roadmap(
    model: PlantModel, today: date | None = None, analysis: Any | None = None
) -> Any | None:
    """The consolidation roadmap (TIME classes, phases, savings), or None when unavailable."""
    try:
        roadmap = importlib.import_module("plantarch.roadmap")
        return roadmap.build_roadmap(model, today=today, report=analysis)
    except (ImportError, AttributeError, PlantarchError):
        return None


@dataclass(frozen=True)
class QuadrantPoint:
    """One system in the TIME quadrant, in SVG coordinates."""

    x: float
    y: float
    name: str
    time_class: str


TIME_COLOURS = {"tolerate": "#9e9e9e", "invest": "#2e7d32", "migrate": "#ef6c00", "eliminate": "#c62828"}


def quadrant_points(roadmap: Any, size: int = 280, limit: int = 2000) -> list[QuadrantPoint]:
    """Systems placed by technical fit (x) and functional fit (y) on a `size`-pixel square."""
    return [
        QuadrantPoint(
            round(10 + a.technical_fit * size, 1),
            round(10 + (1 - a.functional_fit) * size, 1),
            a.name,
            a.time_class,
        )
        for a in list(roadmap.time_classes)[:limit]
    ]


def savings_curve(
    roadmap: Any, width: int = 380, height: int = 160
) -> tuple[str, list[tuple[float, float, str]], float]:
    """Cumulative net cash of the roadmap as SVG polyline points, year marks, and the zero line's y."""
    curve = list(roadmap.cash_flow.curve)
    if not curve:
        return "", [], 0.0
    values = [float(p.cumulative) for p in curve]
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    step = width / max(1, len(curve) - 1)

    def y(v: float) -> float:
        return float(round(10 + (high - v) / span * height, 1))

    xs = [round(30 + i * step, 1) for i in range(len(curve))]
    points = " ".join(f"{x},{y(v)}" for x, v in zip(xs, values, strict=True))
    marks = [(x, y(v), f"year {p.year}: {v:,.0f}") for x, v, p in zip(xs, values, curve, strict=True)]
    return points, marks, y(0.0)
