"""Recommendations beside the phased plan: close gaps, move spaghetti onto a hub, connect silos,
remove single points of failure — each with a one-off estimate from the settings.

They are Invest-type work: they cost money and remove risk or friction but retire nothing, so they
save no running cost and stay out of the plan's savings, payback and NPV.
"""

from __future__ import annotations

from typing import Literal

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


def recommend(report: AnalysisReport, settings: RoadmapSettings) -> list[Recommendation]:
    """One recommendation per gap, spaghetti site, silo group or area, and single system of failure."""
    per_interface = settings.migration_cost_per_interface
    result: list[Recommendation] = []
    for gap in report.gaps:
        result.append(
            Recommendation(
                kind="close-gap",
                site=gap.site,
                objects=gap.objects,
                why=f"add the {gap.information} exchange ({gap.expectation}) through the integration "
                f"platform or the Unified Namespace: {gap.why}",
                one_off=Figure(
                    value=per_interface,
                    basis=f"1 new interface × {money(per_interface)} migration_cost_per_interface",
                ),
            )
        )
    for finding in report.complexity.findings:
        if finding.kind != "spaghetti":
            continue
        result.append(
            Recommendation(
                kind="move-to-hub",
                site=finding.site,
                objects=finding.objects,
                why=f"move the point-to-point interfaces onto a broker / middleware: {finding.why}",
                one_off=Figure(
                    value=finding.value * per_interface,
                    basis=f"{finding.value} point-to-point interfaces × {money(per_interface)} "
                    "migration_cost_per_interface",
                ),
            )
        )
    for silo in report.silos:
        if silo.kind == "isolated":
            continue
        result.append(
            Recommendation(
                kind="connect-silo",
                site=silo.site,
                objects=silo.objects,
                why=f"connect it to site operations or the Unified Namespace: {silo.why}",
                one_off=Figure(
                    value=per_interface,
                    basis=f"1 new interface × {money(per_interface)} migration_cost_per_interface",
                ),
            )
        )
    effort = settings.upgrade_days * settings.labour_rate_per_day
    for spof in report.single_points_of_failure:
        if spof.kind != "system":
            continue
        result.append(
            Recommendation(
                kind="remove-single-point",
                site=spof.site,
                objects=spof.objects,
                why=f"cluster {spof.objects[0]} or add a second path: {spof.why}",
                one_off=Figure(
                    value=effort,
                    basis=f"{settings.upgrade_days:g} upgrade_days × {money(settings.labour_rate_per_day)} "
                    "labour_rate_per_day (engineering of a redundant node or path)",
                ),
            )
        )
    return result
