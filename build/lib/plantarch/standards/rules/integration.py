"""Integration patterns: business systems integrate through a broker / Unified Namespace, OPC UA or
approved middleware, not point to point."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model import Flow, ModelObject
from plantarch.standards.context import PlantContext
from plantarch.standards.findings import Violation
from plantarch.standards.rules.evidence import flow_evidence, protocol_label
from plantarch.standards.ruletype import RuleType


class ApprovedIntegrationParams(BaseModel):
    """What counts as a business system, and which patterns, protocols and hubs are approved."""

    model_config = ConfigDict(extra="forbid")

    business_kinds: list[str] = Field(
        default=["erp", "mes", "qms", "lims", "cmms", "wms", "plm", "aps"],
        description="ISA-95 level 3/4 business and operations-management applications.",
    )
    approved_patterns: list[str] = Field(default=["broker", "middleware", "opc-ua"])
    approved_protocols: list[str] = Field(default=["opcua"])
    hub_kinds: list[str] = Field(
        default=["broker", "middleware", "iiot-platform"],
        description="A flow to or through one of these is part of a hub pattern.",
    )


class ApprovedIntegration(RuleType):
    """A flow between two business systems must use an approved integration pattern."""

    name = "approved-integration"
    summary = (
        "Business systems integrate through approved patterns (broker/UNS, OPC UA, approved middleware)."
    )
    kinds = frozenset({"flow"})
    reads = frozenset({"system", "asset", "flow"})
    Params = ApprovedIntegrationParams
    fix = (
        "Publish the data to the broker / Unified Namespace (or the approved middleware) and let the "
        "consumer subscribe, instead of a direct interface between the two systems."
    )

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag a point-to-point flow between two business systems."""
        flow: Flow = obj  # type: ignore[assignment]
        src, dst = ctx.endpoint(flow.source), ctx.endpoint(flow.target)
        if src is None or dst is None:
            return None
        business = set(params.business_kinds)
        if not (src.roles & business and dst.roles & business):
            return None
        if str(flow.origin) == "observed" and ctx.declared_between(flow):
            return None  # the wire shows a declared integration, which carries the verdict
        if flow.pattern is not None:
            # A declared pattern decides: point-to-point through a relay is still point-to-point.
            if str(flow.pattern) in params.approved_patterns:
                return None
        elif flow.protocol in params.approved_protocols:
            return None
        else:
            hubs = set(params.hub_kinds)
            via = ctx.endpoint(flow.via)
            if via is not None and via.roles & hubs:
                return None
        pattern = str(flow.pattern) if flow.pattern is not None else "undeclared pattern"
        return Violation(
            f"point-to-point integration {flow.key} between business systems {flow.source} and {flow.target} "
            f"({protocol_label(flow)}, {pattern})",
            flow_evidence(flow, ctx, pattern=str(flow.pattern) if flow.pattern else None),
        )
