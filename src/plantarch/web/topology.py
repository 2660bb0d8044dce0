"""The topology graph the browser draws: every system and asset when few enough, groups otherwise.

Two views: `purdue` places endpoints in bands by Purdue level (positions computed here, so the browser
only pans and zooms); `zones` nests endpoints in their zones and zones in their sites (laid out in the
browser). Above `threshold` endpoints the graph is aggregated: by site and level (purdue) or by zone,
then by site (zones), with flow counts on the edges, so a 250,000-asset plant draws a few hundred nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlencode

import numpy as np
import numpy.typing as npt

from plantarch.analysis import PlantIndex
from plantarch.model import PlantModel, format_level

View = Literal["purdue", "zones"]
VIEWS: tuple[View, ...] = ("purdue", "zones")
THRESHOLD = 500
"""Most endpoints drawn one by one; above it the graph is aggregated."""
MAX_EDGES = 3000
"""Most edges sent to the browser (the busiest first)."""
LEVELS = (5.0, 4.0, 3.5, 3.0, 2.0, 1.0, 0.0)
BAND = 160
"""Height of one Purdue band; a crowded band wraps into SUB_ROWS rows of at least ROW_WIDTH nodes."""
SUB_ROWS = 4
SUB_ROW_GAP = 34.0
ROW_WIDTH = 30
NODE_GAP = 60.0
GROUP_GAP = 200.0
"""Groups carry longer labels ("site · level (count)") than single endpoints."""
NO_LEVEL = "unknown"

IntArray = npt.NDArray[np.int64]


@dataclass
class TopologyIndex:
    """Endpoints (systems, then assets) and flows as arrays of endpoint numbers, for fast grouping."""

    keys: list[str]
    names: list[str]
    kinds: list[str]
    is_system: npt.NDArray[np.bool_]
    levels: list[float | None]
    sites: list[str | None]
    zones: list[str | None]
    flow_src: IntArray
    flow_dst: IntArray
    flow_protocol: IntArray
    protocols: list[str]
    conduits: list[tuple[str, str, str]]
    zone_names: dict[str, str]
    zone_sites: dict[str, str | None]

    @classmethod
    def build(cls, model: PlantModel) -> TopologyIndex:
        """Index a model's endpoints and flows."""
        index = PlantIndex(model)
        keys: list[str] = []
        names: list[str] = []
        kinds: list[str] = []
        flags: list[bool] = []
        levels: list[float | None] = []
        sites: list[str | None] = []
        zones: list[str | None] = []
        for s in model.systems:
            keys.append(s.key)
            names.append(s.name)
            kinds.append(str(s.kind))
            flags.append(True)
            levels.append(s.purdue_level)
            sites.append(index.system_site(s))
            zones.append(s.zone)
        zone_site = {z.key: index.site_of_location(z.site) if z.site else None for z in model.zones}
        for a in model.assets:
            keys.append(a.key)
            names.append(a.name)
            kinds.append(a.kind)
            flags.append(False)
            levels.append(
                a.purdue_level
                if a.purdue_level is not None
                else (a.suggested_level.level if a.suggested_level else None)
            )
            site = index.site_of_location(a.location)
            sites.append(site if site is not None else zone_site.get(a.zone or ""))
            zones.append(a.zone)
        number = {k: i for i, k in enumerate(keys)}
        protocols: dict[str, int] = {}
        n = len(model.flows)
        src = np.full(n, -1, dtype=np.int64)
        dst = np.full(n, -1, dtype=np.int64)
        proto = np.zeros(n, dtype=np.int64)
        for i, f in enumerate(model.flows):
            src[i] = number.get(f.source, -1)
            dst[i] = number.get(f.target, -1)
            proto[i] = protocols.setdefault(f.protocol or "unknown", len(protocols))
        known = (src >= 0) & (dst >= 0)
        return cls(
            keys=keys,
            names=names,
            kinds=kinds,
            is_system=np.array(flags, dtype=np.bool_),
            levels=levels,
            sites=sites,
            zones=zones,
            flow_src=src[known],
            flow_dst=dst[known],
            flow_protocol=proto[known],
            protocols=list(protocols),
            conduits=[(c.key, c.zones[0], c.zones[1]) for c in model.conduits],
            zone_names={z.key: z.name for z in model.zones},
            zone_sites={z.key: z.site for z in model.zones},
        )

    def choices(self) -> dict[str, list[str]]:
        """The values the filters offer: sites, zones, protocols."""
        return {
            "sites": sorted({s for s in self.sites if s}),
            "zones": sorted(self.zone_names),
            "protocols": sorted(self.protocols),
        }


def _level_name(level: float | None) -> str:
    return NO_LEVEL if level is None else format_level(level)


def _level_y(level: float | None) -> float:
    row = LEVELS.index(level) if level in LEVELS else len(LEVELS)
    return float(row * BAND)


