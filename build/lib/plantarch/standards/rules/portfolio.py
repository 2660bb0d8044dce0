"""The system portfolio: owners and lifecycle recorded, no end-of-support software in the plant levels,
no duplicated capability without a justification."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plantarch.model import ModelObject, System, format_level
from plantarch.standards.context import PlantContext
from plantarch.standards.findings import Violation
from plantarch.standards.ruletype import RuleType


class RequiredFieldsParams(BaseModel):
    """Dotted field paths that must hold a value."""

    model_config = ConfigDict(extra="forbid")

    fields: list[str] = Field(
        default=["owner", "criticality", "lifecycle.installed", "lifecycle.end_of_support"], min_length=1
    )


def _value(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


class RequiredFields(RuleType):
    """Objects record the fields governance needs (owner, criticality, lifecycle dates, ...)."""

    name = "required-fields"
    summary = "Objects carry the listed fields (e.g. owner, criticality, lifecycle dates)."
    kinds = frozenset({"system", "asset", "zone", "conduit", "flow", "location", "capability"})
    Params = RequiredFieldsParams
    fix = "Record the missing fields in the model (inventory import, YAML or the web form)."

    def parse_params(self, raw: dict[str, Any], kinds: frozenset[str]) -> BaseModel:
        """Validate the field paths against the model of every scoped kind."""
        from plantarch.model import OBJECT_TYPES

        params = RequiredFieldsParams.model_validate(raw)
        for kind in kinds:
            model: Any = OBJECT_TYPES[kind]
            for path in params.fields:
                head, _, rest = path.partition(".")
                info = model.model_fields.get(head)
                if info is None:
                    raise ValueError(f"{kind} has no field '{head}' (in '{path}')")
                if rest:
                    sub = info.annotation
                    if not (isinstance(sub, type) and rest.split(".")[0] in getattr(sub, "model_fields", {})):
                        raise ValueError(f"{kind} field '{head}' has no '{rest}'")
        return params

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag an object missing any listed field."""
        missing = [p for p in params.fields if _value(obj, p) in (None, "", [])]
        if not missing:
            return None
        return Violation(f"{kind} {obj.key} has no {', '.join(missing)}", {"missing": missing})


class EndOfSupportParams(BaseModel):
    """Which levels may not run end-of-support software."""

    model_config = ConfigDict(extra="forbid")

    max_level: float = Field(default=3.0, description="Levels at or below this are checked.")
    include_unknown_level: bool = Field(
        default=False, description="Also flag systems whose level is unknown."
    )


class EndOfSupport(RuleType):
    """A system past its end of support in a plant (levels ≤ 3) zone."""

    name = "end-of-support"
    summary = "No end-of-support software in the plant levels (≤ 3)."
    kinds = frozenset({"system"})
    reads = frozenset({"zone", "asset"})
    Params = EndOfSupportParams
    fix = (
        "Upgrade or replace it; until then isolate it in its own zone and record a waiver with "
        "compensating controls."
    )

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag a system whose end-of-support date has passed, at a checked level."""
        system: System = obj  # type: ignore[assignment]
        eos = system.lifecycle.end_of_support
        if eos is None or eos > ctx.today:
            return None
        ep = ctx.endpoint(system.key)
        level = ep.level if ep else None
        if level is None and not params.include_unknown_level:
            return None
        if level is not None and level > params.max_level:
            return None
        product = " ".join(p for p in (system.vendor, system.product, system.version) if p) or system.kind
        return Violation(
            f"system {system.key} ({product}) at level {format_level(level)} "
            f"went out of support on {eos.isoformat()}",
            {"end_of_support": eos.isoformat(), "level": level, "product": product},
        )


class DuplicateCapability(RuleType):
    """A system serving a capability another system already serves at the same location."""

    name = "duplicate-capability"
    summary = "No system duplicates a capability served at the same location without a justification."
    kinds = frozenset({"system"})
    reads = frozenset({"system"})
    fix = "Consolidate onto the incumbent system, or record the justification on the system."

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag every system but the incumbent (the supported one installed first) in a capability ×
        location group."""
        system: System = obj  # type: ignore[assignment]
        if system.location is None or system.justification:
            return None
        duplicated: dict[str, list[str]] = {}
        for cap in system.capabilities:
            group = [
                ctx.systems[k]
                for k in ctx.systems_by_scope.get((system.location, cap), ())
                if k in ctx.systems
            ]
            if len(group) < 2:
                continue
            incumbent = min(group, key=lambda s: _incumbency(s, ctx.today))
            if incumbent.key != system.key:
                duplicated[cap] = sorted(s.key for s in group if s.key != system.key)
        if not duplicated:
            return None
        shown = "; ".join(f"{cap} (also {', '.join(others)})" for cap, others in sorted(duplicated.items()))
        return Violation(
            f"system {system.key} duplicates capabilities already served at {system.location}: {shown}",
            {"location": system.location, "duplicates": duplicated},
        )


def _incumbency(system: System, today: date) -> tuple[bool, date, str]:
    # The incumbent is the supported system in place first (no install date counts as "always
    # there"); one out of support or planned for retirement cannot be what the others duplicate.
    life = system.lifecycle
    leaving = (life.end_of_support is not None and life.end_of_support <= today) or (
        life.planned_retirement is not None
    )
    return (leaving, life.installed or date.min, system.key)
