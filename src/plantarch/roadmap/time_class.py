"""TIME classification (Tolerate, Invest, Migrate, Eliminate) from technical and functional fit.

Technical fit weighs lifecycle (support status), findings (analysis items and open standards findings
naming the system),
integration (share of its interfaces through a hub rather than point-to-point) and resilience
(whether it is a single point of failure). Functional fit weighs capability coverage (the share of
its redundancy group's capabilities it serves; 1 when it is the only provider) and users (relative
to the busiest comparable system). High/low is decided by `fit_threshold`:
Invest = high technical + high functional, Migrate = low technical + high functional,
Tolerate = high technical + low functional, Eliminate = low both — and a system consolidated into
another is Eliminate whatever its scores. A system whose support has ended has its technical fit
capped at `unsupported_technical_cap` (a knock-out criterion).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from plantarch.analysis.complexity import interfaces
from plantarch.analysis.graph import FlowGraph
from plantarch.analysis.redundancy import DUPLICATE_INFRASTRUCTURE
from plantarch.analysis.report import AnalysisReport
from plantarch.model import System, format_level
from plantarch.roadmap.settings import RoadmapSettings

TimeClass = Literal["tolerate", "invest", "migrate", "eliminate"]


class Score(BaseModel):
    """One component of a fit score, with its weight and the reason for its value."""

    model_config = ConfigDict(extra="forbid")

    name: str
    value: float = Field(ge=0, le=1)
    weight: float = Field(ge=0, le=1)
    why: str


class TimeAssessment(BaseModel):
    """The TIME class of one system, with both fit scores explained."""

    model_config = ConfigDict(extra="forbid")

    system: str
    name: str
    kind: str
    site: str | None
    purdue_level: str
    technical_fit: float = Field(ge=0, le=1)
    technical: list[Score]
    functional_fit: float = Field(ge=0, le=1)
    functional: list[Score]
    time_class: TimeClass
    consolidate_into: str | None = None
    why: str


def _weighted(scores: list[Score]) -> float:
    return min(1.0, round(sum(s.value * s.weight for s in scores), 3))


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


def _lifecycle(system: System, today: date) -> tuple[float, str]:
    end = system.lifecycle.end_of_support
    if end is None:
        return 0.6, "no end-of-support date recorded"
    if end < today:
        return 0.0, f"support ended {end.isoformat()}"
    if (end - today).days <= 365:
        return 0.4, f"support ends {end.isoformat()}, within a year"
    return 1.0, f"supported until {end.isoformat()}"


def tokens(system: System) -> set[str]:
    """What a system serves, for coverage: its capabilities and, for infrastructure, its kind."""
    result = set(system.capabilities)
    if system.kind in DUPLICATE_INFRASTRUCTURE:
        result.add(f"kind:{system.kind}")
    return result


def assess_fit(
    graph: FlowGraph, report: AnalysisReport, settings: RoadmapSettings
) -> dict[str, tuple[list[Score], list[Score]]]:
    """Technical and functional score components per system key."""
    model = graph.model
    tw = _normalised(settings.technical_weights.model_dump())
    fw = _normalised(settings.functional_weights.model_dump())
    mentions: dict[str, int] = {}
    items = [*report.silos, *report.gaps, *report.complexity.findings]
    for item in items:
        for key in set(item.objects):
            mentions[key] = mentions.get(key, 0) + 1
    spof = {s.objects[0]: s.cut_off for s in report.single_points_of_failure if s.kind == "system"}
    facts = interfaces(graph)
    group_of: dict[str, list[str]] = {}
    for group in report.redundancies:
        for key in group.objects:
            group_of[key] = group.objects
    systems = graph.index.systems
    max_users_kind: dict[str, int] = {}
    for s in model.systems:
        max_users_kind[s.kind] = max(max_users_kind.get(s.kind, 0), s.users or 0)
    result: dict[str, tuple[list[Score], list[Score]]] = {}
    for system in model.systems:
        node = graph.node_of[system.key]
        value, why = _lifecycle(system, report.today)
        n = mentions.get(system.key, 0)
        rules = report.standards_findings.get(system.key, 0)
        total, p2p = int(facts.total[node]), int(facts.point_to_point[node])
        integ = 1.0 if total == 0 else round(1 - p2p / total, 3)
        cut = spof.get(system.key)
        technical = [
            Score(name="lifecycle", value=value, weight=tw["lifecycle"], why=why),
            Score(
                name="findings",
                value=round(1 / (1 + n + rules), 3),
                weight=tw["findings"],
                why=f"{n} analysis finding(s) (silo, gap, complexity) and {rules} open standards finding(s) "
                "name it",
            ),
            Score(
                name="integration",
                value=integ,
                weight=tw["integration"],
                why=f"{p2p} of its {total} interfaces are point-to-point" if total else "no interfaces",
            ),
            Score(
                name="resilience",
                value=0.3 if cut else 1.0,
                weight=tw["resilience"],
                why=f"single point of failure: losing it cuts {cut} critical system(s) off"
                if cut
                else "not a single point of failure",
            ),
        ]
        peers = group_of.get(system.key)
        mine = tokens(system)
        if peers:
            union = set().union(*(tokens(systems[k]) for k in peers))
            coverage = round(len(mine & union) / len(union), 3) if union else 0.5
            cov_why = f"serves {len(mine & union)} of the {len(union)} capabilities of its redundancy group"
            peers_max = max(systems[k].users or 0 for k in peers)
        elif system.capabilities:
            coverage, cov_why = 1.0, "sole provider of its capabilities at its scope"
            peers_max = max_users_kind.get(system.kind, 0)
        else:
            coverage, cov_why = 0.5, "no capabilities declared"
            peers_max = max_users_kind.get(system.kind, 0)
        if system.users is None or peers_max == 0:
            users, users_why = 0.5, "user count unknown"
        else:
            users = round(system.users / peers_max, 3)
            users_why = f"{system.users} users, busiest comparable system has {peers_max}"
        functional = [
            Score(name="coverage", value=coverage, weight=fw["coverage"], why=cov_why),
            Score(name="users", value=users, weight=fw["users"], why=users_why),
        ]
        result[system.key] = (technical, functional)
    return result


def classify(
    graph: FlowGraph,
    fits: dict[str, tuple[list[Score], list[Score]]],
    retire_into: dict[str, str],
    settings: RoadmapSettings,
) -> list[TimeAssessment]:
    """The TIME class of every system from its fits; consolidated systems are Eliminate."""
    threshold = settings.fit_threshold
    result: list[TimeAssessment] = []
    for system in graph.model.systems:
        technical, functional = fits[system.key]
        tech, func = _weighted(technical), _weighted(functional)
        capped = technical[0].value == 0.0 and tech > settings.unsupported_technical_cap
        if capped:  # out of support is a knock-out, whatever else is good about it
            tech = settings.unsupported_technical_cap
        target = retire_into.get(system.key)
        if target is not None:
            time_class: TimeClass = "eliminate"
            why = f"redundant: its capabilities are consolidated into {target}"
        else:
            high_t, high_f = tech >= threshold, func >= threshold
            time_class = {
                (True, True): "invest",
                (False, True): "migrate",
                (True, False): "tolerate",
                (False, False): "eliminate",
            }[(high_t, high_f)]  # type: ignore[assignment]
            why = (
                f"technical fit {tech:.2f} is {'high' if high_t else 'low'} and functional fit "
                f"{func:.2f} is {'high' if high_f else 'low'} (threshold {threshold})"
            )
            if capped:
                why += f"; technical fit capped at {tech:.2f} because support has ended"
        node = graph.nodes[graph.node_of[system.key]]
        result.append(
            TimeAssessment(
                system=system.key,
                name=system.name,
                kind=str(system.kind),
                site=node.site,
                purdue_level=format_level(system.purdue_level),
                technical_fit=tech,
                technical=technical,
                functional_fit=func,
                functional=functional,
                time_class=time_class,
                consolidate_into=target,
                why=why,
            )
        )
    return result
