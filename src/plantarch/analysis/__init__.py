"""Graph views of the plant and the analyses: silos, redundancy, gaps, complexity, resilience,
lifecycle, cost and key metrics, assembled into an AnalysisReport; drift (declared vs observed)."""

from plantarch.analysis.complexity import Complexity, ComplexityFinding, SiteComplexity, measure_complexity
from plantarch.analysis.cost import CostSummary, summarise_costs
from plantarch.analysis.drift import DriftItem, DriftReport, detect_drift
from plantarch.analysis.gaps import EXPECTED_EXCHANGES, IntegrationGap, find_gaps
from plantarch.analysis.graph import FlowGraph, PlantIndex, build_flow_graph
from plantarch.analysis.item import AnalysisItem
from plantarch.analysis.lifecycle import LifecycleRisk, assess_lifecycle
from plantarch.analysis.metrics import KeyMetrics
from plantarch.analysis.redundancy import Redundancy, find_redundancies
from plantarch.analysis.render import render_text
from plantarch.analysis.report import AnalysisReport, analyze
from plantarch.analysis.resilience import SinglePointOfFailure, find_single_points_of_failure
from plantarch.analysis.silos import Silo, find_silos

__all__ = [
    "EXPECTED_EXCHANGES",
    "AnalysisItem",
    "AnalysisReport",
    "Complexity",
    "ComplexityFinding",
    "CostSummary",
    "DriftItem",
    "DriftReport",
    "FlowGraph",
    "IntegrationGap",
    "KeyMetrics",
    "LifecycleRisk",
    "PlantIndex",
    "Redundancy",
    "Silo",
    "SinglePointOfFailure",
    "SiteComplexity",
    "analyze",
    "assess_lifecycle",
    "build_flow_graph",
    "detect_drift",
    "find_gaps",
    "find_redundancies",
    "find_silos",
    "find_single_points_of_failure",
    "measure_complexity",
    "render_text",
    "summarise_costs",
]
