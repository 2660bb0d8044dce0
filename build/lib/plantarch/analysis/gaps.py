"""Integration gaps: expected exchanges (ISA-95 business ↔ operations, shop floor → historian →
analytics, quality → QMS) that no flow, direct or through a hub, carries."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import rustworkx as rx
from pydantic import Field

from plantarch.analysis.graph import HUB_KINDS, FlowGraph
from plantarch.analysis.item import AnalysisItem
from plantarch.model import SystemKind as K

MAX_LISTED = 50


@dataclass(frozen=True)
class Expectation:
    """An exchange every site should have: which information, from which kinds of system to which."""

    key: str
    title: str
    information: str
    producers: frozenset[str]
    consumers: frozenset[str]
    needs: str  # "producer": every producer must reach a consumer; "consumer": the reverse
    infer_untagged: bool = False  # a flow without declared information between these kinds counts


EXPECTED_EXCHANGES: tuple[Expectation, ...] = (
    Expectation(
        "schedule-down",
        "production schedule, ERP → MES (ISA-95 Part 3 production scheduling)",
        "production-schedule",
        frozenset({K.ERP, K.APS}),
        frozenset({K.MES}),
        "consumer",
    ),
    Expectation(
        "product-definition-down",
        "product definition, ERP/PLM → MES",
        "product-definition",
        frozenset({K.ERP, K.PLM}),
        frozenset({K.MES}),
        "consumer",
    ),
    Expectation(
        "performance-up",
        "production performance, MES → ERP",
        "production-performance",
        frozenset({K.MES}),
        frozenset({K.ERP}),
        "producer",
    ),
    Expectation(
        "material-up",
        "material consumption, MES → ERP",
        "material-consumption",
        frozenset({K.MES}),
        frozenset({K.ERP}),
        "producer",
    ),
    Expectation(
        "equipment-state-up",
        "equipment state, MES → ERP",
        "equipment-state",
        frozenset({K.MES}),
        frozenset({K.ERP}),
        "producer",
    ),
    Expectation(
        "shop-floor-to-historian",
        "process data, shop floor (PLC, DCS, SCADA, RTU) → historian",
        "process-data",
        frozenset({K.PLC, K.DCS, K.SCADA, K.RTU}),
        frozenset({K.HISTORIAN}),
        "producer",
        infer_untagged=True,
    ),
    Expectation(
        "historian-to-analytics",
        "process data, historian → analytics",
        "process-data",
        frozenset({K.HISTORIAN}),
        frozenset({K.ANALYTICS, K.DATA_LAKE, K.IIOT_PLATFORM}),
        "producer",
        infer_untagged=True,
    ),
    Expectation(
        "quality-to-qms",
        "quality results, MES/LIMS → QMS",
        "quality-result",
        frozenset({K.MES, K.LIMS}),
        frozenset({K.QMS}),
        "producer",
    ),
)
"""The exchanges `find_gaps` expects at every site."""

RELAY_KINDS = frozenset(HUB_KINDS | {K.EDGE_GATEWAY, K.OPC_SERVER})


class IntegrationGap(AnalysisItem):
    """An expected exchange that is missing at a site, with the systems that should exchange it."""

    expectation: str
    information: str
    senders: list[str] = Field(description="Systems that should send it.")
    receivers: list[str] = Field(description="Systems that should receive it.")
    missing_counterpart: bool = Field(
        description="True when the site has no system of the other side at all."
    )


def _tagged_edges(graph: FlowGraph, infos: set[str]) -> tuple[dict[str, list[tuple[int, int]]], np.ndarray]:
    """Node pairs per information object carried, and a mask of flow legs that declare none."""
    tagged: dict[str, list[tuple[int, int]]] = {info: [] for info in infos}
    untagged = np.zeros(len(graph.leg_flow), dtype=np.bool_)
    flows = graph.model.flows
    legs = zip(graph.leg_flow.tolist(), graph.leg_a.tolist(), graph.leg_b.tolist(), strict=True)
    for leg, (flow_index, a, b) in enumerate(legs):
        information = flows[flow_index].information
        if not information:
            untagged[leg] = True
            continue
        for info in information:
            edges = tagged.get(info)
            if edges is not None:
                edges.append((a, b))
    return tagged, untagged


def find_gaps(graph: FlowGraph) -> list[IntegrationGap]:
    """Every expected exchange missing at a site (a site lacking both sides expects nothing)."""
    tagged, untagged = _tagged_edges(graph, {e.information for e in EXPECTED_EXCHANGES})
    kinds = np.array([n.kind for n in graph.nodes], dtype=object)
    gaps: list[IntegrationGap] = []
    for expectation in EXPECTED_EXCHANGES:
        edges = list(tagged[expectation.information])
        if expectation.infer_untagged and untagged.any():
            allowed = expectation.producers | expectation.consumers | RELAY_KINDS
            allowed_node = np.isin(kinds, list(allowed))
            idx = np.flatnonzero(untagged)
            a, b = graph.leg_a[idx], graph.leg_b[idx]
            keep = allowed_node[a] & allowed_node[b]
            edges.extend(zip(a[keep].tolist(), b[keep].tolist(), strict=True))
        gaps.extend(_gaps_for(graph, expectation, edges))
    return gaps


def _gaps_for(
    graph: FlowGraph, expectation: Expectation, edges: list[tuple[int, int]]
) -> list[IntegrationGap]:
    producers = [i for i, n in enumerate(graph.nodes) if n.is_system and n.kind in expectation.producers]
    consumers = [i for i, n in enumerate(graph.nodes) if n.is_system and n.kind in expectation.consumers]
    needy, other = (producers, consumers) if expectation.needs == "producer" else (consumers, producers)
    if not needy:
        return []
    sub = rx.PyGraph(multigraph=False)
    sub.add_nodes_from(range(len(graph.nodes)))
    sub.add_edges_from_no_data(edges)
    # component id -> sites (None = enterprise-wide) of the other side it contains
    component: dict[int, int] = {}
    for number, members in enumerate(rx.connected_components(sub)):
        if len(members) > 1:
            for node in members:
                component[node] = number
    reached = {component[node] for node in other if node in component}
    by_site: dict[str | None, list[int]] = {}
    for node in needy:
        if component.get(node, -1) in reached:
            continue
        by_site.setdefault(graph.nodes[node].site, []).append(node)
    gaps: list[IntegrationGap] = []
    for site, missing in sorted(by_site.items(), key=lambda kv: kv[0] or ""):
        counterparts = [o for o in other if graph.nodes[o].site in (site, None)] or other
        miss_keys = [graph.key(n) for n in missing]
        other_keys = [graph.key(n) for n in counterparts]
        senders, receivers = (
            (miss_keys, other_keys) if expectation.needs == "producer" else (other_keys, miss_keys)
        )
        listed = ", ".join(miss_keys[:5]) + (f" and {len(miss_keys) - 5} more" if len(miss_keys) > 5 else "")
        if counterparts:
            why = (
                f"No flow carries {expectation.information} for {listed}: expected "
                f"{expectation.title}, between {', '.join(senders[:5])} and {', '.join(receivers[:5])}."
            )
        else:
            side = "receives" if expectation.needs == "producer" else "sends"
            why = (
                f"Expected {expectation.title} for {listed}, but no system at "
                f"{site or 'the enterprise'} {side} {expectation.information}."
            )
        gaps.append(
            IntegrationGap(
                site=site,
                objects=(miss_keys + other_keys)[:MAX_LISTED],
                why=why,
                expectation=expectation.key,
                information=expectation.information,
                senders=senders[:MAX_LISTED],
                receivers=receivers[:MAX_LISTED],
                missing_counterpart=not counterparts,
            )
        )
    return gaps