def graph_key(view: str, site: str, zone: str, protocol: str, threshold: int) -> tuple[str, ...]:
    """How a drawn graph is kept in a snapshot's memo."""
    return ("graph", view, site, zone, protocol, str(threshold))


def detail_url(kind: str, key: str) -> str:
    """The inventory page of one object."""
    return f"/inventory/{kind}/{quote(key, safe='')}"


def _drill_url(view: str, **filters: str | None) -> str:
    given = {k: v for k, v in filters.items() if v}
    return "/topology?" + urlencode({"view": view, **given})


def topology_graph(
    topo: TopologyIndex,
    view: View = "purdue",
    *,
    site: str | None = None,
    zone: str | None = None,
    protocol: str | None = None,
    threshold: int = THRESHOLD,
) -> dict[str, Any]:
    """The Cytoscape elements of one view with the filters applied, aggregated above `threshold`."""
    n = len(topo.keys)
    mask = np.ones(n, dtype=np.bool_)
    if site:
        mask &= np.array([s == site for s in topo.sites], dtype=np.bool_)
    if zone:
        mask &= np.array([z == zone for z in topo.zones], dtype=np.bool_)
    flows = mask[topo.flow_src] & mask[topo.flow_dst] if n else np.zeros(0, dtype=np.bool_)
    if protocol:
        code = topo.protocols.index(protocol) if protocol in topo.protocols else -1
        flows &= topo.flow_protocol == code
        touched = np.zeros(n, dtype=np.bool_)
        touched[topo.flow_src[flows]] = True
        touched[topo.flow_dst[flows]] = True
        mask &= touched
    src, dst = topo.flow_src[flows], topo.flow_dst[flows]
    members = np.flatnonzero(mask)
    aggregated = len(members) > threshold
    if aggregated:
        group_of, groups = _groups(topo, view, members, threshold)
        nodes = [_group_node(topo, view, g, int(c)) for g, c in groups]
        gsrc, gdst = group_of[src], group_of[dst]
        keep = gsrc != gdst
        edges = _edges(gsrc[keep], gdst[keep], [g for g, _ in groups], "group")
    else:
        nodes = [_endpoint_node(topo, view, int(i)) for i in members]
        edges = _edges(src, dst, topo.keys, "endpoint")
    if view == "zones":
        nodes = _zone_parents(topo, nodes, aggregated) + nodes
        edges += _conduit_edges(topo, {node["data"]["id"] for node in nodes})
    graph = {
        "view": view,
        "aggregated": aggregated,
        "endpoints": len(members),
        "flows": int(flows.sum()),
        "threshold": threshold,
        "nodes": nodes,
        "edges": edges,
    }
    if view == "purdue":
        purdue_positions(graph)
    return graph


def _groups(
    topo: TopologyIndex, view: View, members: IntArray, threshold: int
) -> tuple[IntArray, list[tuple[str, int]]]:
    """Group number of every endpoint (-1 outside the filter) and the groups with their sizes."""
    if view == "purdue":
        labels = [f"level|{topo.sites[i] or '-'}|{_level_name(topo.levels[i])}" for i in members]
    else:
        labels = [f"zone|{topo.zones[i] or '-'}|{topo.sites[i] or '-'}" for i in members]
        if len(set(labels)) > threshold:
            labels = [f"site|{topo.sites[i] or '-'}" for i in members]
    names, inverse, counts = np.unique(
        np.array(labels, dtype=object), return_inverse=True, return_counts=True
    )
    group_of = np.full(len(topo.keys), -1, dtype=np.int64)
    group_of[members] = inverse
    return group_of, [(str(name), int(c)) for name, c in zip(names, counts, strict=True)]


def _group_node(topo: TopologyIndex, view: View, group: str, count: int) -> dict[str, Any]:
    parts = group.split("|")
    site_part = parts[1] if parts[0] == "site" else parts[-1]
    site = None if site_part == "-" else site_part
    data: dict[str, Any] = {"id": group, "count": count, "group": parts[0]}
    position = None
    if parts[0] == "level":
        site, level = (None if parts[1] == "-" else parts[1]), parts[2]
        data |= {"label": f"{site or 'no site'} · L{level} ({count})", "site": site, "level": level}
        data["url"] = _drill_url(view, site=site)
        y = float(LEVELS.index(float(level)) * BAND) if level != NO_LEVEL else len(LEVELS) * BAND
        position = {"x": 0.0, "y": y}
    elif parts[0] == "zone":
        zone = None if parts[1] == "-" else parts[1]
        data |= {
            "label": f"{topo.zone_names.get(zone or '', zone or 'no zone')} ({count})",
            "zone": zone,
            "site": site,
            "url": _drill_url(view, zone=zone, site=None if zone else site),
        }
    else:
        data |= {"label": f"{site or 'no site'} ({count})", "site": site, "url": _drill_url(view, site=site)}
    node: dict[str, Any] = {"data": data}
    if position is not None:
        node["position"] = position
    return node


