"""The analysis report: every analysis of a plant model, per site and overall, in one JSON-able object."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from plantarch.analysis.complexity import Complexity, measure_complexity
from plantarch.analysis.cost import CostSummary, summarise_costs
from plantarch.analysis.gaps import IntegrationGap, find_gaps
from plantarch.analysis.graph import FlowGraph, PlantIndex, build_flow_graph
from plantarch.analysis.item import AnalysisItem
from plantarch.analysis.lifecycle import LifecycleRisk, assess_lifecycle
from plantarch.analysis.metrics import KeyMetrics, shop_floor_paths, standards_conformance
from plantarch.analysis.redundancy import Redundancy, find_redundancies, redundant_systems
from plantarch.analysis.resilience import SinglePointOfFailure, find_single_points_of_failure
from plantarch.analysis.silos import Silo, find_silos
from plantarch.model import PlantModel


class AnalysisReport(BaseModel):
    """Silos, redundancy, gaps, complexity, resilience, lifecycle and cost of one plant model."""

    model_config = ConfigDict(extra="forbid")

    today: date = Field(description="The date lifecycle status was judged against.")
    metrics: KeyMetrics
    sites: list[KeyMetrics] = Field(description="The same metrics for each site.")
    silos: list[Silo]
    redundancies: list[Redundancy]
    gaps: list[IntegrationGap]
    complexity: Complexity
    single_points_of_failure: list[SinglePointOfFailure]
    lifecycle: list[LifecycleRisk]
    cost: CostSummary
    standards_findings: dict[str, int] = Field(
        default_factory=dict,
        description="Open baseline-pack findings per system (empty without the checker).",
    )


class _Parts(NamedTuple):
    """Every analysis result, before the metrics that summarise them."""

    silos: list[Silo]
    redundancies: list[Redundancy]
    gaps: list[IntegrationGap]
    complexity: Complexity
    single_points_of_failure: list[SinglePointOfFailure]
    lifecycle: list[LifecycleRisk]
    cost: CostSummary


def _count(items: Sequence[AnalysisItem], site: str | None) -> int:
    return sum(1 for i in items if site is None or i.site == site)


def _metrics(
    site: str | None,
    model: PlantModel,
    parts: _Parts,
    paths: dict[str | None, tuple[int, int]],
    sizes: dict[str | None, tuple[int, int, int]],
) -> KeyMetrics:
    complexity, redundancies, lifecycle, cost = (
        parts.complexity,
        parts.redundancies,
        parts.lifecycle,
        parts.cost,
    )
    summary = (
        complexity.overall if site is None else next((s for s in complexity.sites if s.site == site), None)
    )
    systems, assets, flows = sizes.get(site, (0, 0, 0))
    costs = {s.key: s.costs.total for s in model.systems}
    tco = cost.total if site is None else next((g.total for g in cost.sites if g.key == site), 0.0)
    shop, to_erp = paths.get(site, (0, 0))
    return KeyMetrics(
        site=site,
        systems=systems,
        assets=assets,
        flows=flows,
        interfaces=summary.interfaces if summary else 0,
        point_to_point_interfaces=summary.point_to_point if summary else 0,
        silos=_count(parts.silos, site),
        redundancy_groups=_count(redundancies, site),
        redundant_spend=round(sum(costs[k] for k in redundant_systems(redundancies, site)), 2),
        annual_tco=tco,
        end_of_support=sum(1 for r in lifecycle if r.status == "ended" and (site is None or r.site == site)),
        ending_soon=sum(1 for r in lifecycle if r.status == "ending" and (site is None or r.site == site)),
        integration_gaps=_count(parts.gaps, site),
        single_points_of_failure=_count(parts.single_points_of_failure, site),
        shop_floor_systems=shop,
        shop_floor_to_erp=to_erp,
    )


def _sizes(model: PlantModel, graph: FlowGraph) -> dict[str | None, tuple[int, int, int]]:
    """Systems, assets and flows (by source) per site; None holds the plant totals."""
    index = graph.index
    sites = [None, *index.sites]
    code = {site: i for i, site in enumerate(sites)}
    node_site = np.array([code.get(n.site, 0) for n in graph.nodes] + [0], dtype=np.int64)
    systems = np.bincount(node_site[[graph.node_of[s.key] for s in model.systems]], minlength=len(sites))
    asset_site = [code.get(index.site_of_location(a.location), 0) for a in model.assets]
    assets = np.bincount(np.array(asset_site, dtype=np.int64), minlength=len(sites))
    flows = np.bincount(node_site[graph.flow_src], minlength=len(sites))  # -1 (unknown) maps to 0
    result: dict[str | None, tuple[int, int, int]] = {
        site: (int(systems[i]), int(assets[i]), int(flows[i])) for i, site in enumerate(sites) if site
    }
    result[None] = (len(model.systems), len(model.assets), len(model.flows))
    return result


def analyze(
    model: PlantModel, today: date | None = None, *, conformance: bool = True, graph: FlowGraph | None = None
) -> AnalysisReport:
    """Run every analysis on a plant model (no store needed); `today` decides what is end-of-support."""
    today = today or date.today()
    index = graph.index if graph is not None else PlantIndex(model)
    graph = graph or build_flow_graph(model, index)
    redundancies = find_redundancies(model, index)
    parts = _Parts(
        silos=find_silos(graph),
        redundancies=redundancies,
        gaps=find_gaps(graph),
        complexity=measure_complexity(graph),
        single_points_of_failure=find_single_points_of_failure(graph),
        lifecycle=assess_lifecycle(model, today, index),
        cost=summarise_costs(model, redundancies, index),
    )
    paths = shop_floor_paths(graph)
    sizes = _sizes(model, graph)
    overall = _metrics(None, model, parts, paths, sizes)
    per_system: dict[str, int] = {}
    if conformance:
        overall.standards_conformance, overall.standards_note, per_system = standards_conformance(
            model, today
        )
    sites = [_metrics(site, model, parts, paths, sizes) for site in index.sites]
    return AnalysisReport(
        today=today, metrics=overall, sites=sites, standards_findings=per_system, **parts._asdict()
    )
