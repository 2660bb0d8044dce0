"""What the report pulls from the other libraries: standards findings, analyses, the roadmap.

Each provider returns None when its library is not there yet (or cannot run on this model), and
the report then leaves its section out instead of failing.
"""

from __future__ import annotations

import importlib
from typing import Any

from plantarch.errors import PlantarchError
from plantarch.model import PlantModel


def standards_findings(model: PlantModel) -> list[Any] | None:
    """Findings of the built-in baseline standards pack, or None when the checker is unavailable."""
    try:
        standards = importlib.import_module("plantarch.standards")
        result = standards.check_model(model, [standards.load_baseline()])
    except (ImportError, AttributeError, PlantarchError):
        return None
    findings = list(getattr(result, "findings", []))
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    return sorted(findings, key=lambda f: (order.get(str(f.severity), 9), f.rule, f.key))
