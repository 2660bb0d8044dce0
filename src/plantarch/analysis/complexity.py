"""Integration complexity: point-to-point interfaces against what a broker / Unified Namespace would
need, protocol and middleware sprawl, and interfaces per system.

An *interface* is a pair of systems exchanging data, both above basic control (Purdue level 2 or
higher, or undeclared): PLC ↔ I/O traffic is control, not integration. It is *point-to-point* when it
runs directly between two systems, neither a hub (broker, middleware, IIoT platform) and with no
`via`. A hub pattern needs one connection per participating system, so n systems wired point-to-point
with more than n interfaces are spaghetti.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from plantarch.analysis.graph import HUB_KINDS, FlowGraph
from plantarch.analysis.item import AnalysisItem
from plantarch.model import IntegrationPattern

HUB_PATTERNS = frozenset({IntegrationPattern.BROKER, IntegrationPattern.MIDDLEWARE})
INTEGRATION_MIN_LEVEL = 2.0
PROTOCOL_SPRAWL = 8
"""More distinct protocols than this among a site's interfaces is protocol sprawl."""
MIDDLEWARE_SPRAWL = 1
"""More distinct hub products than this at one site is middleware sprawl."""
HOTSPOT = 6
"""A system with at least this many point-to-point interfaces is an interface hotspot."""
TOP = 20


class SiteComplexity(BaseModel):
    """Interface counts of one site (or the whole plant when site is none)."""

    model_config = ConfigDict(extra="forbid")

    site: str | None
    interfaces: int = Field(description="Pairs of systems exchanging data above basic control.")
    point_to_point: int = Field(description="Interfaces wired directly, without a hub.")
    hub_mediated: int
    systems_point_to_point: int = Field(description="Systems taking part in a point-to-point interface.")
    hub_connections_needed: int = Field(description="Connections a broker / UNS would need instead.")
    protocols: dict[str, int] = Field(description="Interfaces per protocol.")
    hubs: list[str] = Field(description="Broker / middleware / IIoT platform systems.")


class InterfaceCount(BaseModel):
    """How many interfaces one system has."""

    model_config = ConfigDict(extra="forbid")

    system: str
    interfaces: int
    point_to_point: int


class ComplexityFinding(AnalysisItem):
    """A complexity problem: spaghetti, protocol or middleware sprawl, an interface hotspot."""

    kind: Literal["spaghetti", "protocol-sprawl", "middleware-sprawl", "interface-hotspot"]
    value: int
    threshold: int


class Complexity(BaseModel):
    """Integration complexity per site and overall."""

    model_config = ConfigDict(extra="forbid")

    overall: SiteComplexity
    sites: list[SiteComplexity]
    busiest: list[InterfaceCount] = Field(description=f"The {TOP} systems with most interfaces.")
    findings: list[ComplexityFinding]


def _pair_facts(graph: FlowGraph) -> tuple[np.ndarray, list[set[str]]]:
    """Per interface: whether any flow is direct, and the protocols it uses."""
    direct = np.zeros(len(graph.pair_a), dtype=np.bool_)
    protocols: list[set[str]] = [set() for _ in range(len(graph.pair_a))]
    pairs = graph.flow_pair
    for i, flow in enumerate(graph.model.flows):
        pair = pairs[i]
        if pair < 0:
            continue
        if flow.via is None and flow.pattern not in HUB_PATTERNS and flow.pattern != IntegrationPattern.FIELDBUS:
            direct[pair] = True
        if flow.protocol:
            protocols[pair].add(flow.protocol)
    return direct, protocols


def _summary(
    site: str | None, pairs: list[int], direct: np.ndarray, protocols: list[set[str]], graph: FlowGraph
) -> SiteComplexity:
    p2p = [p for p in pairs if direct[p]]
    participants = {int(graph.pair_a[p]) for p in p2p} | {int(graph.pair_b[p]) for p in p2p}
    counts: dict[str, int] = {}
    for p in pairs:
        for protocol in protocols[p]:
            counts[protocol] = counts.get(protocol, 0) + 1
    hubs = sorted(
        n.key for n in graph.nodes if n.is_system and n.kind in HUB_KINDS and (site is None or n.site == site)
    )
    return SiteComplexity(
        site=site,
        interfaces=len(pairs),
        point_to_point=len(p2p),
        hub_mediated=len(pairs) - len(p2p),
        systems_point_to_point=len(participants),
        hub_connections_needed=len(participants),
        protocols=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        hubs=hubs,
    )


@dataclass(frozen=True)
class Interfaces:
    """Integration interfaces of a flow graph: which pairs, which are direct, counts per node."""

    pairs: list[int]
    direct: npt.NDArray[np.bool_]
    protocols: list[set[str]]
    total: npt.NDArray[np.int64]
    point_to_point: npt.NDArray[np.int64]


