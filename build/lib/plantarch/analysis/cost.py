"""Cost: annual TCO per system, capability, site and in total, and the share tied up in redundancy."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from plantarch.analysis.graph import PlantIndex
from plantarch.analysis.redundancy import Redundancy, redundant_systems
from plantarch.model import PlantModel

COST_KINDS: tuple[str, ...] = ("licence", "maintenance", "hosting", "support", "integration")


class SystemCost(BaseModel):
    """Annual TCO of one system by cost kind."""

    model_config = ConfigDict(extra="forbid")

    system: str
    site: str | None
    licence: float
    maintenance: float
    hosting: float
    support: float
    integration: float = Field(description="Interface upkeep.")
    total: float


class CostGroup(BaseModel):
    """Annual TCO of a capability or a site, with the systems it comes from."""

    model_config = ConfigDict(extra="forbid")

    key: str | None
    total: float
    systems: list[str]
    basis: str


class CostSummary(BaseModel):
    """TCO per system, capability, site and in total; what share of it is redundant."""

    model_config = ConfigDict(extra="forbid")

    total: float
    by_kind: dict[str, float]
    systems: list[SystemCost]
    capabilities: list[CostGroup]
    sites: list[CostGroup]
    redundant: float = Field(description="Annual TCO of redundant members (see redundancy).")
    redundant_share: float = Field(ge=0, le=1)
    basis: str


def summarise_costs(
    model: PlantModel, redundancies: list[Redundancy], index: PlantIndex | None = None
) -> CostSummary:
    """Sum annual costs per system, capability (split evenly over a system's capabilities) and site."""
    index = index or PlantIndex(model)
    systems: list[SystemCost] = []
    capabilities: dict[str, tuple[float, list[str]]] = {}
    sites: dict[str | None, tuple[float, list[str]]] = {}
    by_kind = dict.fromkeys(COST_KINDS, 0.0)
    for system in model.systems:
        costs = system.costs
        total = costs.total
        if total <= 0:
            continue
        site = index.system_site(system)
        systems.append(SystemCost(system=system.key, site=site, total=round(total, 2), **costs.model_dump()))
        for kind in COST_KINDS:
            by_kind[kind] += getattr(costs, kind)
        for capability in system.capabilities:
            amount, keys = capabilities.get(capability, (0.0, []))
            keys.append(system.key)
            capabilities[capability] = (amount + total / len(system.capabilities), keys)
        amount, keys = sites.get(site, (0.0, []))
        keys.append(system.key)
        sites[site] = (amount + total, keys)
    systems.sort(key=lambda s: (-s.total, s.system))
    grand = sum(by_kind.values())
    index_costs = {s.key: s.costs.total for s in model.systems}
    redundant = sum(index_costs[k] for k in redundant_systems(redundancies))
    return CostSummary(
        total=round(grand, 2),
        by_kind={k: round(v, 2) for k, v in by_kind.items()},
        systems=systems,
        capabilities=[
            CostGroup(
                key=cap,
                total=round(amount, 2),
                systems=keys,
                basis="each system's annual TCO split evenly over the capabilities it serves",
            )
            for cap, (amount, keys) in sorted(capabilities.items(), key=lambda kv: -kv[1][0])
        ],
        sites=[
            CostGroup(
                key=site,
                total=round(amount, 2),
                systems=keys,
                basis="annual TCO of the systems at the site (none = enterprise-wide systems)",
            )
            for site, (amount, keys) in sorted(sites.items(), key=lambda kv: kv[0] or "")
        ],
        redundant=round(redundant, 2),
        redundant_share=round(redundant / grand, 4) if grand else 0.0,
        basis="licence + maintenance + hosting + support + integration per system (annual); redundant = "
        "annual TCO of every system that is redundant in a group (not the group's kept member), each "
        "counted once",
    )