def _endpoint_node(topo: TopologyIndex, view: View, i: int) -> dict[str, Any]:
    kind = "system" if topo.is_system[i] else "asset"
    level = topo.levels[i]
    data = {
        "id": topo.keys[i],
        "label": topo.names[i] or topo.keys[i],
        "kind": kind,
        "type": topo.kinds[i],
        "level": _level_name(level),
        "zone": topo.zones[i],
        "site": topo.sites[i],
        "url": detail_url(kind, topo.keys[i]),
    }
    if view == "zones" and topo.zones[i]:
        data["parent"] = f"zone:{topo.zones[i]}"
    node: dict[str, Any] = {"data": data}
    if view == "purdue":
        node["position"] = {"x": 0.0, "y": _level_y(level)}
    return node


def _zone_parents(topo: TopologyIndex, nodes: list[dict[str, Any]], aggregated: bool) -> list[dict[str, Any]]:
    """Compound nodes: a zone box around its endpoints (detailed graphs only)."""
    if aggregated:
        return []
    zones = sorted({n["data"]["zone"] for n in nodes if n["data"].get("zone")})
    return [
        {
            "data": {
                "id": f"zone:{z}",
                "label": topo.zone_names.get(z, z),
                "group": "zone-box",
                "url": detail_url("zone", z),
            }
        }
        for z in zones
    ]


def _edges(src: IntArray, dst: IntArray, names: list[str], kind: str) -> list[dict[str, Any]]:
    if not len(src):
        return []
    pairs = np.stack([src, dst], axis=1)
    unique, counts = np.unique(pairs, axis=0, return_counts=True)
    order = np.argsort(-counts, kind="stable")[:MAX_EDGES]
    return [
        {
            "data": {
                "id": f"{kind}:{names[int(unique[j, 0])]}->{names[int(unique[j, 1])]}",
                "source": names[int(unique[j, 0])],
                "target": names[int(unique[j, 1])],
                "count": int(counts[j]),
                "label": str(int(counts[j])) if counts[j] > 1 else "",
            }
        }
        for j in order
    ]


def _conduit_edges(topo: TopologyIndex, present: set[str]) -> list[dict[str, Any]]:
    """Conduits between zones that are drawn (as zone boxes or zone groups)."""
    zone_node: dict[str, str] = {}
    for node_id in present:
        if node_id.startswith("zone:"):
            zone_node[node_id[5:]] = node_id
        elif node_id.startswith("zone|"):
            zone_node[node_id.split("|")[1]] = node_id
    edges = []
    for key, a, b in topo.conduits:
        end_a, end_b = zone_node.get(a), zone_node.get(b)
        if end_a and end_b and end_a != end_b:
            data = {"id": f"conduit:{key}", "source": end_a, "target": end_b, "conduit": True, "label": key}
            edges.append({"data": data | {"url": detail_url("conduit", key)}})
    return edges


def purdue_positions(graph: dict[str, Any]) -> None:
    """Spread the nodes of each Purdue band left to right (positions are preset in the browser)."""
    rows: dict[float, list[dict[str, Any]]] = {}
    for node in graph["nodes"]:
        if "position" in node:
            rows.setdefault(node["position"]["y"], []).append(node)
    for row in rows.values():
        row.sort(
            key=lambda n: (
                str(n["data"].get("site") or ""),
                str(n["data"].get("zone") or ""),
                n["data"]["id"],
            )
        )
        per_row = max(ROW_WIDTH, -(-len(row) // SUB_ROWS))
        gap = GROUP_GAP if "count" in row[0]["data"] else NODE_GAP
        for i, node in enumerate(row):
            column, sub_row = i % per_row, i // per_row
            width = min(per_row, len(row) - sub_row * per_row)
            node["position"]["x"] = column * gap - (width - 1) * gap / 2
            node["position"]["y"] += sub_row * SUB_ROW_GAP
    if not rows:
        return
    left = min(n["position"]["x"] for row in rows.values() for n in row) - 220
    for y in sorted(rows):
        row_index = int(y // BAND)
        middle = y + (min(SUB_ROWS, -(-len(rows[y]) // ROW_WIDTH)) - 1) * SUB_ROW_GAP / 2
        name = f"Level {format_level(LEVELS[row_index])}" if row_index < len(LEVELS) else "Level unknown"
        band = {
            "id": f"band:{row_index}",
            "label": name + (" (DMZ)" if name.endswith("3.5") else ""),
            "group": "band",
        }
        graph["nodes"].append({"data": band, "position": {"x": left, "y": middle}, "locked": True})
