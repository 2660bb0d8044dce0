"""Redundancy: systems serving the same capability at the same scope, and duplicate infrastructure.

Two systems overlap when they share a capability and one's ISA-95 location encloses the other's (a
site historian and a line historian serve the same line), or when they are the same kind of data
infrastructure (historian, broker, middleware, ...) at the same site. Overlapping pairs are joined
into groups; a system with a recorded `justification` (an approved duplicate, e.g. a hot standby) is
left out.
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


class Redundancy(AnalysisItem):
    """A group of systems that serve the same capability at the same scope."""

    capabilities: list[str] = Field(description="Capabilities (or kind:<kind>) served by more than one member.")
    scope: str | None = Field(description="Innermost location enclosing every member; none = enterprise.")
    overlap_score: float = Field(ge=0, le=1, description="Mean pairwise Jaccard overlap of what members serve.")
    annual_cost: float = Field(description="Annual TCO of every member.")
    keep: str = Field(description="Member kept by the default rule (widest scope, longest support, ...).")
    redundant_cost: float = Field(description="Annual TCO of every member except `keep`: the cost tied up.")
    basis: str = Field(description="How redundant_cost was computed.")


def _tokens(system: System, consolidating: set[str]) -> set[str]:
    tokens = {c for c in system.capabilities if c in consolidating}
    if system.kind in DUPLICATE_INFRASTRUCTURE:
        tokens.add(f"kind:{system.kind}")
    return tokens


def _keep(index: PlantIndex, members: list[System]) -> System:
    def rank(system: System) -> tuple[int, int, int, int, float, str]:
        depth = len(index.ancestors(system.location))
        support = system.lifecycle.end_of_support or date.max
        return (depth, -support.toordinal(), -len(system.capabilities), -(system.users or 0), -system.costs.total, system.key)

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


def find_redundancies(model: PlantModel, index: PlantIndex | None = None) -> list[Redundancy]:
    """Every group of overlapping systems, with overlap score and the annual cost tied up."""
    index = index or PlantIndex(model)
    consolidating = {c.key for c in model.capabilities if c.category in CONSOLIDATION_CATEGORIES}
    candidates = [s for s in model.systems if not s.justification]
    tokens = {s.key: _tokens(s, consolidating) for s in candidates}
    parent = {s.key: s.key for s in candidates}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    # token -> scope location -> systems at exactly that scope
    at_scope: dict[str, dict[str | None, list[str]]] = {}
    for system in candidates:
        for token in tokens[system.key]:
            scope = index.system_site(system) if token.startswith("kind:") else system.location
            if scope is not None and scope not in index.locations:
                scope = None
            at_scope.setdefault(token, {}).setdefault(scope, []).append(system.key)
    for by_scope in at_scope.values():
        for scope, keys in by_scope.items():
            for key in keys[1:]:
                parent[find(key)] = find(keys[0])
            for outer in (*index.ancestors(scope)[1:], None) if scope is not None else ():
                for other in by_scope.get(outer, ()):
                    parent[find(keys[0])] = find(other)
    groups: dict[str, list[System]] = {}
    for system in candidates:
        if tokens[system.key]:
            groups.setdefault(find(system.key), []).append(system)
    result: list[Redundancy] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda s: s.key)
        counts: dict[str, int] = {}
        for member in members:
            for token in tokens[member.key]:
                counts[token] = counts.get(token, 0) + 1
        shared = sorted(t for t, n in counts.items() if n > 1)
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
                overlap_score=_overlap([tokens[m.key] for m in members]),
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
