"""Redundancy: systems serving the same capability at the same scope, and duplicate infrastructure.

Two systems overlap when they share a capability (of the manufacturing-operations, business or data
families) and one's ISA-95 location encloses the other's (a site historian and a line historian
serve the same line), or when they are the same kind of infrastructure (historian, broker, MES, ...)
at the same site and Purdue level. Groups are formed per shared capability and merged when one holds
the other; a group is reported when its overlap score reaches MIN_OVERLAP. A system with a recorded
`justification` (an approved duplicate, e.g. a hot standby) is left out.
"""

from __future__ import annotations

from datetime import date
from itertools import combinations

from pydantic import Field

from plantarch.analysis.graph import PlantIndex
from plantarch.analysis.item import AnalysisItem
from plantarch.model import CapabilityCategory, PlantModel, System, SystemKind

CONSOLIDATION_CATEGORIES: frozenset[str] = frozenset(
    {CapabilityCategory.MANUFACTURING_OPERATIONS, CapabilityCategory.BUSINESS, CapabilityCategory.DATA}
)
"""Capability families where two systems at one scope are a consolidation candidate (not control:
every PLC of a line serves control)."""

DUPLICATE_INFRASTRUCTURE: frozenset[str] = frozenset(
    {
        SystemKind.HISTORIAN,
        SystemKind.BROKER,
        SystemKind.MIDDLEWARE,
        SystemKind.IIOT_PLATFORM,
        SystemKind.DATA_LAKE,
        SystemKind.OPC_SERVER,
        SystemKind.MES,
        SystemKind.ERP,
        SystemKind.QMS,
        SystemKind.LIMS,
        SystemKind.CMMS,
        SystemKind.WMS,
    }
)
"""System kinds of which one per site is normally enough."""

SCORE_SAMPLE = 200
MIN_OVERLAP = 0.34
"""Groups whose members overlap less than this (mean pairwise Jaccard of capabilities + kind) are
partial overlaps, not redundancy: an MES that also collects data is not a second data logger."""


class Redundancy(AnalysisItem):
    """A group of systems that serve the same capability at the same scope."""

    capabilities: list[str] = Field(
        description="Capabilities (or kind:<kind>) served by more than one member."
    )
    scope: str | None = Field(description="Innermost location enclosing every member; none = enterprise.")
    overlap_score: float = Field(
        ge=0, le=1, description="Mean pairwise Jaccard overlap of what members serve."
    )
    annual_cost: float = Field(description="Annual TCO of every member.")
    keep: str = Field(description="Member kept by the default rule (widest scope, longest support, ...).")
    redundant_cost: float = Field(description="Annual TCO of every member except `keep`: the cost tied up.")
    basis: str = Field(description="How redundant_cost was computed.")


def _served(system: System) -> set[str]:
    """Everything a system serves, for the overlap score: its capabilities and its kind."""
    return {*system.capabilities, f"kind:{system.kind}"}


def _keep(index: PlantIndex, members: list[System]) -> System:
    def rank(system: System) -> tuple[int, int, int, int, float, str]:
        depth = len(index.ancestors(system.location))
        support = system.lifecycle.end_of_support or date.max
        return (
            depth,
            -support.toordinal(),
            -len(system.capabilities),
            -(system.users or 0),
            -system.costs.total,
            system.key,
        )

    return min(members, key=rank)


def _common_scope(index: PlantIndex, members: list[System]) -> str | None:
    chains = [index.ancestors(m.location) for m in members]
    if any(not chain for chain in chains):
        return None
    shared = set(chains[0]).intersection(*chains[1:])
    return next((loc for loc in chains[0] if loc in shared), None)


def _overlap(token_sets: list[set[str]]) -> float:
    sample = token_sets[:SCORE_SAMPLE]
    scores = [len(a & b) / len(a | b) for a, b in combinations(sample, 2) if a | b]
    return round(sum(scores) / len(scores), 3) if scores else 0.0


