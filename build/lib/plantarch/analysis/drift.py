"""Drift: what the network shows against what people declared.

- hidden dependencies: flows observed on the wire that no declared flow explains;
- undocumented assets: devices discovery found that nobody declared;
- stale documentation: declared assets no discovery source ever saw, and declared flows between
  observed endpoints that never showed up on the wire.

A declared flow between systems is explained by an observed flow between any assets those systems
run on (`Asset.systems`), directly or through its `via` (broker, middleware, firewall).
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model.asset import Asset
from plantarch.model.flow import Flow
from plantarch.model.plant import PlantModel
from plantarch.model.vocabulary import FlowOrigin

OBSERVING_SOURCES = frozenset({"pcap", "zeek", "nmap", "opcua", "mqtt", "snmp", "netflow"})
"""Sources that see the live plant (as opposed to declared, CMDB or inventory records)."""


class DriftItem(BaseModel):
    """One asset or flow on one side of the drift, with when it was seen."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="asset or flow")
    key: str
    name: str = ""
    source: str | None = None
    target: str | None = None
    protocol: str | None = None
    port: int | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    sources: list[str] = Field(default_factory=list, description="Sources that reported it.")
    reason: str = ""


class DriftReport(BaseModel):
    """Declared versus observed, in both directions."""

    model_config = ConfigDict(extra="forbid")

    hidden_flows: list[DriftItem] = Field(default_factory=list, description="Observed, never declared.")
    undeclared_assets: list[DriftItem] = Field(default_factory=list, description="Observed, never declared.")
    stale_assets: list[DriftItem] = Field(default_factory=list, description="Declared, never observed.")
    stale_flows: list[DriftItem] = Field(
        default_factory=list, description="Declared between observed assets, never seen on the wire."
    )
    unverifiable_flows: int = Field(
        default=0, description="Declared flows whose endpoints no discovery source saw (cannot be checked)."
    )
    observed_sources: list[str] = Field(default_factory=list)

    @property
    def total(self) -> int:
        """Number of drift findings."""
        return (
            len(self.hidden_flows)
            + len(self.undeclared_assets)
            + len(self.stale_assets)
            + len(self.stale_flows)
        )

    def summary(self) -> dict[str, Any]:
        """Counts per drift kind."""
        return {
            "hidden_flows": len(self.hidden_flows),
            "undeclared_assets": len(self.undeclared_assets),
            "stale_assets": len(self.stale_assets),
            "stale_flows": len(self.stale_flows),
            "unverifiable_flows": self.unverifiable_flows,
        }


def _group_address(address: str) -> bool:
    """Multicast and broadcast addresses (IP or MAC): destinations, never devices."""
    if len(address) == 17 and address.count(":") == 5:
        return bool(int(address[:2], 16) & 1)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_multicast or (ip.version == 4 and address.endswith(".255"))


def _is_group_asset(asset: Asset) -> bool:
    addresses = [*asset.ips, *asset.macs]
    return bool(addresses) and all(_group_address(a) for a in addresses)


def _observed(asset: Asset) -> bool:
    return any(p.source in OBSERVING_SOURCES for p in asset.provenance)


def _flow_observed(flow: Flow) -> bool:
    return flow.origin == FlowOrigin.OBSERVED or any(p.source in OBSERVING_SOURCES for p in flow.provenance)


def _sources(obj: Asset | Flow) -> list[str]:
    return sorted({p.source for p in obj.provenance})


def detect_drift(model: PlantModel) -> DriftReport:
    """Compare declared and observed assets and flows of a plant model."""
    report = DriftReport()
    assets = {a.key: a for a in model.assets}
    runs_on: dict[str, set[str]] = defaultdict(set)
    for a in model.assets:
        for system in a.systems:
            runs_on[system].add(a.key)

    def endpoints(key: str | None) -> set[str]:
        if key is None:
            return set()
        return {key} | runs_on.get(key, set())

    group = {k for k, a in assets.items() if _is_group_asset(a)}
    declared_flows = [f for f in model.flows if f.origin == FlowOrigin.DECLARED]
    observed_flows = [f for f in model.flows if _flow_observed(f) and f.origin == FlowOrigin.OBSERVED]
    seen_by = {s for a in model.assets for s in _sources(a)} | {s for f in model.flows for s in _sources(f)}
    report.observed_sources = sorted(seen_by & OBSERVING_SOURCES)

    explained: set[str] = set()
    for declared in declared_flows:
        src, dst, via = endpoints(declared.source), endpoints(declared.target), endpoints(declared.via)
        legs = [(src, dst)] + ([(src, via), (via, dst)] if via else [])
        if declared.direction == "bidirectional":
            legs += [(b, a) for a, b in legs]
        seen = [
            o.key
            for o in observed_flows
            if any(o.source in a and o.target in b for a, b in legs)
            and (declared.port is None or o.port is None or o.port == declared.port)
            and (declared.protocol is None or o.protocol is None or o.protocol == declared.protocol)
        ]
        explained.update(seen)
        if seen:
            continue
        ends_seen = all(any(_observed(assets[k]) for k in e if k in assets) for e in (src, dst))
        if not ends_seen:
            report.unverifiable_flows += 1
            continue
        report.stale_flows.append(
            DriftItem(
                kind="flow", key=declared.key, name=declared.description, source=declared.source,
                target=declared.target, protocol=declared.protocol, port=declared.port,
                sources=_sources(declared),
                reason="declared between observed assets but never seen on the wire",
            )
        )  # fmt: skip
    for o in observed_flows:
        if o.key in explained or o.source in group or o.target in group:
            continue
        report.hidden_flows.append(
            DriftItem(
                kind="flow", key=o.key, source=o.source, target=o.target, protocol=o.protocol, port=o.port,
                first_seen=o.first_seen, last_seen=o.last_seen, sources=_sources(o),
                reason="observed on the wire, no declared flow explains it",
            )
        )  # fmt: skip
    for a in model.assets:
        if a.key in group:
            continue
        if not a.declared:
            report.undeclared_assets.append(
                DriftItem(
                    kind="asset", key=a.key, name=a.name, first_seen=a.first_seen, last_seen=a.last_seen,
                    sources=_sources(a), reason="found by discovery, never declared",
                )
            )  # fmt: skip
        elif not _observed(a) and (a.ips or a.macs or a.hostnames):
            report.stale_assets.append(
                DriftItem(
                    kind="asset", key=a.key, name=a.name, sources=_sources(a),
                    reason="declared with addresses, never seen by any discovery source",
                )
            )  # fmt: skip
    return report
