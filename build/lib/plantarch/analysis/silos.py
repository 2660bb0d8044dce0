"""Silos: systems or groups whose data reaches no consumer outside their level or zone, and plant
areas with no data path to the business layer."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from plantarch.analysis.graph import BUSINESS_LEVEL, MANAGEMENT_KINDS, TRANSIT_KINDS, FlowGraph
from plantarch.analysis.item import AnalysisItem
from plantarch.model import LocationKind, format_level

MAX_LISTED = 100
"""Objects listed per item; larger groups give their size instead of every key."""

QUIET_KINDS = frozenset(TRANSIT_KINDS | MANAGEMENT_KINDS | {"other"})
"""Kinds that need not exchange production data, so an isolated one is no silo."""

AREA_KINDS = frozenset(
    {
        LocationKind.AREA,
        LocationKind.LINE,
        LocationKind.PROCESS_CELL,
        LocationKind.PRODUCTION_UNIT,
        LocationKind.STORAGE_ZONE,
    }
)


class Silo(AnalysisItem):
    """A system, group or plant area whose data stays where it is produced."""

    kind: Literal["isolated", "group", "area"] = Field(
        description="isolated: no data flows; group: data stays in one level or zone; area: no path to L4+."
    )
    size: int = Field(description="How many systems (or nodes, for an area) are in it.")
    zones: list[str] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)


def _site_of(graph: FlowGraph, members: list[int]) -> str | None:
    sites = {graph.nodes[m].site for m in members} - {None}
    return next(iter(sites)) if len(sites) == 1 else None


def find_silos(graph: FlowGraph) -> list[Silo]:
    """Every silo of the plant: isolated systems, inward-looking groups, cut-off areas."""
    silos: list[Silo] = []
    reaches_business: list[bool] = []
    for members in graph.components:
        nodes = [graph.nodes[m] for m in members]
        reaches_business.append(any(n.level is not None and n.level >= BUSINESS_LEVEL for n in nodes))
        systems = [m for m in members if graph.nodes[m].is_system]
        if not systems:
            continue
        zones = sorted({n.zone for n in nodes if n.zone})
        levels = sorted({n.level for n in nodes if n.level is not None})
        keys = [graph.key(m) for m in systems]
        site = _site_of(graph, members)
        if len(members) == 1:
            node = nodes[0]
            if (
                not node.is_system
                or node.kind in TRANSIT_KINDS
                or node.kind in MANAGEMENT_KINDS
                or node.kind == "other"
            ):
                continue
            silos.append(
                Silo(
                    site=site,
                    objects=keys,
                    why=f"{node.name} ({node.kind}) exchanges no data with any other system.",
                    kind="isolated",
                    size=1,
                    zones=zones,
                    levels=[format_level(v) for v in levels],
                )
            )
            continue
        one_zone = len(zones) == 1 and all(n.zone for n in nodes)
        one_level = len(levels) == 1 and all(n.level is not None for n in nodes)
        if not (one_zone or one_level):
            continue
        where = []
        if one_zone:
            where.append(f"zone {zones[0]}")
        if one_level:
            where.append(f"Purdue level {format_level(levels[0])}")
        listed = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
        silos.append(
            Silo(
                site=site,
                objects=keys[:MAX_LISTED],
                why=f"{len(members)} connected systems/assets ({listed}) exchange data only inside "
                f"{' and '.join(where)}; nothing outside consumes it.",
                kind="group",
                size=len(systems),
                zones=zones,
                levels=[format_level(v) for v in levels],
            )
        )
    silos.extend(_cut_off_areas(graph, reaches_business))
    return silos


def _cut_off_areas(graph: FlowGraph, reaches_business: list[bool]) -> list[Silo]:
    """Areas and lines none of whose systems or assets has a data path to level 4 or above."""
    index = graph.index
    areas = {key for key, loc in index.locations.items() if loc.kind in AREA_KINDS}
    if not areas or not any(reaches_business):
        return []
    connected: dict[str, bool] = {}
    members: dict[str, list[int]] = {}
    component_of = graph.component_of
    for position, node in enumerate(graph.nodes):
        for location in index.ancestors(node.location):
            if location in areas:
                members.setdefault(location, []).append(position)
                if reaches_business[component_of[position]]:
                    connected[location] = True
    result: list[Silo] = []
    for area in sorted(members):
        if connected.get(area):
            continue
        # An area inside an already cut-off area is reported through its parent.
        parent = index.locations[area].parent
        if parent in members and not connected.get(parent):
            continue
        nodes = members[area]
        keys = sorted(graph.key(n) for n in nodes)
        loc = index.locations[area]
        result.append(
            Silo(
                site=index.site_of_location(area),
                objects=[area, *keys[:MAX_LISTED]],
                why=f"{loc.kind} {loc.name}: none of its {len(nodes)} systems/assets has a data path "
                f"to the business layer (Purdue level 4+).",
                kind="area",
                size=len(nodes),
                zones=sorted({graph.nodes[n].zone for n in nodes if graph.nodes[n].zone}),
                levels=sorted(
                    {format_level(graph.nodes[n].level) for n in nodes if graph.nodes[n].level is not None}
                ),
            )
        )
    return result
