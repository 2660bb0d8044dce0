"""The roadmap: TIME classes, consolidations and a phased, costed plan built from a plant model."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from plantarch.analysis.graph import FlowGraph, build_flow_graph
from plantarch.analysis.lifecycle import (
    CRITICALITY_WEIGHT,
    LEVEL_WEIGHT,
    UNKNOWN_CRITICALITY_WEIGHT,
    UNKNOWN_LEVEL_WEIGHT,
)
from plantarch.analysis.report import AnalysisReport, analyze
from plantarch.model import PlantModel, System, format_level
from plantarch.roadmap.consolidation import Consolidation, Retirement, plan_consolidations
from plantarch.roadmap.figure import Figure, money
from plantarch.roadmap.phasing import Action, CashFlow, Phase, build_phases, order_and_phase
from plantarch.roadmap.recommendations import Recommendation, recommend
from plantarch.roadmap.settings import RoadmapSettings
from plantarch.roadmap.time_class import TimeAssessment, assess_fit, classify


class Roadmap(BaseModel):
    """A consolidation roadmap: TIME classes, targets, phased actions, savings; every number explained."""

    model_config = ConfigDict(extra="forbid")

    today: date
    settings: RoadmapSettings
    time_classes: list[TimeAssessment]
    consolidations: list[Consolidation]
    actions: list[Action]
    phases: list[Phase]
    cash_flow: CashFlow
    recommendations: list[Recommendation] = Field(
        default_factory=list,
        description="Gaps, spaghetti, silos, single points of failure: estimated, not phased.",
    )
    review: list[str] = Field(
        default_factory=list,
        description="Systems classed Eliminate with no consolidation target: decide by hand.",
    )


def _risk(system: System, touched: int, settings: RoadmapSettings) -> tuple[Figure, bool]:
    level = system.purdue_level
    level_w = LEVEL_WEIGHT.get(level, UNKNOWN_LEVEL_WEIGHT) if level is not None else UNKNOWN_LEVEL_WEIGHT
    crit = str(system.criticality) if system.criticality else None
    crit_w = CRITICALITY_WEIGHT.get(crit, UNKNOWN_CRITICALITY_WEIGHT) if crit else UNKNOWN_CRITICALITY_WEIGHT
    spread = min(1.0, 0.5 + 0.1 * touched)
    value = round(level_w * crit_w * spread, 3)
    high = value >= settings.high_risk_threshold and level is not None and level <= settings.low_level_max
    return (
        Figure(
            value=value,
            basis=f"level {format_level(level)} weight {level_w} × criticality {crit or 'unknown'} weight "
            f"{crit_w} × interfaces touched min(1, 0.5 + 0.1 × {touched}) = {spread:g}",
        ),
        high,
    )


def _retire_action(
    system: System, retirement: Retirement, depends: list[str], settings: RoadmapSettings, site: str | None
) -> Action:
    moved = sum(1 for m in retirement.interfaces if m.action == "re-point")
    risk, high = _risk(system, len(retirement.interfaces), settings)
    return Action(
        key=f"retire:{system.key}",
        kind="retire",
        system=system.key,
        site=site,
        target=retirement.target,
        purdue_level=system.purdue_level,
        one_off=retirement.one_off,
        annual_saving=retirement.annual_saving,
        risk=risk,
        high_risk=high,
        depends_on=depends,
        why=f"consolidate {system.key} into {retirement.target}: re-point {moved} interface(s), then "
        "retire it",
    )


def _upgrade_action(
    system: System, touched: int, settings: RoadmapSettings, today: date, site: str | None
) -> Action:
    costs = system.costs
    labour = settings.upgrade_days * settings.labour_rate_per_day
    purchase = settings.upgrade_licence_factor * (costs.licence + costs.maintenance)
    risk, high = _risk(system, touched, settings)
    end = system.lifecycle.end_of_support
    return Action(
        key=f"upgrade:{system.key}",
        kind="upgrade",
        system=system.key,
        site=site,
        purdue_level=system.purdue_level,
        one_off=Figure(
            value=round(labour + purchase, 2),
            basis=f"{settings.upgrade_days:g} upgrade_days × {money(settings.labour_rate_per_day)} "
            f"labour_rate_per_day + {settings.upgrade_licence_factor:g} upgrade_licence_factor × (licence "
            f"{money(costs.licence)} + maintenance {money(costs.maintenance)})",
        ),
        annual_saving=Figure(value=0.0, basis="an upgrade removes risk, not running cost"),
        risk=risk,
        high_risk=high,
        why=f"{system.key} is classed Migrate: support {'ended' if end and end < today else 'ends'} "
        f"{end.isoformat() if end else 'unknown'}; move it to a supported version or platform",
    )


def build_roadmap(
    model: PlantModel,
    settings: RoadmapSettings | None = None,
    today: date | None = None,
    *,
    report: AnalysisReport | None = None,
    graph: FlowGraph | None = None,
    standards: bool = True,
) -> Roadmap:
    """Classify every system, plan consolidations and phase the changes with costs and savings.

    Without a `report` the analysis runs first (with the baseline standards check unless `standards`
    is false, so open findings lower technical fit).
    """
    settings = settings or RoadmapSettings()
    graph = graph or build_flow_graph(model)
    report = report or analyze(model, today, conformance=standards, graph=graph)
    today = report.today
    fits = assess_fit(graph, report, settings)
    consolidations = plan_consolidations(graph, report.redundancies, fits, settings)
    retire_into = {r.system: r.target for c in consolidations for r in c.retire}
    assessments = classify(graph, fits, retire_into, settings)
    systems = graph.index.systems
    unsupported = {r.objects[0] for r in report.lifecycle}
    actions: list[Action] = []
    upgrades: set[str] = set()
    for assessment in assessments:
        if assessment.time_class == "migrate" and assessment.system in unsupported:
            system = systems[assessment.system]
            touched = len(graph.neighbours(graph.node_of[system.key]))
            actions.append(_upgrade_action(system, touched, settings, today, assessment.site))
            upgrades.add(system.key)
    for consolidation in consolidations:
        for retirement in consolidation.retire:
            depends = [f"upgrade:{retirement.target}"] if retirement.target in upgrades else []
            depends += [f"retire:{c}" for c in retirement.consumers if c in retire_into]
            site = graph.nodes[graph.node_of[retirement.system]].site
            actions.append(_retire_action(systems[retirement.system], retirement, depends, settings, site))
    actions = order_and_phase(actions, settings)
    phases, cash = build_phases(actions, settings)
    review = sorted(
        a.system for a in assessments if a.time_class == "eliminate" and a.consolidate_into is None
    )
    return Roadmap(
        today=today,
        settings=settings,
        time_classes=assessments,
        consolidations=consolidations,
        actions=actions,
        phases=phases,
        cash_flow=cash,
        recommendations=recommend(report, settings),
        review=review,
    )
