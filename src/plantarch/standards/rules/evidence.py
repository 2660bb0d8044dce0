"""Evidence shared by rule types: what a flow is, where it goes, and where it was seen."""

from __future__ import annotations

from typing import Any

from plantarch.model import Flow, format_level
from plantarch.standards.context import PlantContext
from plantarch.standards.zoning import Endpoint


def seen(flow: Flow) -> list[dict[str, Any]]:
    """Where an observed flow was seen: source, file or endpoint, and when (its provenance)."""
    return [p.model_dump(mode="json", exclude_defaults=True) for p in flow.provenance]


def describe(ep: Endpoint | None, key: str) -> str:
    """An endpoint as people read it: key (zone, level)."""
    if ep is None:
        return f"{key} (unknown)"
    return f"{key} (zone {ep.zone or '?'}, level {format_level(ep.level)})"


def flow_evidence(flow: Flow, ctx: PlantContext, **extra: Any) -> dict[str, Any]:
    """The facts about a flow a reviewer needs: ends, zones, levels, protocol and provenance."""
    src, dst = ctx.endpoint(flow.source), ctx.endpoint(flow.target)
    evidence: dict[str, Any] = {
        "flow": flow.key,
        "origin": str(flow.origin),
        "source": flow.source,
        "target": flow.target,
        "source_zone": src.zone if src else None,
        "target_zone": dst.zone if dst else None,
        "source_level": src.level if src else None,
        "target_level": dst.level if dst else None,
        "protocol": flow.protocol,
        "port": flow.port,
    }
    if flow.via is not None:
        evidence["via"] = flow.via
    if flow.first_seen is not None:
        evidence["first_seen"] = flow.first_seen.isoformat()
    if flow.last_seen is not None:
        evidence["last_seen"] = flow.last_seen.isoformat()
    if flow.packets is not None:
        evidence["packets"] = flow.packets
    if flow.provenance:
        evidence["seen"] = seen(flow)
    evidence.update(extra)
    return evidence


def protocol_label(flow: Flow) -> str:
    """protocol/port as people write it, e.g. modbus/502."""
    proto = flow.protocol or "unknown protocol"
    return f"{proto}/{flow.port}" if flow.port is not None else proto
