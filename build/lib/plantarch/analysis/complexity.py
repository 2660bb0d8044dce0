"""Integration complexity: point-to-point interfaces against what a broker / Unified Namespace would
need, protocol and middleware sprawl, and interfaces per system.

An *interface* is a data flow between two systems that both sit above basic control (Purdue level 2
or higher, or undeclared): PLC ↔ I/O traffic is control, not integration. An observed flow between two
systems that already have a declared flow is not counted again. It is *point-to-point*
when its declared pattern says so (point-to-point, file, database link, or OPC UA client/server), or
when it declares no pattern, passes through no `via` and neither end is a hub (broker, middleware,
IIoT platform). A hub pattern needs one connection per participating system, so n systems wired with
more than n point-to-point interfaces are spaghetti.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from plantarch.analysis.graph import HUB_KINDS, FlowGraph
from plantarch.analysis.item import AnalysisItem
from plantarch.model import FlowOrigin, IntegrationPattern

DIRECT_PATTERNS = frozenset(
    {
        IntegrationPattern.POINT_TO_POINT,
        IntegrationPattern.FILE,
        IntegrationPattern.DATABASE_LINK,
        IntegrationPattern.OPC_UA,
    }
)
INTEGRATION_MIN_LEVEL = 2.0
PROTOCOL_SPRAWL = 8
"""More distinct protocols than this among a site's interfaces is protocol sprawl."""
MIDDLEWARE_SPRAWL = 1
"""More unjustified hubs of one kind than this serving one site is middleware sprawl."""
HOTSPOT = 6
"""A system with at least this many point-to-point interfaces is an interface hotspot."""
TOP = 20


class SiteComplexity(BaseModel):
    """Interface counts of one site (or the whole plant when site is none)."""

    model_config = ConfigDict(extra="forbid")

    site: str | None
    interfaces: int = Field(description="Data flows between systems above basic control.")
    point_to_point: int = Field(description="Interfaces wired directly, without a hub.")
    hub_mediated: int
    systems_point_to_point: int = Field(description="Systems taking part in a point-to-point interface.")
    hub_connections_needed: int = Field(description="Connections a broker / UNS would need instead.")
    protocols: dict[str, int] = Field(description="Interfaces per protocol.")
    hubs: list[str] = Field(description="Broker / middleware / IIoT platform systems serving the site.")


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


@dataclass(frozen=True)
class Interfaces:
    """Integration interfaces of a flow graph: which flows, which are direct, counts per node."""

    flows: npt.NDArray[np.int64]
    direct: npt.NDArray[np.bool_]
    total: npt.NDArray[np.int64]
    point_to_point: npt.NDArray[np.int64]


def interfaces(graph: FlowGraph) -> Interfaces:
    """The integration interfaces of a graph (computed once per graph and shared)."""
    cached = graph.derived.get("interfaces")
    if isinstance(cached, Interfaces):
        return cached
    nodes = graph.nodes
    integration = np.array(
        [n.is_system and (n.level is None or n.level >= INTEGRATION_MIN_LEVEL) for n in nodes] + [False],
        dtype=np.bool_,
    )
    hub = np.array([n.kind in HUB_KINDS for n in nodes] + [False], dtype=np.bool_)
    src, dst = graph.flow_src, graph.flow_dst  # -1 (unknown endpoint) indexes the trailing False
    chosen = np.flatnonzero(graph.flow_data & integration[src] & integration[dst])
    direct = np.zeros(len(chosen), dtype=np.bool_)
    observed = np.zeros(len(chosen), dtype=np.bool_)
    flows = graph.model.flows
    for j, i in enumerate(chosen.tolist()):
        flow = flows[i]
        observed[j] = flow.origin == FlowOrigin.OBSERVED
        pattern = flow.pattern
        if pattern is None:
            direct[j] = flow.via is None and not hub[src[i]] and not hub[dst[i]]
        else:
            direct[j] = pattern in DIRECT_PATTERNS
    # An observed flow between systems that already have a declared interface is that interface seen on
    # the wire, not another one; observed flows nobody declared are interfaces of their own.
    n = len(nodes) + 1
    pair = np.minimum(src[chosen], dst[chosen]) * n + np.maximum(src[chosen], dst[chosen])
    seen_declared = np.isin(pair, pair[~observed])
    keep = ~(observed & seen_declared)
    chosen, direct = chosen[keep], direct[keep]
    total = np.bincount(np.concatenate([src[chosen], dst[chosen]]), minlength=len(nodes))
    d = chosen[direct]
    p2p = np.bincount(np.concatenate([src[d], dst[d]]), minlength=len(nodes))
    result = Interfaces(chosen, direct, total.astype(np.int64), p2p.astype(np.int64))
    graph.derived["interfaces"] = result
    return result


