"""Lifecycle and risk: end-of-support systems, weighted by Purdue level and criticality.

Risk = 100 × status weight × level weight × criticality weight. Lower Purdue levels weigh more: they
are closest to the process, hardest to patch and longest-lived; the DMZ weighs more than level 3
because it faces the business network.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from plantarch.analysis.graph import PlantIndex
from plantarch.analysis.item import AnalysisItem
from plantarch.model import PlantModel, format_level

SOON = timedelta(days=365)
"""Support ending within this window counts as ending soon."""

LEVEL_WEIGHT: dict[float, float] = {0.0: 1.0, 1.0: 1.0, 2.0: 0.9, 3.0: 0.7, 3.5: 0.8, 4.0: 0.5, 5.0: 0.4}
UNKNOWN_LEVEL_WEIGHT = 0.7
CRITICALITY_WEIGHT: dict[str, float] = {"critical": 1.0, "high": 0.75, "medium": 0.5, "low": 0.25}
UNKNOWN_CRITICALITY_WEIGHT = 0.5
STATUS_WEIGHT: dict[str, float] = {"ended": 1.0, "ending": 0.5}


def level_weight(level: float | None) -> float:
    """Risk weight of a Purdue level (lower levels weigh more)."""
    return UNKNOWN_LEVEL_WEIGHT if level is None else LEVEL_WEIGHT.get(level, UNKNOWN_LEVEL_WEIGHT)


def criticality_weight(criticality: str | None) -> float:
    """Risk weight of a criticality."""
    return UNKNOWN_CRITICALITY_WEIGHT if criticality is None else CRITICALITY_WEIGHT.get(criticality, 0.5)


class LifecycleRisk(AnalysisItem):
    """A system out of support, or going out of support soon, with its weighted risk."""

    status: Literal["ended", "ending"]
    end_of_support: date
    days: int = Field(description="Days since support ended (positive) or until it ends (negative).")
    purdue_level: str
    criticality: str | None
    risk: float = Field(ge=0, le=100, description="100 × status × level × criticality weights.")
    basis: str


def assess_lifecycle(model: PlantModel, today: date, index: PlantIndex | None = None) -> list[LifecycleRisk]:
    """Systems whose support has ended (or ends within a year), riskiest first."""
    index = index or PlantIndex(model)
    risks: list[LifecycleRisk] = []
    for system in model.systems:
        end = system.lifecycle.end_of_support
        if end is None:
            continue
        if end < today:
            status: Literal["ended", "ending"] = "ended"
        elif end - today <= SOON:
            status = "ending"
        else:
            continue
        level_w = (
            LEVEL_WEIGHT.get(system.purdue_level, UNKNOWN_LEVEL_WEIGHT)
            if system.purdue_level is not None
            else UNKNOWN_LEVEL_WEIGHT
        )
        crit = str(system.criticality) if system.criticality else None
        crit_w = (
            CRITICALITY_WEIGHT.get(crit, UNKNOWN_CRITICALITY_WEIGHT) if crit else UNKNOWN_CRITICALITY_WEIGHT
        )
        status_w = STATUS_WEIGHT[status]
        risk = round(100 * status_w * level_w * crit_w, 1)
        level = format_level(system.purdue_level)
        verb = "ended" if status == "ended" else "ends"
        risks.append(
            LifecycleRisk(
                site=index.system_site(system),
                objects=[system.key],
                why=f"{system.name} ({system.kind}{', ' + system.product if system.product else ''}"
                f"{' ' + system.version if system.version else ''}) support {verb} {end.isoformat()}, "
                f"at Purdue level {level}, criticality {crit or 'unknown'}.",
                status=status,
                end_of_support=end,
                days=(today - end).days,
                purdue_level=level,
                criticality=crit,
                risk=risk,
                basis=f"100 × status {status} {status_w} × level {level} {level_w} × criticality "
                f"{crit or 'unknown'} {crit_w}",
            )
        )
    risks.sort(key=lambda r: (-r.risk, -r.days, r.objects))
    return risks
