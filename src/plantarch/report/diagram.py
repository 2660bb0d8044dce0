"""Diagrams of the plant as plain data: Purdue bands, zones and conduits, data flows, capabilities.

A view is built from the model (and, when the standards checker ran, its findings) into a
`Diagram` of clusters, nodes and edges; `plantarch.report.render` turns it into Graphviz or
Mermaid. Big models are aggregated (by zone and level, then by level) so a diagram never tries to
draw 250,000 nodes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from plantarch.model import PlantModel, Zone, format_level
from plantarch.report.bands import PURDUE_ORDER, level_label
from plantarch.report.compliance import (
    FLOW_COLOURS,
    STATUS_COLOURS,
    FindingLike,
    Status,
    conduit_status,
    flagged_objects,
    flow_status,
)

View = Literal["purdue", "zones", "flows", "capabilities"]
VIEWS: tuple[View, ...] = ("purdue", "zones", "flows", "capabilities")
MAX_NODES = 150
"""Above this many nodes a view is drawn aggregated."""

LABEL_LIMIT = 60
"""Above this many edges a view drops edge labels; they would only hide the lines."""
_BAND_FILL: dict[float | None, str] = {
    5.0: "#deebf7",
    4.0: "#deebf7",
    3.5: "#fff2cc",
    3.0: "#e2efda",
    2.0: "#fce4d6",
    1.0: "#fce4d6",
    0.0: "#f2f2f2",
    None: "#ffffff",
}


@dataclass
class Cluster:
    """A box drawn around nodes: a Purdue band, a zone, a capability family."""

    id: str
    label: str
    fill: str = "#ffffff"


@dataclass
class Node:
    """One box or ellipse: a system, an asset, a capability, or an aggregate of many."""

    id: str
    label: str
    cluster: str | None = None
    shape: str = "box"
    fill: str = "#ffffff"
    count: int = 1


@dataclass
class Edge:
    """A line between two nodes: a flow, a conduit, a realisation, or an aggregate of many flows."""

    source: str
    target: str
    label: str = ""
    colour: str = "#616161"
    style: str = "solid"
    width: float = 1.0
    count: int = 1
    between_clusters: bool = False


@dataclass
class Diagram:
    """A view ready to render: ordered clusters, nodes and edges, and whether it was aggregated."""

    view: str
    title: str
    clusters: list[Cluster] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    ranked: bool = False
    aggregated: str = ""
    legend: dict[str, str] = field(default_factory=dict)

    def cluster_nodes(self, cluster: str | None) -> list[Node]:
        """The nodes inside one cluster (None: outside every cluster)."""
        return [n for n in self.nodes if n.cluster == cluster]


def _level_key(level: float | None) -> str:
    return "none" if level is None else format_level(level).replace(".", "_")


def _placed(model: PlantModel) -> tuple[list[tuple[str, str, float | None, str | None, str]], dict[str, str]]:
    """Drawable endpoints (key, label, level, zone, site) and the drawn key of every endpoint.

    An asset that hosts systems is drawn through its first hosted system, so flows to it still land.
    """
    site_of = _site_index(model)
    items: list[tuple[str, str, float | None, str | None, str]] = []
    drawn: dict[str, str] = {}
    for s in model.systems:
        items.append((s.key, s.name, s.purdue_level, s.zone, site_of(s.location, s.zone)))
        drawn[s.key] = s.key
    for a in model.assets:
        if a.systems and a.systems[0] in drawn:
            drawn[a.key] = a.systems[0]
            continue
        level = a.purdue_level
        if level is None and a.suggested_level is not None:
            level = a.suggested_level.level
        items.append((a.key, a.name, level, a.zone, site_of(a.location, a.zone)))
        drawn[a.key] = a.key
    return items, drawn


def _site_index(model: PlantModel) -> _SiteOf:
    parents = {loc.key: loc for loc in model.locations}
    zone_site = {z.key: z.site for z in model.zones}

    def site_of(location: str | None, zone: str | None) -> str:
        key = location or zone_site.get(zone or "")
        seen = 0
        while key is not None and key in parents and seen < 20:
            if parents[key].kind == "site":
                return key
            key, seen = parents[key].parent, seen + 1
        return location or zone_site.get(zone or "") or "-"

    return site_of


class _SiteOf(Protocol):
    def __call__(self, location: str | None, zone: str | None) -> str: ...


def _aggregate_edges(pairs: Iterable[tuple[str, str, Status]], what: str) -> list[Edge]:
    counts: Counter[tuple[str, str]] = Counter()
    worst: dict[tuple[str, str], Status] = {}
    rank = {"ok": 0, "unknown": 0, "warning": 1, "violation": 2}
    for source, target, status in pairs:
        if source == target:
            continue
        counts[(source, target)] += 1
        if rank[status] >= rank[worst.get((source, target), "ok")]:
            worst[(source, target)] = status
    return [
        Edge(s, t, _plural(n, what), FLOW_COLOURS[worst[(s, t)]], width=min(6.0, 1 + n / 50), count=n)
        for (s, t), n in sorted(counts.items())
    ]


def purdue_view(
    model: PlantModel, findings: Sequence[FindingLike] | None = None, max_nodes: int = MAX_NODES
) -> Diagram:
    """Systems (and assets hosting none) in Purdue bands 5 → 0, with flows between them."""
    items, drawn = _placed(model)
    d = Diagram("purdue", "Purdue levels", ranked=True, legend=_flow_legend())
    present = {level for _, _, level, _, _ in items}
    for level in (*PURDUE_ORDER, None):
        if level in present:
            d.clusters.append(Cluster(f"band_{_level_key(level)}", level_label(level), _BAND_FILL[level]))
    levels = {key: level for key, _, level, _, _ in items}
    zones = {key: zone for key, _, _, zone, _ in items}
    flagged = flagged_objects(findings)
    statuses = [
        (drawn.get(f.source), drawn.get(f.target), flagged.get(f.key) or flow_status(levels, zones, f), f)
        for f in model.flows
    ]
    if len(items) <= max_nodes:
        for key, label, level, _, _ in sorted(items, key=lambda i: (i[3] or "", i[0])):
            d.nodes.append(Node(key, label, f"band_{_level_key(level)}", fill="#ffffff"))
        for src, dst, status, flow in statuses:
            if src and dst and src != dst:
                style = "dashed" if flow.origin == "observed" else "solid"
                d.edges.append(Edge(src, dst, flow.protocol or "", FLOW_COLOURS[status], style))
        return d
    names = {z.key: z.name for z in model.zones} | {loc.key: loc.name for loc in model.locations}
    group_of = _groups(items, max_nodes, d, names)
    d.edges = _aggregate_edges(
        ((group_of[s], group_of[t], st) for s, t, st, _ in statuses if s in group_of and t in group_of),
        "flow",
    )
    return d


def _groups(
    items: list[tuple[str, str, float | None, str | None, str]],
    max_nodes: int,
    d: Diagram,
    names: dict[str, str],
) -> dict[str, str]:
    """Aggregate items into one node per (site, zone, level), or per (site, level), or per level."""
    for by in ("zone", "site", "level"):
        keys: dict[str, tuple[str, float | None]] = {}
        label: dict[str, str] = {}
        for key, _, level, zone, site in items:
            if by == "zone":
                part = f"{site}/{zone}"
                label[part] = names.get(zone or "", zone or "no zone")
            elif by == "site":
                part = site
                label[part] = names.get(site, site)
            else:
                part = label[part] = "all"
            keys[key] = (part, level)
        if len(set(keys.values())) <= max_nodes or by == "level":
            break
    counts = Counter(keys.values())
    d.aggregated = {"zone": "by site, zone and level", "site": "by site and level", "level": "by level"}[by]
    ids: dict[tuple[str, float | None], str] = {}
    for n, ((part, level), count) in enumerate(sorted(counts.items(), key=lambda kv: str(kv[0]))):
        ident = f"g{n}"
        ids[(part, level)] = ident
        d.nodes.append(
            Node(
                ident,
                f"{label[part]}\n{_plural(count, 'system or asset', 'systems and assets')}",
                f"band_{_level_key(level)}",
                count=count,
            )
        )
    return {key: ids[group] for key, group in keys.items()}


def zones_view(
    model: PlantModel, findings: Sequence[FindingLike] | None = None, max_nodes: int = MAX_NODES
) -> Diagram:
    """Zones as boxes holding their systems, conduits as edges coloured by compliance."""
    legend = {k: v for k, v in STATUS_COLOURS.items() if k != "unknown"}
    d = Diagram("zones", "Zones and conduits", ranked=True, legend=legend)
    members: dict[str | None, list[tuple[str, str]]] = defaultdict(list)
    for s in model.systems:
        members[s.zone].append((s.key, s.name))
    tops = {z.key: -max(z.purdue_levels, default=-1.0) for z in model.zones}
    ordered = sorted(model.zones, key=lambda z: (not z.untrusted, tops[z.key], z.key))  # outside world on top
    if len(model.systems) > max_nodes:
        return _zones_aggregated(model, findings, max_nodes, d, members, ordered)
    anchor: dict[str, str] = {}
    for zone in ordered:
        d.clusters.append(Cluster(f"zone_{len(d.clusters)}", _zone_title(zone), _zone_fill(zone)))
        cid = d.clusters[-1].id
        inside = members.get(zone.key, [])
        for key, name in inside:
            d.nodes.append(Node(key, name, cid))
        if not inside:
            d.nodes.append(Node(f"{cid}_summary", "no systems", cid, shape="plaintext", count=0))
        anchor[zone.key] = inside[0][0] if inside else f"{cid}_summary"
    for conduit in model.conduits:
        a, b = conduit.zones
        if a not in anchor or b not in anchor:
            continue
        if tops[a] > tops[b]:  # draw from the upper zone down
            a, b = b, a
        colour = STATUS_COLOURS[conduit_status(conduit, findings)]
        d.edges.append(Edge(anchor[a], anchor[b], conduit.name, colour, width=2.5, between_clusters=True))
    return d


def _zone_title(zone: Zone) -> str:
    sl = f" (SL-T {zone.security_level_target})" if zone.security_level_target is not None else ""
    return zone.name + sl


def _zone_fill(zone: Zone) -> str:
    return "#fff2cc" if zone.dmz else "#ffe6e6" if zone.untrusted else "#e2efda"


def _zones_aggregated(
    model: PlantModel,
    findings: Sequence[FindingLike] | None,
    max_nodes: int,
    d: Diagram,
    members: dict[str | None, list[tuple[str, str]]],
    ordered: list[Zone],
) -> Diagram:
    """Zones as single nodes grouped by site; above `max_nodes` zones, one node per site."""
    d.ranked = False
    site_of = _site_index(model)
    zone_site = {z.key: site_of(None, z.key) for z in model.zones}
    names = {loc.key: loc.name for loc in model.locations}
    statuses = [(c, conduit_status(c, findings)) for c in model.conduits]
    if len(model.zones) <= max_nodes:
        d.aggregated = "by zone"
        cluster_of: dict[str, str] = {}
        for zone in ordered:
            site = zone_site[zone.key]
            if site not in cluster_of:
                cluster_of[site] = f"site_{len(cluster_of)}"
                d.clusters.append(Cluster(cluster_of[site], names.get(site, site), "#fafafa"))
            label = f"{_zone_title(zone)}\n{_plural(len(members.get(zone.key, [])), 'system')}"
            d.nodes.append(Node(f"zone:{zone.key}", label, cluster_of[site], fill=_zone_fill(zone)))
        for conduit, status in statuses:
            a, b = (f"zone:{z}" for z in conduit.zones)
            d.edges.append(Edge(a, b, conduit.name, STATUS_COLOURS[status], width=2.0))
        return d
    d.aggregated, d.ranked = "by site", True
    zones_in = Counter(zone_site.values())
    systems_in = Counter(zone_site.get(s.zone or "", "-") for s in model.systems)
    for site in sorted(zones_in):
        counted = f"{_plural(zones_in[site], 'zone')}, {_plural(systems_in[site], 'system')}"
        d.nodes.append(Node(f"site:{site}", f"{names.get(site, site)}\n{counted}"))
    d.edges = _aggregate_edges(
        ((f"site:{zone_site[c.zones[0]]}", f"site:{zone_site[c.zones[1]]}", st) for c, st in statuses),
        "conduit",
    )
    for node in d.nodes:  # conduits inside one site are counted on its node
        inside = [
            st
            for c, st in statuses
            if f"site:{zone_site[c.zones[0]]}" == node.id == f"site:{zone_site[c.zones[1]]}"
        ]
        bad = sum(1 for st in inside if st == "violation")
        node.label += f"\n{_plural(len(inside), 'conduit')}" + (f", {bad} in violation" if bad else "")
        node.fill = "#ffcdd2" if bad else "#ffffff"
    return d


def flows_view(
    model: PlantModel, findings: Sequence[FindingLike] | None = None, max_nodes: int = MAX_NODES
) -> Diagram:
    """Who sends what to whom: endpoints grouped by zone, flows labelled by protocol."""
    items, drawn = _placed(model)
    zone_names = {z.key: z.name for z in model.zones}
    d = Diagram("flows", "Data flows", legend=_flow_legend())
    levels = {key: level for key, _, level, _, _ in items}
    zones = {key: zone for key, _, _, zone, _ in items}
    flagged = flagged_objects(findings)
    if len(items) <= max_nodes:
        cluster_of: dict[str | None, str] = {}
        for key, label, _, zone, _ in items:
            if zone not in cluster_of:
                cluster_of[zone] = f"zone_{len(cluster_of)}"
                name = zone_names.get(zone or "", zone or "No zone")
                d.clusters.append(Cluster(cluster_of[zone], name, "#f7f7f7"))
            d.nodes.append(Node(key, label, cluster_of[zone]))
        for flow in model.flows:
            src, dst = drawn.get(flow.source), drawn.get(flow.target)
            if src and dst and src != dst:
                status = flagged.get(flow.key) or flow_status(levels, zones, flow)
                label = " ".join(p for p in (flow.protocol, ", ".join(flow.information[:2])) if p)
                style = "dashed" if flow.origin == "observed" else "solid"
                d.edges.append(Edge(src, dst, label, FLOW_COLOURS[status], style))
        return d
    names = {loc.key: loc.name for loc in model.locations}
    by_zone = len({zone for _, _, _, zone, _ in items}) <= max_nodes
    d.aggregated, d.ranked = ("by zone", False) if by_zone else ("by site", True)
    group: dict[str, str] = {}
    counts: Counter[str] = Counter()
    label_of: dict[str, str] = {}
    site_cluster: dict[str, str] = {}
    for key, _, _, zone, site in items:
        ident = f"zone:{site}/{zone}" if by_zone else f"site:{site}"
        group[key] = ident
        counts[ident] += 1
        label_of[ident] = zone_names.get(zone or "", zone or "No zone") if by_zone else names.get(site, site)
        if by_zone and site not in site_cluster:
            site_cluster[site] = f"site_{len(site_cluster)}"
            d.clusters.append(Cluster(site_cluster[site], names.get(site, site), "#f7f7f7"))
        if by_zone:
            site_cluster[ident] = site_cluster[site]
    for ident, n in sorted(counts.items()):
        cluster = site_cluster.get(ident) if by_zone else None
        d.nodes.append(Node(ident, f"{label_of[ident]}\n{_plural(n, 'endpoint')}", cluster, count=n))
    pairs = []
    for flow in model.flows:
        src, dst = drawn.get(flow.source), drawn.get(flow.target)
        if src in group and dst in group:
            pairs.append((group[src], group[dst], flagged.get(flow.key) or flow_status(levels, zones, flow)))
    d.edges = _aggregate_edges(pairs, "flow")
    return d


def capabilities_view(
    model: PlantModel, findings: Sequence[FindingLike] | None = None, max_nodes: int = MAX_NODES
) -> Diagram:
    """Capabilities by category with the systems that realise them; overlaps stand out in orange."""
    d = Diagram(
        "capabilities", "Capabilities", legend={"served once": "#e3f2fd", "served by several": "#ffe0b2"}
    )
    realisers: dict[str, list[str]] = defaultdict(list)
    for s in model.systems:
        for cap_key in s.capabilities:
            realisers[cap_key].append(s.key)
    categories: dict[str, str] = {}
    for cap in model.capabilities:
        if cap.category not in categories:
            categories[cap.category] = f"cat_{len(categories)}"
            d.clusters.append(
                Cluster(categories[cap.category], str(cap.category).replace("-", " "), "#fafafa")
            )
        overlap = len(realisers.get(cap.key, [])) > 1
        d.nodes.append(
            Node(
                f"cap:{cap.key}",
                cap.name,
                categories[cap.category],
                "ellipse",
                "#ffe0b2" if overlap else "#e3f2fd",
            )
        )
    for cap in model.capabilities:
        if cap.parent:
            d.edges.append(Edge(f"cap:{cap.parent}", f"cap:{cap.key}", "", "#9e9e9e", "dotted"))
    serving = [s for s in model.systems if s.capabilities]
    if len(serving) + len(model.capabilities) <= max_nodes:
        for s in serving:
            d.nodes.append(Node(s.key, s.name))
            for cap_key in s.capabilities:
                d.edges.append(Edge(s.key, f"cap:{cap_key}", "", "#1565c0"))
    else:
        d.aggregated = "systems counted per capability"
        for node in d.nodes:
            n = len(realisers.get(node.id.removeprefix("cap:"), []))
            node.label += "\n" + _plural(n, "system")
    return d


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _flow_legend() -> dict[str, str]:
    return {
        "no concern": FLOW_COLOURS["ok"],
        "cleartext across zones / finding": FLOW_COLOURS["warning"],
        "bypasses the DMZ / severe finding": FLOW_COLOURS["violation"],
    }


BUILDERS = {
    "purdue": purdue_view,
    "zones": zones_view,
    "flows": flows_view,
    "capabilities": capabilities_view,
}


def build_view(
    model: PlantModel, view: str, findings: Sequence[FindingLike] | None = None, max_nodes: int = MAX_NODES
) -> Diagram:
    """Build one of the views ('purdue', 'zones', 'flows', 'capabilities') of the model."""
    if view not in BUILDERS:
        from plantarch.errors import InputError

        raise InputError(f"unknown view '{view}'; choose one of {', '.join(VIEWS)}", field="view")
    diagram = BUILDERS[view](model, findings, max_nodes)
    if len(diagram.edges) > LABEL_LIMIT and not diagram.aggregated:
        for edge in diagram.edges:
            if not edge.between_clusters:
                edge.label = ""
    return diagram
