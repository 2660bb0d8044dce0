"""Consolidation: for each group of overlapping systems, a target to keep and the systems to retire,
with every interface that has to move to the target."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from plantarch.analysis.graph import FlowGraph
from plantarch.analysis.redundancy import Redundancy
from plantarch.model import Flow
from plantarch.roadmap.figure import Figure, money
from plantarch.roadmap.settings import RoadmapSettings
from plantarch.roadmap.time_class import Score


class InterfaceMove(BaseModel):
    """What happens to one interface of a retired system."""

    model_config = ConfigDict(extra="forbid")

    partner: str = Field(description="The system at the other end.")
    flows: list[str]
    action: Literal["re-point", "drop"]
    why: str


class Retirement(BaseModel):
    """One system to retire into a consolidation target, with its interfaces, cost and saving."""

    model_config = ConfigDict(extra="forbid")

    system: str
    target: str
    interfaces: list[InterfaceMove]
    consumers: list[str] = Field(description="Systems that receive data from it (moved before retirement).")
    one_off: Figure
    annual_saving: Figure


class Consolidation(BaseModel):
    """A consolidation target for one overlapping capability group and what is retired into it."""

    model_config = ConfigDict(extra="forbid")

    capabilities: list[str]
    scope: str | None
    site: str | None
    target: str
    why: str
    retire: list[Retirement]


def _fit(fits: dict[str, tuple[list[Score], list[Score]]], key: str) -> float:
    technical, functional = fits[key]
    return sum(s.value * s.weight for s in technical) + sum(s.value * s.weight for s in functional)


def _move(
    retired: str,
    partner: str,
    flow_keys: list[str],
    target: str,
    members: list[str],
    retire_into: dict[str, str],
    target_partners: set[str],
) -> InterfaceMove:
    """What to do with one interface of `retired`, a system being retired into target."""
    successor = retire_into.get(partner, partner)
    if partner in members or successor == target:
        return InterfaceMove(
            partner=partner, flows=flow_keys, action="drop", why="within the consolidated group"
        )
    if successor in target_partners:
        return InterfaceMove(
            partner=partner,
            flows=flow_keys,
            action="drop",
            why=f"{target} already exchanges data with {successor}",
        )
    if successor != partner and partner < retired:
        return InterfaceMove(
            partner=partner,
            flows=flow_keys,
            action="drop",
            why=f"moved once, with the retirement of {partner}",
        )
    if successor != partner:
        why = f"{partner} is retired into {successor} too: connect {target} to {successor}"
    else:
        why = f"re-point {partner} to {target}"
    return InterfaceMove(partner=partner, flows=flow_keys, action="re-point", why=why)


def plan_consolidations(
    graph: FlowGraph,
    redundancies: list[Redundancy],
    fits: dict[str, tuple[list[Score], list[Score]]],
    settings: RoadmapSettings,
) -> list[Consolidation]:
    """Choose the best-fitting member of each redundancy group as target; retire the rest into it.

    Groups are taken in the order given (most money tied up first); a system already retired by an
    earlier group is left out of later ones, so no system is both kept and retired.
    """
    systems = graph.index.systems
    retire_into: dict[str, str] = {}
    chosen: list[tuple[Redundancy, list[str], str]] = []
    for group in redundancies:
        members = [m for m in group.objects if m not in retire_into]
        if len(members) < 2:
            continue
        target = max(members, key=lambda k: (round(_fit(fits, k), 6), k == group.keep, -members.index(k)))
        for member in members:
            if member != target:
                retire_into[member] = target
        chosen.append((group, members, target))
    result: list[Consolidation] = []
    decommission = settings.decommission_days * settings.labour_rate_per_day
    for group, members, target in chosen:
        target_partners = set(_partners(graph, target))
        retirements = []
        for key in members:
            if key == target:
                continue
            moves = [
                _move(key, partner, [f.key for f in flows], target, members, retire_into, target_partners)
                for partner, flows in sorted(_partners(graph, key).items())
            ]
            moved = sum(1 for m in moves if m.action == "re-point")
            interface_cost = moved * settings.migration_cost_per_interface
            costs = systems[key].costs
            retirements.append(
                Retirement(
                    system=key,
                    target=target,
                    interfaces=moves,
                    consumers=_consumers(graph, key),
                    one_off=Figure(
                        value=round(interface_cost + decommission, 2),
                        basis=f"{moved} interface(s) × {money(settings.migration_cost_per_interface)} "
                        f"migration_cost_per_interface + {settings.decommission_days:g} decommission_days × "
                        f"{money(settings.labour_rate_per_day)} labour_rate_per_day",
                    ),
                    annual_saving=Figure(
                        value=round(costs.total, 2),
                        basis=f"annual TCO of {key}: licence {money(costs.licence)} + maintenance "
                        f"{money(costs.maintenance)} + hosting {money(costs.hosting)} + support "
                        f"{money(costs.support)} + integration {money(costs.integration)}",
                    ),
                )
            )
        scores = ", ".join(f"{k} {_fit(fits, k):.2f}" for k in members)
        result.append(
            Consolidation(
                capabilities=group.capabilities,
                scope=group.scope,
                site=group.site,
                target=target,
                why=f"{target} has the best technical + functional fit of the group ({scores})",
                retire=retirements,
            )
        )
    return result


def _partners(graph: FlowGraph, key: str) -> dict[str, list[Flow]]:
    """Partner system key -> flows, over data flows."""
    node = graph.node_of.get(key)
    if node is None:
        return {}
    return {graph.key(p): graph.flows_between(key, graph.key(p)) for p in graph.neighbours(node)}


def _consumers(graph: FlowGraph, key: str) -> list[str]:
    """Systems that receive data from a system (targets of its flows, sources of bidirectional ones)."""
    node = graph.node_of.get(key)
    if node is None:
        return []
    result = set()
    for partner in graph.neighbours(node):
        for flow in graph.flows_between(key, graph.key(partner)):
            if graph.node_of.get(flow.source) == node or flow.direction == "bidirectional":
                result.add(graph.key(partner))
    return sorted(result)
