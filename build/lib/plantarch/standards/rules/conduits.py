"""Zones and conduits: default-deny allow-lists, flows no conduit allows, cleartext protocols across
zone boundaries, dual-homed hosts bridging zones, and security levels."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model import Asset, Conduit, ConduitRule, Flow, ModelObject, System, Zone
from plantarch.standards.context import PlantContext
from plantarch.standards.findings import Violation
from plantarch.standards.rules.evidence import flow_evidence, protocol_label
from plantarch.standards.ruletype import NoParams, RuleType


def _cross_zone(flow: Flow, ctx: PlantContext) -> tuple[str, str] | None:
    endpoints = ctx.endpoints
    src, dst = endpoints.get(flow.source), endpoints.get(flow.target)
    if src is None or dst is None or src.zone is None or dst.zone is None or src.zone == dst.zone:
        return None
    return src.zone, dst.zone


class CleartextParams(BaseModel):
    """Protocols that must not cross a zone boundary unless the flow is authenticated or encrypted."""

    model_config = ConfigDict(extra="forbid")

    protocols: list[str] = Field(default=["modbus", "s7comm", "dnp3", "enip", "bacnet"])


class CleartextProtocol(RuleType):
    """A cleartext industrial protocol crossing from one zone into another."""

    name = "cleartext-protocol"
    summary = "Cleartext industrial protocols do not cross a zone boundary (secure variants excepted)."
    kinds = frozenset({"flow"})
    reads = frozenset({"system", "asset", "zone"})
    Params = CleartextParams
    fix = (
        "Keep the protocol inside its zone (poll through a gateway or OPC UA server in the zone) or use "
        "its secure variant (DNP3 SAv5, CIP Security, Modbus/TCP Security) and mark the flow "
        "authenticated/encrypted."
    )

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag a cleartext protocol flow between two zones that is neither authenticated nor encrypted."""
        flow: Flow = obj  # type: ignore[assignment]
        if flow.protocol not in params.protocols or flow.authenticated or flow.encrypted:
            return None
        zones = _cross_zone(flow, ctx)
        if zones is None:
            return None
        return Violation(
            f"cleartext {protocol_label(flow)} crosses from zone {zones[0]} to zone {zones[1]} "
            f"({flow.source} → {flow.target})",
            flow_evidence(flow, ctx),
        )


def rule_allows(rule: ConduitRule, flow: Flow, source_zone: str) -> bool:
    """True when one allow-list entry admits the flow initiated from `source_zone`."""
    if rule.protocol is not None:
        if flow.protocol is None:
            # Discovery could not name it (TLS, a proprietary protocol): the port decides, as at the firewall.
            if rule.port is None:
                return False
        elif rule.protocol != flow.protocol:
            return False
    if rule.port is not None and rule.port != flow.port:
        return False
    return rule.source_zone is None or rule.source_zone == source_zone


def conduit_allows(conduit: Conduit, flow: Flow, source_zone: str) -> bool:
    """True when a conduit lets the flow through (everything passes a conduit that is not default-deny)."""
    if not conduit.default_deny:
        return True
    return any(rule_allows(rule, flow, source_zone) for rule in conduit.allowed)


class ConduitAllowList(RuleType):
    """Every flow between two zones must be allowed by a conduit joining them."""

    name = "conduit-allow-list"
    summary = "A flow between zones, declared or observed, must be allowed by a conduit's allow-list."
    kinds = frozenset({"flow"})
    reads = frozenset({"system", "asset", "zone", "conduit"})
    Params = NoParams
    fix = (
        "If the flow is needed, add an allow-list entry (protocol, port, initiating zone) to the conduit "
        "and its firewall; otherwise block it and remove the dependency."
    )

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag a flow with a zone crossing (either side of a `via` relay) no conduit allows."""
        flow: Flow = obj  # type: ignore[assignment]
        for from_zone, to_zone in ctx.legs(flow):
            conduits = ctx.conduits_between(from_zone, to_zone)
            if any(conduit_allows(c, flow, from_zone) for c in conduits):
                continue
            what = "observed" if str(flow.origin) == "observed" else "declared"
            hop = f" (leg via {flow.via})" if flow.via is not None and ctx.endpoint(flow.via) else ""
            if not conduits:
                message = (
                    f"{what} flow {flow.key} ({protocol_label(flow)}, {flow.source} → {flow.target}) crosses "
                    f"from zone {from_zone} to zone {to_zone}{hop}, and no conduit joins these zones"
                )
            else:
                names = ", ".join(c.key for c in conduits)
                message = (
                    f"{what} flow {flow.key} ({protocol_label(flow)} from zone {from_zone} to zone {to_zone}"
                    f"{hop}) is not in the allow-list of conduit {names}"
                )
            return Violation(
                message,
                flow_evidence(flow, ctx, conduits=[c.key for c in conduits], crossing=[from_zone, to_zone]),
            )
        return None


class ConduitDefaultDeny(RuleType):
    """A conduit denies by default and allows listed protocols only."""

    name = "conduit-default-deny"
    summary = "Every conduit is default-deny with an explicit allow-list (no allow-any entries)."
    kinds = frozenset({"conduit"})
    Params = NoParams
    fix = "Set the conduit to default-deny and list each allowed protocol, port and initiating zone."

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag a conduit that allows everything, or whose allow-list has an entry admitting any protocol."""
        conduit: Conduit = obj  # type: ignore[assignment]
        a, b = conduit.zones
        if not conduit.default_deny:
            return Violation(
                f"conduit {conduit.key} between zones {a} and {b} is not default-deny: it allows any traffic",
                {"conduit": conduit.key, "zones": [a, b], "default_deny": False},
            )
        wide = [i for i, r in enumerate(conduit.allowed) if r.protocol is None and r.port is None]
        if wide:
            return Violation(
                f"conduit {conduit.key} between zones {a} and {b} has an allow-any entry "
                f"(entry {', '.join(str(i + 1) for i in wide)} names no protocol or port)",
                {"conduit": conduit.key, "zones": [a, b], "allow_any_entries": [i + 1 for i in wide]},
            )
        return None