def _nested_groups(index: PlantIndex, systems: list[System]) -> list[set[str]]:
    """Groups of systems (sharing one capability) whose locations nest, via union-find."""
    parent = {s.key: s.key for s in systems}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    at: dict[str | None, list[str]] = {}
    for system in systems:
        scope = system.location if system.location in index.locations else None
        at.setdefault(scope, []).append(system.key)
    for scope, keys in at.items():
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
        outer_scopes = (*index.ancestors(scope)[1:], None) if scope is not None else ()
        for outer in outer_scopes:
            for other in at.get(outer, ()):
                parent[find(keys[0])] = find(other)
    groups: dict[str, set[str]] = {}
    for system in systems:
        groups.setdefault(find(system.key), set()).add(system.key)
    return [g for g in groups.values() if len(g) > 1]


def redundant_systems(groups: list[Redundancy], site: str | None = None) -> dict[str, str]:
    """Each system that is redundant in some group (not its kept member), once, with the group's site."""
    result: dict[str, str] = {}
    for group in groups:
        if site is None or group.site == site:
            for key in group.objects:
                if key != group.keep:
                    result.setdefault(key, group.site or "")
    kept = {g.keep for g in groups}
    return {k: s for k, s in result.items() if k not in kept}


def find_redundancies(model: PlantModel, index: PlantIndex | None = None) -> list[Redundancy]:
    """Every group of overlapping systems, with overlap score and the annual cost tied up."""
    index = index or PlantIndex(model)
    consolidating = {c.key for c in model.capabilities if c.category in CONSOLIDATION_CATEGORIES}
    candidates = [s for s in model.systems if not s.justification]
    by_key = {s.key: s for s in candidates}
    by_capability: dict[str, list[System]] = {}
    by_kind: dict[tuple[str, str | None, float | None], list[str]] = {}
    for system in candidates:
        for capability in system.capabilities:
            if capability in consolidating:
                by_capability.setdefault(capability, []).append(system)
        if system.kind in DUPLICATE_INFRASTRUCTURE:
            place = (str(system.kind), index.system_site(system), system.purdue_level)
            by_kind.setdefault(place, []).append(system.key)
    found: list[tuple[set[str], set[str]]] = []  # (members, what they share)
    for capability, systems in by_capability.items():
        found.extend((group, {capability}) for group in _nested_groups(index, systems))
    for (kind, _site, _level), keys in by_kind.items():
        if len(keys) > 1:
            found.append((set(keys), {f"kind:{kind}"}))
    # A group inside a larger one is the same finding: merge what they share.
    found.sort(key=lambda g: (-len(g[0]), sorted(g[0])))
    merged: list[tuple[set[str], set[str]]] = []
    for group_keys, group_shared in found:
        home = next((m for m in merged if group_keys <= m[0]), None)
        if home is None:
            merged.append((set(group_keys), set(group_shared)))
        else:
            home[1].update(group_shared)
    groups = {frozenset(m): sh for m, sh in merged}
    result: list[Redundancy] = []
    for group_members, shared_set in groups.items():
        members = sorted((by_key[k] for k in group_members), key=lambda s: s.key)
        overlap = _overlap([_served(m) for m in members])
        if overlap < MIN_OVERLAP:
            continue
        shared = sorted(shared_set)
        keep = _keep(index, members)
        total = sum(m.costs.total for m in members)
        redundant = total - keep.costs.total
        scope = _common_scope(index, members)
        sites = {index.system_site(m) for m in members}
        names = ", ".join(f"{m.name} ({m.key})" for m in members)
        result.append(
            Redundancy(
                site=next(iter(sites)) if len(sites) == 1 else None,
                objects=[m.key for m in members],
                why=f"{len(members)} systems serve {', '.join(shared)} at "
                f"{'the enterprise' if scope is None else scope}: {names}.",
                capabilities=shared,
                scope=scope,
                overlap_score=overlap,
                annual_cost=round(total, 2),
                keep=keep.key,
                redundant_cost=round(redundant, 2),
                basis=f"annual TCO of {', '.join(m.key for m in members if m is not keep)} "
                f"({redundant:,.0f}); {keep.key} is kept (widest scope, then longest support, "
                f"most capabilities, most users)",
            )
        )
    result.sort(key=lambda r: (-r.redundant_cost, r.objects))
    return result
