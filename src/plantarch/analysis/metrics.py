"""Key metrics on one screen, per site and overall."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plantarch.analysis.graph import SHOP_FLOOR_MAX_LEVEL, FlowGraph
from plantarch.model import PlantModel, SystemKind


class KeyMetrics(BaseModel):
    """The headline numbers of the architecture, for one site or the whole plant."""

    model_config = ConfigDict(extra="forbid")

    site: str | None = Field(default=None, description="Site key; none for the whole plant.")
    systems: int
    assets: int
    flows: int
    interfaces: int
    point_to_point_interfaces: int
    standards_conformance: float | None = Field(
        default=None, description="Percent of systems and flows without a standards finding."
    )
    standards_note: str = ""
    silos: int
    redundancy_groups: int
    redundant_spend: float
    annual_tco: float
    end_of_support: int = Field(description="Systems whose support has ended.")
    ending_soon: int
    integration_gaps: int
    single_points_of_failure: int
    shop_floor_systems: int = Field(description="Systems at Purdue level 0–2.")
    shop_floor_to_erp: int = Field(description="Shop-floor systems with a data path to an ERP.")


def shop_floor_paths(graph: FlowGraph) -> dict[str | None, tuple[int, int]]:
    """Per site (and None for all): (shop-floor systems, how many have a data path to an ERP)."""
    component_of = graph.component_of
    erp_components = {component_of[i] for i, n in enumerate(graph.nodes) if n.kind == SystemKind.ERP}
    counts: dict[str | None, tuple[int, int]] = {None: (0, 0)}
    for i, node in enumerate(graph.nodes):
        if not node.is_system or node.level is None or node.level > SHOP_FLOOR_MAX_LEVEL:
            continue
        reached = int(component_of[i] in erp_components)
        for key in {None, node.site}:
            total, ok = counts.get(key, (0, 0))
            counts[key] = (total + 1, ok + reached)
    return counts


def standards_conformance(
    model: PlantModel, today: date | None = None
) -> tuple[float | None, str, dict[str, int]]:
    """Percent of systems and flows with no open finding of the baseline standards pack, a note, and
    the open findings per system.

    The checker belongs to plantarch.standards; if it is missing or fails, analysis goes on without
    the figure and says why.
    """
    try:
        from plantarch.standards import check_model, load_baseline
    except ImportError:
        return None, "standards checker not available", {}
    try:
        result = check_model(model, [load_baseline()], today=today)
    except Exception as exc:  # another package's failure must not stop the analysis
        return None, f"standards checker failed: {exc}", {}
    return conformance_of(model, result.findings)


def conformance_of(model: PlantModel, findings: Iterable[Any]) -> tuple[float | None, str, dict[str, int]]:
    """Like `standards_conformance`, from the findings of a check already run."""
    open_findings = [f for f in findings if f.is_open]
    flagged = {(f.kind, f.key) for f in open_findings}
    per_system: dict[str, int] = {}
    for finding in open_findings:
        if finding.kind == "system":
            per_system[finding.key] = per_system.get(finding.key, 0) + 1
    population = {("system", s.key) for s in model.systems} | {("flow", f.key) for f in model.flows}
    if not population:
        return None, "no systems or flows to check", per_system
    clean = len(population - flagged)
    return (
        round(100 * clean / len(population), 1),
        f"{clean} of {len(population)} systems and flows have no open baseline finding",
        per_system,
    )
