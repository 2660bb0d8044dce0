"""Key metrics of a plant model for the report: counts, levels, costs, lifecycle, risky flows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from plantarch.model import CLEARTEXT_INDUSTRIAL_PROTOCOLS, PlantModel, System, format_level
from plantarch.report.bands import PURDUE_ORDER, level_label


@dataclass
class KeyMetrics:
    """The figures the report's first page shows."""

    counts: dict[str, int]
    sites: int
    systems_by_level: list[tuple[str, int]]
    systems_by_kind: list[tuple[str, int]]
    annual_cost: float
    cost_by_kind: dict[str, float]
    end_of_support: list[System]
    unsupported_soon: list[System]
    declared_flows: int
    observed_flows: int
    cross_zone_flows: int
    cleartext_cross_zone: int
    dmz_bypass: int
    undeclared_assets: int
    missing_owner: int
    extra: dict[str, str] = field(default_factory=dict)


def key_metrics(model: PlantModel, *, today: date | None = None) -> KeyMetrics:
    """Compute the report's key metrics from the model alone (no analysis library needed)."""
    today = today or date.today()
    by_level = Counter(s.purdue_level for s in model.systems)
    levels = [(level_label(lv), by_level[lv]) for lv in PURDUE_ORDER if by_level[lv]]
    if by_level[None]:
        levels.append((level_label(None), by_level[None]))
    level_of: dict[str, float | None] = {s.key: s.purdue_level for s in model.systems}
    zone_of: dict[str, str | None] = {s.key: s.zone for s in model.systems}
    for a in model.assets:
        level_of[a.key] = (
            a.purdue_level
            if a.purdue_level is not None
            else (a.suggested_level.level if a.suggested_level else None)
        )
        zone_of[a.key] = a.zone
    cross = clear = bypass = 0
    for f in model.flows:
        zs, zt = zone_of.get(f.source), zone_of.get(f.target)
        if zs and zt and zs != zt:
            cross += 1
            if (f.protocol or "") in CLEARTEXT_INDUSTRIAL_PROTOCOLS:
                clear += 1
        ls, lt = level_of.get(f.source), level_of.get(f.target)
        if ls is not None and lt is not None and max(ls, lt) >= 4 and min(ls, lt) <= 2:
            bypass += 1
    eos = [s for s in model.systems if s.lifecycle.end_of_support and s.lifecycle.end_of_support < today]
    soon = [
        s
        for s in model.systems
        if s.lifecycle.end_of_support
        and today <= s.lifecycle.end_of_support < today.replace(year=today.year + 2)
    ]
    costs = {
        kind: sum(getattr(s.costs, kind) for s in model.systems)
        for kind in ("licence", "maintenance", "hosting", "support", "integration")
    }
    return KeyMetrics(
        counts=model.counts(),
        sites=sum(1 for loc in model.locations if loc.kind == "site"),
        systems_by_level=levels,
        systems_by_kind=Counter(str(s.kind) for s in model.systems).most_common(),
        annual_cost=sum(costs.values()),
        cost_by_kind=costs,
        end_of_support=sorted(eos, key=lambda s: (s.lifecycle.end_of_support or today, s.key)),
        unsupported_soon=sorted(soon, key=lambda s: (s.lifecycle.end_of_support or today, s.key)),
        declared_flows=sum(1 for f in model.flows if f.origin == "declared"),
        observed_flows=sum(1 for f in model.flows if f.origin == "observed"),
        cross_zone_flows=cross,
        cleartext_cross_zone=clear,
        dmz_bypass=bypass,
        undeclared_assets=sum(1 for a in model.assets if not a.declared),
        missing_owner=sum(1 for s in model.systems if not s.owner),
    )


def level_text(level: float | None) -> str:
    """A Purdue level as a table cell."""
    return format_level(level)