class DualHomedParams(BaseModel):
    """Which kinds of host may legitimately sit in several zones."""

    model_config = ConfigDict(extra="forbid")

    allowed_kinds: list[str] = Field(default=["firewall", "data-diode"])


class DualHomed(RuleType):
    """A host (or a system on several hosts) with a foot in zones of different security levels."""

    name = "dual-homed"
    summary = "No host other than a firewall bridges zones of different security level."
    kinds = frozenset({"asset", "system"})
    reads = frozenset({"zone", "asset", "system"})
    Params = DualHomedParams
    fix = (
        "Remove the extra interface (or move the system onto hosts in one zone) and let the traffic pass "
        "through the conduit's firewall instead."
    )

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag an endpoint whose zones have different target security levels."""
        ep = ctx.endpoint(obj.key)
        if ep is None or len(ep.zones) < 2 or ep.roles & set(params.allowed_kinds):
            return None
        zones = sorted(ep.zones)
        levels = {z: (ctx.zones[z].security_level_target if z in ctx.zones else None) for z in zones}
        if len(set(levels.values())) < 2:
            return None
        evidence: dict[str, Any] = {"zones": levels}
        if isinstance(obj, Asset):
            evidence["ips"] = list(obj.ips)
            what = f"host {obj.key} ({', '.join(obj.ips) or 'no address'})"
        else:
            assert isinstance(obj, System)
            evidence["assets"] = sorted(ctx.assets_of_system.get(obj.key, ()))
            what = f"system {obj.key}"
        shown = ", ".join(f"{z} (SL-T {levels[z] if levels[z] is not None else '?'})" for z in zones)
        return Violation(f"{what} bridges zones of different security level: {shown}", evidence)


class SecurityLevelTarget(RuleType):
    """Every zone and conduit has a target security level."""

    name = "security-level-target"
    summary = "Every zone and conduit has a target security level (SL-T)."
    kinds = frozenset({"zone", "conduit"})
    Params = NoParams
    fix = "Run the IEC 62443-3-2 risk assessment for it and record the resulting SL-T."

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag a zone or conduit without a target security level."""
        assert isinstance(obj, Zone | Conduit)
        if obj.security_level_target is not None:
            return None
        return Violation(f"{kind} {obj.key} has no target security level", {kind: obj.key})


class AchievedParams(BaseModel):
    """Whether a zone or conduit whose achieved level was never assessed is a finding."""

    model_config = ConfigDict(extra="forbid")

    unassessed_is_finding: bool = True


class SecurityLevelAchieved(RuleType):
    """The achieved security level meets the target."""

    name = "security-level-achieved"
    summary = "The achieved security level (SL-A) of a zone or conduit is not below its target (SL-T)."
    kinds = frozenset({"zone", "conduit"})
    Params = AchievedParams
    fix = (
        "Add the countermeasures IEC 62443-3-3 requires for the target level (or record a compensating "
        "control), then reassess and record the achieved level."
    )

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag SL-A below SL-T (or never assessed, when so configured)."""
        assert isinstance(obj, Zone | Conduit)
        target, achieved = obj.security_level_target, obj.security_level_achieved
        if target is None:
            return None
        evidence = {kind: obj.key, "target": target, "achieved": achieved}
        if achieved is None:
            if not params.unassessed_is_finding:
                return None
            return Violation(
                f"{kind} {obj.key} has SL-T {target} but its achieved level was never assessed", evidence
            )
        if achieved >= target:
            return None
        return Violation(f"{kind} {obj.key} achieves SL {achieved}, below its target SL {target}", evidence)
