"""The automated review: the model as it would be, its standards findings, the impact, and a verdict."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plantarch.governance.proposal import Proposal
from plantarch.model import PLURALS, Asset, Location, PlantModel, System


class Verdict(StrEnum):
    """What the automated review suggests to the board."""

    APPROVE = "approve"
    APPROVE_WITH_CONDITIONS = "approve-with-conditions"
    REJECT = "reject"


class CrossZoneFlow(BaseModel):
    """A proposed flow whose ends sit in different zones, and the conduit that would carry it."""

    flow: str
    source_zone: str
    target_zone: str
    protocol: str | None = None
    conduit: str | None = Field(default=None, description="Conduit between the two zones, if any.")


class CapabilityOverlap(BaseModel):
    """A proposed system serving a capability another system already serves at the same scope."""

    system: str
    capability: str
    existing: list[str]
    justified: bool = Field(description="Whether the proposed system records a justification.")


class Finding(BaseModel):
    """A standards finding new in the model as it would be (rule, object, severity, message)."""

    rule: str
    object: str
    severity: str
    message: str


class Impact(BaseModel):
    """What the proposal changes around it."""

    added: list[str] = Field(default_factory=list, description="kind:key of objects the proposal adds.")
    changed: list[str] = Field(default_factory=list, description="kind:key of objects it changes.")
    removed: list[str] = Field(default_factory=list, description="kind:key of objects it removes.")
    new_conduits: list[str] = Field(default_factory=list)
    cross_zone_flows: list[CrossZoneFlow] = Field(default_factory=list)
    capability_overlaps: list[CapabilityOverlap] = Field(default_factory=list)
    added_interfaces: list[str] = Field(default_factory=list, description="New flows touching systems.")
    point_to_point_added: int = 0
    annual_cost_delta: float = 0.0
    one_off_cost: float = 0.0
    systems_affected: list[str] = Field(default_factory=list)
    reference_errors: list[str] = Field(default_factory=list)


class ReviewReport(BaseModel):
    """The automated review of one proposal against one model revision."""

    model_config = ConfigDict(extra="forbid")

    model_revision: int
    reviewed_at: datetime
    risk: str
    impact: Impact
    standards_checked: bool = Field(default=True, description="Whether a standards check ran.")
    findings: list[Finding] = Field(default_factory=list)
    verdict: Verdict
    reasons: list[str] = Field(default_factory=list)


StandardsCheck = Callable[[PlantModel], list[Finding]]


def baseline_standards_check() -> StandardsCheck:
    """The standards library's check with the baseline pack: its open findings as review findings."""
    from plantarch.standards import check_model, load_packs

    packs = load_packs([], baseline=True)

    def run(model: PlantModel) -> list[Finding]:
        return [
            Finding(rule=f.rule, object=f.object_ref, severity=f.severity.value, message=f.message)
            for f in check_model(model, packs).findings
            if f.is_open
        ]

    return run


def model_as_it_would_be(current: PlantModel, proposal: Proposal) -> PlantModel:
    """The current model with the proposal's objects put and its removals deleted."""
    data: dict[str, list[Any]] = {}
    removed = {(r.kind, r.key) for r in proposal.remove}
    for kind, plural in PLURALS.items():
        merged = {o.key: o for o in getattr(current, plural) if (kind, o.key) not in removed}
        for obj in getattr(proposal, plural, []):
            merged[obj.key] = obj
        data[plural] = list(merged.values())
    return PlantModel(**data)


def _zone_of(key: str, systems: dict[str, System], assets: dict[str, Asset]) -> str | None:
    if key in systems:
        return systems[key].zone
    if key in assets:
        return assets[key].zone
    return None


def _ancestors(key: str | None, locations: dict[str, Location]) -> list[str]:
    chain: list[str] = []
    while key is not None and key not in chain:
        chain.append(key)
        parent = locations.get(key)
        key = parent.parent if parent else None
    return chain


def _same_scope(a: str | None, b: str | None, locations: dict[str, Location]) -> bool:
    return a == b or (
        a is not None and b is not None and (a in _ancestors(b, locations) or b in _ancestors(a, locations))
    )


