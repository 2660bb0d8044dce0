"""Roadmap settings: the documented assumptions behind every cost, saving and phase of the plan.

A settings file is YAML with any subset of the fields below; the rest keep their defaults. Unknown
keys are refused so a typo cannot silently fall back to a default. `docs/roadmap.md` lists them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from plantarch.errors import InputError


class TechnicalWeights(BaseModel):
    """Weights of the technical-fit components (normalised to sum 1)."""

    model_config = ConfigDict(extra="forbid")

    lifecycle: float = Field(default=0.4, ge=0, description="Support status of the product version.")
    findings: float = Field(default=0.2, ge=0, description="Analysis findings naming the system.")
    integration: float = Field(default=0.2, ge=0, description="Share of its interfaces through a hub.")
    resilience: float = Field(default=0.2, ge=0, description="Whether it is a single point of failure.")


class FunctionalWeights(BaseModel):
    """Weights of the functional-fit components (normalised to sum 1)."""

    model_config = ConfigDict(extra="forbid")

    coverage: float = Field(default=0.6, ge=0, description="Share of its group's capabilities it covers.")
    users: float = Field(default=0.4, ge=0, description="Users relative to comparable systems.")


class RoadmapSettings(BaseModel):
    """Assumptions of the roadmap: money, labour, time and the TIME scoring."""

    model_config = ConfigDict(extra="forbid")

    currency: str = Field(default="EUR", description="Currency of every amount (the model's costs).")
    discount_rate: float = Field(default=0.08, ge=0, le=1, description="Annual rate for NPV.")
    horizon_years: int = Field(default=5, ge=1, le=30, description="Years the savings curve and NPV cover.")
    phase_months: int = Field(default=6, ge=1, le=36, description="Length of one phase.")
    migration_cost_per_interface: float = Field(
        default=12000.0, ge=0, description="One-off cost to move one interface to the consolidation target."
    )
    labour_rate_per_day: float = Field(default=800.0, ge=0, description="Cost of one engineer-day.")
    decommission_days: float = Field(default=10.0, ge=0, description="Engineer-days to retire one system.")
    upgrade_days: float = Field(
        default=30.0, ge=0, description="Engineer-days to upgrade an out-of-support system."
    )
    upgrade_licence_factor: float = Field(
        default=1.0,
        ge=0,
        description="New-version purchase, as a multiple of the annual licence + maintenance.",
    )
    max_actions_per_phase: int = Field(default=6, ge=1, description="Changes one site can absorb per phase.")
    max_high_risk_per_phase: int = Field(
        default=1, ge=1, description="High-risk changes at low Purdue levels per site and phase."
    )
    high_risk_threshold: float = Field(default=0.4, ge=0, le=1, description="Risk at or above this is high.")
    low_level_max: float = Field(default=2.0, description="Purdue levels at or below this count as low.")
    fit_threshold: float = Field(default=0.5, ge=0, le=1, description="Fit at or above this is high (TIME).")
    unsupported_technical_cap: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="Technical fit of a system whose support has ended is at most this.",
    )
    technical_weights: TechnicalWeights = Field(default_factory=TechnicalWeights)
    functional_weights: FunctionalWeights = Field(default_factory=FunctionalWeights)

    @model_validator(mode="after")
    def _weights_not_zero(self) -> RoadmapSettings:
        if sum(self.technical_weights.model_dump().values()) <= 0:
            raise ValueError("technical_weights must not all be 0")
        if sum(self.functional_weights.model_dump().values()) <= 0:
            raise ValueError("functional_weights must not all be 0")
        return self


def _line_of(document: Any, location: tuple[Any, ...]) -> int | None:
    """The 1-based line of a (possibly nested) key in a ruamel document, if known."""
    node = document
    line: int | None = None
    for part in location:
        lc = getattr(node, "lc", None)
        if lc is None or not isinstance(node, dict) or part not in node:
            break
        line = lc.key(part)[0] + 1
        node = node[part]
    return line


def load_settings(path: Path | None = None) -> RoadmapSettings:
    """Read a settings YAML file (None gives the defaults); errors name the file, line and field."""
    if path is None:
        return RoadmapSettings()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read settings file: {exc.strerror}", file=str(path)) from exc
    try:
        document = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise InputError(
            f"not valid YAML: {exc.problem}", file=str(path), line=mark.line + 1 if mark else None
        ) from exc
    if document is None:
        return RoadmapSettings()
    if not isinstance(document, dict):
        raise InputError("expected a mapping of setting: value", file=str(path), line=1)
    try:
        return RoadmapSettings.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        location = tuple(error["loc"])
        raise InputError(
            error["msg"],
            file=str(path),
            line=_line_of(document, location),
            field=".".join(str(p) for p in location) or None,
        ) from exc