def interfaces(graph: FlowGraph) -> Interfaces:
    """The integration interfaces of a graph (computed once per graph)."""
    cached = graph.derived.get("interfaces")
    if isinstance(cached, Interfaces):
        return cached
    nodes = graph.nodes
    direct, protocols = _pair_facts(graph)
    integration = np.array(
        [n.is_system and (n.level is None or n.level >= INTEGRATION_MIN_LEVEL) for n in nodes], dtype=np.bool_
    )
    hub = np.array([n.kind in HUB_KINDS for n in nodes], dtype=np.bool_)
    a, b = graph.pair_a, graph.pair_b
    if len(a):
        is_interface = integration[a] & integration[b]
        direct &= ~(hub[a] | hub[b])
    else:
        is_interface = np.zeros(0, dtype=np.bool_)
    pairs = np.flatnonzero(is_interface)
    total = np.zeros(len(nodes), dtype=np.int64)
    p2p = np.zeros(len(nodes), dtype=np.int64)
    if len(pairs):
        np.add.at(total, a[pairs], 1)
        np.add.at(total, b[pairs], 1)
        d = pairs[direct[pairs]]
        np.add.at(p2p, a[d], 1)
        np.add.at(p2p, b[d], 1)
    result = Interfaces(pairs.tolist(), direct, protocols, total, p2p)
    graph.derived["interfaces"] = result
    return result


def measure_complexity(graph: FlowGraph) -> Complexity:
    """Count interfaces, point-to-point wiring, protocols and hubs per site and overall."""
    nodes = graph.nodes
    facts = interfaces(graph)
    direct, protocols, pairs = facts.direct, facts.protocols, facts.pairs
    total, p2p = facts.total, facts.point_to_point
    a, b = graph.pair_a, graph.pair_b
    by_site: dict[str, list[int]] = {}
    for p in pairs:
        site_a, site_b = nodes[int(a[p])].site, nodes[int(b[p])].site
        if site_a is not None and site_a == site_b:
            by_site.setdefault(site_a, []).append(p)
    overall = _summary(None, pairs, direct, protocols, graph)
    sites = [_summary(site, by_site[site], direct, protocols, graph) for site in sorted(by_site)]
    ranked = np.argsort(-total, kind="stable")[:TOP]
    busiest = [
        InterfaceCount(system=nodes[int(i)].key, interfaces=int(total[i]), point_to_point=int(p2p[i]))
        for i in ranked
        if total[i] > 0
    ]
    findings = _findings(sites or [overall], graph, p2p)
    return Complexity(overall=overall, sites=sites, busiest=busiest, findings=findings)


def _findings(sites: list[SiteComplexity], graph: FlowGraph, p2p: np.ndarray) -> list[ComplexityFinding]:
    findings: list[ComplexityFinding] = []
    ranked = [i for i in np.argsort(-p2p, kind="stable").tolist() if p2p[i] > 0]
    for s in sites:
        where = s.site or "the plant"
        if s.point_to_point > s.hub_connections_needed:
            wired = [i for i in ranked if s.site is None or graph.nodes[i].site == s.site]
            findings.append(
                ComplexityFinding(
                    site=s.site,
                    objects=[graph.nodes[i].key for i in wired[:50]],
                    why=f"{s.point_to_point} point-to-point interfaces among {s.systems_point_to_point} systems at "
                    f"{where}; a broker / Unified Namespace would need {s.hub_connections_needed} connections.",
                    kind="spaghetti",
                    value=s.point_to_point,
                    threshold=s.hub_connections_needed,
                )
            )
        if len(s.protocols) > PROTOCOL_SPRAWL:
            findings.append(
                ComplexityFinding(
                    site=s.site,
                    objects=[],
                    why=f"{len(s.protocols)} protocols in use between systems at {where}: "
                    f"{', '.join(s.protocols)}.",
                    kind="protocol-sprawl",
                    value=len(s.protocols),
                    threshold=PROTOCOL_SPRAWL,
                )
            )
        if len(s.hubs) > MIDDLEWARE_SPRAWL:
            findings.append(
                ComplexityFinding(
                    site=s.site,
                    objects=s.hubs,
                    why=f"{len(s.hubs)} brokers / middleware / IIoT platforms at {where}: {', '.join(s.hubs)}.",
                    kind="middleware-sprawl",
                    value=len(s.hubs),
                    threshold=MIDDLEWARE_SPRAWL,
                )
            )
    for i in np.flatnonzero(p2p >= HOTSPOT).tolist():
        node = graph.nodes[i]
        findings.append(ComplexityFinding(
            site=node.site,
            objects=[node.key],
            why=f"{node.name} has {int(p2p[i])} point-to-point interfaces.",
            kind="interface-hotspot",
            value=int(p2p[i]),
            threshold=HOTSPOT,
        ))
    return findings