def assess_impact(current: PlantModel, proposed: PlantModel, proposal: Proposal) -> Impact:
    """Added/changed/removed objects, conduits, cross-zone flows, overlaps, interfaces, cost, systems."""
    impact = Impact(one_off_cost=proposal.one_off_cost)
    for kind, obj in proposal.objects():
        before = current.index(kind).get(obj.key)
        if before is None:
            impact.added.append(f"{kind}:{obj.key}")
        elif before != obj:
            impact.changed.append(f"{kind}:{obj.key}")
    impact.removed = [f"{r.kind}:{r.key}" for r in proposal.remove if r.key in current.index(r.kind)]
    current_conduits = current.index("conduit")
    impact.new_conduits = [c.key for c in proposal.conduits if c.key not in current_conduits]

    systems = {s.key: s for s in proposed.systems}
    assets = {a.key: a for a in proposed.assets}
    locations = {loc.key: loc for loc in proposed.locations}
    conduits_by_pair = {frozenset(c.zones): c.key for c in proposed.conduits}
    current_flows = current.index("flow")
    affected: set[str] = set()
    for flow in proposal.flows:
        source_zone = _zone_of(flow.source, systems, assets)
        target_zone = _zone_of(flow.target, systems, assets)
        if source_zone and target_zone and source_zone != target_zone:
            impact.cross_zone_flows.append(
                CrossZoneFlow(
                    flow=flow.key,
                    source_zone=source_zone,
                    target_zone=target_zone,
                    protocol=flow.protocol,
                    conduit=conduits_by_pair.get(frozenset((source_zone, target_zone))),
                )
            )
        if flow.key not in current_flows:
            impact.added_interfaces.append(flow.key)
            if flow.pattern == "point-to-point":
                impact.point_to_point_added += 1
        affected.update(k for k in (flow.source, flow.target) if k in systems)

    current_systems = {s.key: s for s in current.systems}
    for system in proposal.systems:
        affected.add(system.key)
        for capability in system.capabilities:
            existing = sorted(
                other.key
                for other in proposed.systems
                if other.key != system.key
                and capability in other.capabilities
                and _same_scope(other.location, system.location, locations)
            )
            if existing:
                impact.capability_overlaps.append(
                    CapabilityOverlap(
                        system=system.key,
                        capability=capability,
                        existing=existing,
                        justified=bool(system.justification),
                    )
                )
        before = current_systems.get(system.key)
        impact.annual_cost_delta += system.costs.total - (before.costs.total if before else 0.0)
    for asset in proposal.assets:
        affected.update(s for s in asset.systems if s in systems)
    for removal in proposal.remove:
        if removal.kind == "system" and removal.key in current_systems:
            affected.add(removal.key)
            impact.annual_cost_delta -= current_systems[removal.key].costs.total
            affected.update(
                other
                for f in current.flows
                if removal.key in (f.source, f.target)
                for other in (f.source, f.target)
                if other in current_systems
            )
    impact.annual_cost_delta = round(impact.annual_cost_delta, 2)
    impact.systems_affected = sorted(affected)
    before_errors = {str(e) for e in current.reference_errors()}
    impact.reference_errors = sorted({str(e) for e in proposed.reference_errors()} - before_errors)
    return impact


def _suggest(impact: Impact, findings: list[Finding]) -> tuple[Verdict, list[str]]:
    blocking: list[str] = [f"broken reference: {e}" for e in impact.reference_errors]
    blocking += [
        f"{f.severity} finding {f.rule} on {f.object}: {f.message}"
        for f in findings
        if f.severity in ("high", "critical")
    ]
    if blocking:
        return Verdict.REJECT, blocking
    conditions: list[str] = [f"{f.severity} finding {f.rule} on {f.object}: {f.message}" for f in findings]
    conditions += [
        f"flow {c.flow} crosses {c.source_zone} -> {c.target_zone} with no conduit; add one"
        for c in impact.cross_zone_flows
        if c.conduit is None
    ]
    conditions += [
        f"{o.system} duplicates capability {o.capability} of {', '.join(o.existing)}; record a justification"
        for o in impact.capability_overlaps
        if not o.justified
    ]
    if impact.point_to_point_added:
        conditions.append(f"{impact.point_to_point_added} new point-to-point interface(s); prefer the broker")
    if conditions:
        return Verdict.APPROVE_WITH_CONDITIONS, conditions
    return Verdict.APPROVE, ["no new findings, broken references, uncovered cross-zone flows or overlaps"]


def review_proposal(
    current: PlantModel,
    proposal: Proposal,
    *,
    revision: int,
    standards: StandardsCheck | None = None,
) -> ReviewReport:
    """Review a proposal against the model at `revision`: findings it adds, impact, verdict suggestion."""
    proposed = model_as_it_would_be(current, proposal)
    impact = assess_impact(current, proposed, proposal)
    check = standards if standards is not None else baseline_standards_check()
    already = {(f.rule, f.object) for f in check(current)}
    findings = [f for f in check(proposed) if (f.rule, f.object) not in already]
    verdict, reasons = _suggest(impact, findings)
    return ReviewReport(
        model_revision=revision,
        reviewed_at=datetime.now(UTC),
        risk=proposal.risk_class.value,
        impact=impact,
        standards_checked=True,
        findings=findings,
        verdict=verdict,
        reasons=reasons,
    )