def _summary(
    graph: FlowGraph,
    site: str | None,
    rows: npt.NDArray[np.int64],
    facts: Interfaces,
    hub_list: list[tuple[str, str | None]],
) -> SiteComplexity:
    flows = graph.model.flows
    chosen = facts.flows[rows]
    direct = facts.direct[rows]
    d = chosen[direct]
    participants = set(graph.flow_src[d].tolist()) | set(graph.flow_dst[d].tolist())
    counts: dict[str, int] = {}
    for i in chosen.tolist():
        protocol = flows[i].protocol
        if protocol:
            counts[protocol] = counts.get(protocol, 0) + 1
    hubs = sorted(key for key, at in hub_list if site is None or at in (site, None))
    return SiteComplexity(
        site=site,
        interfaces=len(chosen),
        point_to_point=int(direct.sum()),
        hub_mediated=int(len(chosen) - direct.sum()),
        systems_point_to_point=len(participants),
        hub_connections_needed=len(participants),
        protocols=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        hubs=hubs,
    )


def measure_complexity(graph: FlowGraph) -> Complexity:
    """Count interfaces, point-to-point wiring, protocols and hubs per site and overall."""
    nodes = graph.nodes
    facts = interfaces(graph)
    site_names = [None, *graph.index.sites]
    code = {s: i for i, s in enumerate(site_names)}
    node_site = np.array([code.get(n.site, 0) for n in nodes] + [0], dtype=np.int64)
    a = node_site[graph.flow_src[facts.flows]]
    b = node_site[graph.flow_dst[facts.flows]]
    # An enterprise-wide system (no site) integrating with a site's system counts at that site.
    flow_site = np.where((a == 0) | (a == b), b, np.where(b == 0, a, -1))
    hub_list = [(n.key, n.site) for n in nodes if n.is_system and n.kind in HUB_KINDS]
    overall = _summary(graph, None, np.arange(len(facts.flows)), facts, hub_list)
    sites = []
    for number in sorted(set(flow_site.tolist()) - {0, -1}):
        rows = np.flatnonzero(flow_site == number)
        sites.append(_summary(graph, site_names[number], rows, facts, hub_list))
    total, p2p = facts.total, facts.point_to_point
    ranked = np.argsort(-total, kind="stable")[:TOP]
    busiest = [
        InterfaceCount(system=nodes[int(i)].key, interfaces=int(total[i]), point_to_point=int(p2p[i]))
        for i in ranked
        if total[i] > 0
    ]
    findings = _findings(sites or [overall], graph, p2p)
    return Complexity(overall=overall, sites=sites, busiest=busiest, findings=findings)


def _findings(
    sites: list[SiteComplexity], graph: FlowGraph, p2p: npt.NDArray[np.int64]
) -> list[ComplexityFinding]:
    findings: list[ComplexityFinding] = []
    ranked = [i for i in np.argsort(-p2p, kind="stable").tolist() if p2p[i] > 0]
    systems = graph.index.systems
    for s in sites:
        where = s.site or "the plant"
        if s.point_to_point > s.hub_connections_needed:
            wired = [i for i in ranked if s.site is None or graph.nodes[i].site in (s.site, None)]
            findings.append(
                ComplexityFinding(
                    site=s.site,
                    objects=[graph.nodes[i].key for i in wired[:50]],
                    why=f"{s.point_to_point} point-to-point interfaces among {s.systems_point_to_point} "
                    f"systems at {where}; a broker / Unified Namespace would need "
                    f"{s.hub_connections_needed} connections.",
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
        by_kind: dict[str, list[str]] = {}
        for key in s.hubs:
            system = systems.get(key)
            if system is not None and not system.justification:
                by_kind.setdefault(str(system.kind), []).append(key)
        for kind, keys in sorted(by_kind.items()):
            if len(keys) > MIDDLEWARE_SPRAWL:
                findings.append(
                    ComplexityFinding(
                        site=s.site,
                        objects=keys,
                        why=f"{len(keys)} {kind} systems serve {where} without a recorded justification: "
                        f"{', '.join(keys)}.",
                        kind="middleware-sprawl",
                        value=len(keys),
                        threshold=MIDDLEWARE_SPRAWL,
                    )
                )
    for i in np.flatnonzero(p2p >= HOTSPOT).tolist():
        node = graph.nodes[i]
        findings.append(
            ComplexityFinding(
                site=node.site,
                objects=[node.key],
                why=f"{node.name} has {int(p2p[i])} point-to-point interfaces.",
                kind="interface-hotspot",
                value=int(p2p[i]),
                threshold=HOTSPOT,
            )
        )
    return findings
