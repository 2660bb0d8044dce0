"""The flow graph of a plant: systems (and assets no system claims) as nodes, data flows as edges.

Assets are rolled up to the first system running on them, so a flow observed between two hosts becomes
an interface between the systems on those hosts. Graph algorithms run on rustworkx, chosen by
measurement (benchmarks/analysis/README.md); per-flow facts are kept in numpy arrays so a model of
millions of flows costs a few bytes per flow on top of the model itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import rustworkx as rx

from plantarch.model import (
    Criticality,
    Flow,
    LocationKind,
    PlantModel,
    System,
    SystemKind,
)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MANAGEMENT_INFORMATION: frozenset[str] = frozenset({"backup", "identity", "time", "engineering"})
"""Information objects that keep systems running but are not production data."""

TRANSIT_KINDS: frozenset[str] = frozenset({SystemKind.FIREWALL, SystemKind.SWITCH, SystemKind.ROUTER})
"""Systems that pass traffic on and hold no production data of their own."""

MANAGEMENT_KINDS: frozenset[str] = frozenset(
    {
        SystemKind.DOMAIN_CONTROLLER,
        SystemKind.PATCH_SERVER,
        SystemKind.BACKUP,
        SystemKind.JUMP_HOST,
        SystemKind.REMOTE_ACCESS,
        SystemKind.ENGINEERING_WORKSTATION,
        SystemKind.VIRTUALIZATION,
        SystemKind.INTERNET,
        SystemKind.VENDOR,
    }
)
"""Systems whose flows are administration, not production data (they would join every silo)."""

HUB_KINDS: frozenset[str] = frozenset({SystemKind.BROKER, SystemKind.MIDDLEWARE, SystemKind.IIOT_PLATFORM})
"""Systems that mediate integrations (broker, Unified Namespace, middleware)."""

CRITICAL: frozenset[str] = frozenset({Criticality.CRITICAL})
"""Criticality of the systems whose data paths resilience protects (failure stops production)."""

BUSINESS_LEVEL = 4.0
SHOP_FLOOR_MAX_LEVEL = 2.0


@dataclass(frozen=True)
class Node:
    """Facts about one graph node: a system, or an asset that no system claims."""

    key: str
    is_system: bool
    kind: str
    name: str
    level: float | None
    site: str | None
    location: str | None
    zone: str | None
    critical: bool


class PlantIndex:
    """Lookups over a PlantModel: location ancestry, sites, systems by key, asset ownership."""

    def __init__(self, model: PlantModel) -> None:
        self.model = model
        self.locations = {loc.key: loc for loc in model.locations}
        self.systems: dict[str, System] = {s.key: s for s in model.systems}
        self.zones = {z.key: z for z in model.zones}
        self._ancestors: dict[str, tuple[str, ...]] = {}

    def ancestors(self, location: str | None) -> tuple[str, ...]:
        """The location and every enclosing location, innermost first (cycle-safe)."""
        if location is None:
            return ()
        cached = self._ancestors.get(location)
        if cached is not None:
            return cached
        chain: list[str] = []
        current: str | None = location
        while current is not None and current in self.locations and current not in chain:
            chain.append(current)
            current = self.locations[current].parent
        result = tuple(chain)
        self._ancestors[location] = result
        return result

    def site_of_location(self, location: str | None) -> str | None:
        """The ISA-95 site enclosing a location (None for an enterprise or unknown location)."""
        for key in self.ancestors(location):
            if self.locations[key].kind == LocationKind.SITE:
                return key
        return None

    def system_site(self, system: System) -> str | None:
        """The site a system serves: from its location, else its zone's site; None = enterprise-wide."""
        site = self.site_of_location(system.location)
        if site is None and system.zone is not None and system.zone in self.zones:
            zone_site = self.zones[system.zone].site
            site = self.site_of_location(zone_site) if zone_site else None
        return site

    def contains(self, outer: str | None, inner: str | None) -> bool:
        """True when location `outer` is `inner` or encloses it (None is the whole enterprise)."""
        return outer is None or outer in self.ancestors(inner)

    @cached_property
    def sites(self) -> list[str]:
        """Keys of every site location, sorted."""
        return sorted(loc.key for loc in self.model.locations if loc.kind == LocationKind.SITE)


