"""Purdue-level separation: no direct flow between enterprise and field levels; IT↔OT via the DMZ;
no internet or vendor access into the plant except through a DMZ jump host."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model import Flow, ModelObject, format_level
from plantarch.standards.context import PlantContext
from plantarch.standards.findings import Violation
from plantarch.standards.rules.evidence import describe, flow_evidence
from plantarch.standards.ruletype import RuleType
from plantarch.standards.zoning import Endpoint


class LevelSeparationParams(BaseModel):
    """Two groups of Purdue levels no flow may join directly."""

    model_config = ConfigDict(extra="forbid")

    upper: list[float] = Field(default=[4.0, 5.0], description="Levels on one side (enterprise).")
    lower: list[float] = Field(default=[0.0, 1.0, 2.0], description="Levels on the other side (control).")


def _via_dmz(flow: Flow, ctx: PlantContext) -> bool:
    return flow.via is not None and ctx.is_dmz(ctx.endpoint(flow.via))


def _levels(flow: Flow, ctx: PlantContext) -> tuple[Endpoint | None, Endpoint | None]:
    endpoints = ctx.endpoints
    return endpoints.get(flow.source), endpoints.get(flow.target)


class LevelSeparation(RuleType):
    """A flow whose ends sit in the two separated level groups, not passing through a DMZ."""

    name = "level-separation"
    summary = "No direct flow between two groups of Purdue levels (e.g. 4/5 and 0–2)."
    kinds = frozenset({"flow"})
    reads = frozenset({"system", "asset", "zone"})
    Params = LevelSeparationParams
    fix = (
        "Route the data through a level 3.5 DMZ service (broker, historian replica, jump host) "
        "or a level 3 system, and remove the direct path from the firewall rules."
    )

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag a flow joining an upper-group level to a lower-group level directly."""
        flow: Flow = obj  # type: ignore[assignment]
        src, dst = _levels(flow, ctx)
        if src is None or dst is None or src.level is None or dst.level is None:
            return None
        a, b = src.level, dst.level
        if not ((a in params.upper and b in params.lower) or (a in params.lower and b in params.upper)):
            return None
        if _via_dmz(flow, ctx):
            return None
        return Violation(
            f"flow {flow.key} goes directly from level {format_level(a)} to level {format_level(b)}: "
            f"{describe(src, flow.source)} → {describe(dst, flow.target)}",
            flow_evidence(flow, ctx),
        )


class DmzTerminationParams(BaseModel):
    """Which levels are IT and which are OT."""

    model_config = ConfigDict(extra="forbid")

    it_levels: list[float] = Field(default=[4.0, 5.0])
    ot_levels: list[float] = Field(default=[0.0, 1.0, 2.0, 3.0])


class DmzTermination(RuleType):
    """IT↔OT flows must end in the level 3.5 DMZ rather than cross it."""

    name = "dmz-termination"
    summary = "Traffic between IT and OT levels terminates in a level 3.5 DMZ."
    kinds = frozenset({"flow"})
    reads = frozenset({"system", "asset", "zone"})
    Params = DmzTerminationParams
    fix = (
        "Terminate the connection in the DMZ (a broker, replica historian, file-transfer or jump host in "
        "the level 3.5 zone) so that IT and OT each connect only to the DMZ."
    )

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag a flow with one end in IT and the other in OT, not via a DMZ system."""
        flow: Flow = obj  # type: ignore[assignment]
        src, dst = _levels(flow, ctx)
        if src is None or dst is None or src.level is None or dst.level is None:
            return None
        if ctx.is_dmz(src) or ctx.is_dmz(dst) or _via_dmz(flow, ctx):
            return None
        a, b = src.level, dst.level
        if not (
            (a in params.it_levels and b in params.ot_levels)
            or (a in params.ot_levels and b in params.it_levels)
        ):
            return None
        return Violation(
            f"IT↔OT flow {flow.key} does not terminate in the DMZ: "
            f"{describe(src, flow.source)} → {describe(dst, flow.target)}",
            flow_evidence(flow, ctx),
        )


class UntrustedAccessParams(BaseModel):
    """Which levels are protected and which endpoint kinds count as a DMZ jump host."""

    model_config = ConfigDict(extra="forbid")

    max_level: float = Field(default=3.0, description="Levels at or below this are protected.")
    jump_host_kinds: list[str] = Field(default=["jump-host", "remote-access"])


class UntrustedAccess(RuleType):
    """Internet or vendor networks reach the plant only through a jump host in the DMZ."""

    name = "untrusted-access"
    summary = "No access from untrusted zones (internet, vendor) into levels ≤ 3 except via a DMZ jump host."
    kinds = frozenset({"flow"})
    reads = frozenset({"system", "asset", "zone"})
    Params = UntrustedAccessParams
    fix = (
        "Terminate remote access on a jump host in the level 3.5 DMZ (with MFA and session recording) "
        "and allow only the jump host to reach the plant systems."
    )

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag a flow initiated from an untrusted endpoint into a protected level."""
        flow: Flow = obj  # type: ignore[assignment]
        src, dst = _levels(flow, ctx)
        pairs = [(src, dst)]
        if str(flow.direction) == "bidirectional":
            pairs.append((dst, src))
        jump = set(params.jump_host_kinds)
        for outside, inside in pairs:
            if not ctx.is_untrusted(outside) or inside is None or ctx.is_untrusted(inside):
                continue
            if inside.level is None or inside.level > params.max_level or ctx.is_dmz(inside):
                continue
            via = ctx.endpoint(flow.via)
            if via is not None and via.roles & jump and ctx.is_dmz(via):
                continue
            assert outside is not None
            return Violation(
                f"{outside.key} (untrusted zone {outside.zone or '?'}) reaches "
                f"{describe(inside, inside.key)} directly in flow {flow.key}, not through a DMZ jump host",
                flow_evidence(flow, ctx, untrusted=outside.key),
            )
        return None
