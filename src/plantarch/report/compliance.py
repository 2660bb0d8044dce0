"""How worrying a flow or a conduit looks: from the standards findings, or from the model alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from plantarch.model import CLEARTEXT_INDUSTRIAL_PROTOCOLS, Conduit, Flow

Status = Literal["ok", "warning", "violation", "unknown"]
STATUS_COLOURS: dict[str, str] = {
    "ok": "#2e7d32",
    "warning": "#ef6c00",
    "violation": "#c62828",
    "unknown": "#757575",
}
FLOW_COLOURS: dict[str, str] = {**STATUS_COLOURS, "ok": "#9e9e9e"}
"""Flows that raise no concern stay grey so the worrying ones stand out."""


class FindingLike(Protocol):
    """What a diagram needs of a standards finding: which object, how bad, whether still open."""

    kind: str
    key: str
    severity: str
    status: str


def flow_status(model_levels: dict[str, float | None], zones: dict[str, str | None], flow: Flow) -> Status:
    """How worrying a flow looks without the standards checker: bypasses the DMZ, cleartext across zones."""
    src, dst = model_levels.get(flow.source), model_levels.get(flow.target)
    if src is not None and dst is not None and max(src, dst) >= 4 and min(src, dst) <= 2:
        return "violation"
    crosses = zones.get(flow.source) != zones.get(flow.target)
    if crosses and (flow.protocol or "") in CLEARTEXT_INDUSTRIAL_PROTOCOLS:
        return "warning"
    return "ok"


def conduit_status(conduit: Conduit, findings: Sequence[FindingLike] | None) -> Status:
    """A conduit's compliance: from the standards findings when given, else from its own attributes."""
    if findings is not None:
        open_ = [f for f in findings if f.status == "open" and concerns(f, conduit.key)]
        if any(str(f.severity) in ("high", "critical") for f in open_):
            return "violation"
        return "warning" if open_ else "ok"
    target, achieved = conduit.security_level_target, conduit.security_level_achieved
    if not conduit.default_deny or (target is not None and achieved is not None and achieved < target):
        return "violation"
    if not conduit.allowed or target is None:
        return "warning"
    return "ok"


def concerns(finding: FindingLike, conduit_key: str) -> bool:
    """Whether a finding is about this conduit (directly, or a flow its evidence puts through it)."""
    if finding.kind == "conduit" and finding.key == conduit_key:
        return True
    evidence = getattr(finding, "evidence", None) or {}
    return bool(evidence.get("conduit") == conduit_key or conduit_key in (evidence.get("conduits") or ()))


def flagged_objects(findings: Sequence[FindingLike] | None) -> dict[str, Status]:
    """Keys of objects with open findings: violation when one is high or critical, else warning."""
    flagged: dict[str, Status] = {}
    for f in findings or ():
        if f.status == "open":
            bad = str(f.severity) in ("high", "critical")
            flagged[f.key] = "violation" if bad or flagged.get(f.key) == "violation" else "warning"
    return flagged
