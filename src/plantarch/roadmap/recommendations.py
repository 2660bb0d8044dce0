"""Recommendations beside the phased plan: close gaps, move spaghetti onto a hub, connect silos,
remove single points of failure — each with a one-off estimate from the settings.

They are Invest-type work: they cost money and remove risk or friction but retire nothing, so they
save no running cost and stay out of the plan's savings, payback and NPV.
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from plantarch.analysis.report import AnalysisReport
from plantarch.roadmap.figure import Figure, money
from plantarch.roadmap.settings import RoadmapSettings


class Recommendation(BaseModel):
    """A change the analysis calls for that is not a retirement or an upgrade."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["close-gap", "move-to-hub", "connect-silo", "remove-single-point"]
    site: str | None
    objects: list[str]
    why: str
    one_off: Figure


class _Finding(Protocol):
    """What an analysis found: the site and the objects a recommendation is about."""

    @property
    def site(self) -> str | None: ...

    @property
    def objects(self) -> list[str]: ...


def _recommendation(
    kind: Literal["close-gap", "move-to-hub", "connect-silo", "remove-single-point"],
    found: _Finding,
    why: str,
    one_off: Figure,
) -> Recommendation:
    """A recommendation about the site and objects of one finding."""
    return Recommendation(kind=kind, site=found.site, objects=found.objects, why=why, one_off=one_off)


def _interfaces(count: float, what: str, per_interface: float) -> Figure:
    """The one-off cost of building or moving `count` interfaces at the per-interface setting."""
    return Figure(
        value=count * per_interface,
        basis=f"{count} {what} × {money(per_interface)} migration_cost_per_interface",
    )


def recommend(report: AnalysisReport, settings: RoadmapSettings) -> list[Recommendation]:
    """One recommendation per gap, spaghetti site, silo group or area, and single system of failure."""
    per_interface = settings.migration_cost_per_interface
    result: list[Recommendation] = []
    for gap in report.gaps:
        why = (
            f"add the {gap.information} exchange ({gap.expectation}) through the integration "
            f"platform or the Unified Namespace: {gap.why}"
        )
        one_off = _interfaces(1, "new interface", per_interface)
        result.append(_recommendation("close-gap", gap, why, one_off))
    for finding in report.complexity.findings:
        if finding.kind != "spaghetti":
            continue
        why = f"move the point-to-point interfaces onto a broker / middleware: {finding.why}"
        one_off = _interfaces(finding.value, "point-to-point interfaces", per_interface)
        result.append(_recommendation("move-to-hub", finding, why, one_off))
    for silo in report.silos:
        if silo.kind == "isolated":
            continue
        why = f"connect it to site operations or the Unified Namespace: {silo.why}"
        one_off = _interfaces(1, "new interface", per_interface)
        result.append(_recommendation("connect-silo", silo, why, one_off))
    effort = settings.upgrade_days * settings.labour_rate_per_day
    for spof in report.single_points_of_failure:
        if spof.kind != "system":
            continue
        why = f"cluster {spof.objects[0]} or add a second path: {spof.why}"
        one_off = Figure(
            value=effort,
            basis=f"{settings.upgrade_days:g} upgrade_days × {money(settings.labour_rate_per_day)} "
            "labour_rate_per_day (engineering of a redundant node or path)",
        )
        result.append(_recommendation("remove-single-point", spof, why, one_off))
    return result