@dataclass
class FlowGraph:
    """The system-level data-flow graph of a plant model, with per-flow arrays for fast aggregation."""

    index: PlantIndex
    nodes: list[Node]
    node_of: dict[str, int]
    flow_src: IntArray
    flow_dst: IntArray
    flow_data: BoolArray
    leg_flow: IntArray
    """Per leg, the flow it belongs to: a flow through a hub (`via`) has two legs, others one."""
    leg_a: IntArray
    leg_b: IntArray
    leg_pair: IntArray
    """Per leg, the interface (undirected node pair) it runs on."""
    pair_a: IntArray
    pair_b: IntArray
    graph: rx.PyGraph = field(repr=False)
    derived: dict[str, Any] = field(default_factory=dict, repr=False)
    """Facts derived once and shared between analyses (e.g. interface counts)."""

    @property
    def model(self) -> PlantModel:
        """The plant model the graph was built from."""
        return self.index.model

    def key(self, node: int) -> str:
        """The key of a node."""
        return self.nodes[node].key

    def node(self, key: str) -> Node | None:
        """The node a system or asset key rolls up to."""
        position = self.node_of.get(key)
        return None if position is None else self.nodes[position]

    @cached_property
    def _pair_order(self) -> tuple[IntArray, IntArray]:
        order = np.argsort(self.leg_pair, kind="stable")
        starts = np.searchsorted(self.leg_pair[order], np.arange(len(self.pair_a) + 1))
        return order.astype(np.int64), starts.astype(np.int64)

    def pair_flows(self, pair: int) -> list[Flow]:
        """The data flows behind one interface (undirected node pair)."""
        order, starts = self._pair_order
        flows = self.model.flows
        legs = order[starts[pair] : starts[pair + 1]]
        return [flows[int(i)] for i in sorted(set(self.leg_flow[legs].tolist()))]

    @cached_property
    def _pair_codes(self) -> IntArray:
        return self.pair_a * max(len(self.nodes), 1) + self.pair_b

    def flows_between(self, first: str, second: str) -> list[Flow]:
        """The data flows between two systems or assets, in either direction."""
        a, b = self.node_of.get(first), self.node_of.get(second)
        if a is None or b is None:
            return []
        # pairs are numbered in sorted order of (smaller * n + larger), so a binary search finds one
        n = max(len(self.nodes), 1)
        code = min(a, b) * n + max(a, b)
        codes = self._pair_codes
        pair = int(np.searchsorted(codes, code))
        if pair >= len(codes) or codes[pair] != code:
            return []
        return self.pair_flows(pair)

    def neighbours(self, node: int) -> list[int]:
        """Nodes exchanging data with a node."""
        return list(self.graph.neighbors(node))

    @cached_property
    def components(self) -> list[list[int]]:
        """Connected groups of nodes over data flows (isolated nodes are groups of one)."""
        return [sorted(c) for c in rx.connected_components(self.graph)]

    @cached_property
    def component_of(self) -> list[int]:
        """Component number per node."""
        result = [0] * len(self.nodes)
        for number, members in enumerate(self.components):
            for node in members:
                result[node] = number
        return result


def build_flow_graph(model: PlantModel, index: PlantIndex | None = None) -> FlowGraph:
    """Build the system-level data-flow graph of a model (assets roll up to their first system)."""
    index = index or PlantIndex(model)
    nodes: list[Node] = []
    node_of: dict[str, int] = {}
    for system in model.systems:
        node_of[system.key] = len(nodes)
        nodes.append(
            Node(
                key=system.key,
                is_system=True,
                kind=str(system.kind),
                name=system.name,
                level=system.purdue_level,
                site=index.system_site(system),
                location=system.location,
                zone=system.zone,
                critical=system.criticality in CRITICAL,
            )
        )
    for asset in model.assets:
        owner = next((s for s in asset.systems if s in node_of), None)
        if owner is not None:
            node_of[asset.key] = node_of[owner]
            continue
        level = asset.purdue_level
        if level is None and asset.suggested_level is not None:
            level = asset.suggested_level.level
        node_of[asset.key] = len(nodes)
        nodes.append(
            Node(
                key=asset.key,
                is_system=False,
                kind=asset.kind,
                name=asset.name,
                level=level,
                site=index.site_of_location(asset.location),
                location=asset.location,
                zone=asset.zone,
                critical=False,
            )
        )
    excluded = [n.kind in TRANSIT_KINDS or n.kind in MANAGEMENT_KINDS for n in nodes]
    count = len(model.flows)
    src = np.full(count, -1, dtype=np.int64)
    dst = np.full(count, -1, dtype=np.int64)
    data = np.zeros(count, dtype=np.bool_)
    via_flows: list[int] = []
    via_nodes: list[int] = []
    lookup = node_of.get
    for i, flow in enumerate(model.flows):
        a = lookup(flow.source, -1)
        b = lookup(flow.target, -1)
        src[i] = a
        dst[i] = b
        info = flow.information
        ok = (
            a >= 0
            and b >= 0
            and a != b
            and not excluded[a]
            and not excluded[b]
            and (not info or not set(info) <= MANAGEMENT_INFORMATION)
        )
        data[i] = ok
        if ok and flow.via is not None:
            v = lookup(flow.via, -1)
            if v >= 0 and v != a and v != b and not excluded[v]:
                via_flows.append(i)
                via_nodes.append(v)
    # A flow through a hub runs in two legs, source → hub → target; any other flow is one leg.
    direct = data.copy()
    via_index = np.array(via_flows, dtype=np.int64)
    via_node = np.array(via_nodes, dtype=np.int64)
    direct[via_index] = False
    direct_index = np.flatnonzero(direct)
    leg_flow = np.concatenate([direct_index, via_index, via_index])
    leg_a = np.concatenate([src[direct_index], src[via_index], via_node])
    leg_b = np.concatenate([dst[direct_index], via_node, dst[via_index]])
    order = np.argsort(leg_flow, kind="stable")
    leg_flow, leg_a, leg_b = leg_flow[order], leg_a[order], leg_b[order]
    low = np.minimum(leg_a, leg_b)
    high = np.maximum(leg_a, leg_b)
    n = max(len(nodes), 1)
    unique, inverse = np.unique(low * n + high, return_inverse=True)
    leg_pair = inverse.reshape(-1).astype(np.int64)
    pair_a = (unique // n).astype(np.int64)
    pair_b = (unique % n).astype(np.int64)
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(len(nodes)))
    graph.add_edges_from_no_data(list(zip(pair_a.tolist(), pair_b.tolist(), strict=True)))
    return FlowGraph(
        index=index,
        nodes=nodes,
        node_of=node_of,
        flow_src=src,
        flow_dst=dst,
        flow_data=data,
        leg_flow=leg_flow,
        leg_a=leg_a,
        leg_b=leg_b,
        leg_pair=leg_pair,
        pair_a=pair_a,
        pair_b=pair_b,
        graph=graph,
    )
