"""Proposals: a new or changed system with its integrations, zone placement, costs and assets, as YAML."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from plantarch.errors import InputError
from plantarch.model import (
    OBJECT_TYPES,
    PLURALS,
    Asset,
    Capability,
    Conduit,
    Flow,
    Key,
    Location,
    ModelObject,
    System,
    Zone,
)


class RiskClass(StrEnum):
    """How much a proposal can hurt production or security; decides the approval quorum."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


_RISK_ORDER = [RiskClass.LOW, RiskClass.MEDIUM, RiskClass.HIGH, RiskClass.CRITICAL]

ProposalKind = Literal["location", "capability", "zone", "conduit", "system", "asset", "flow"]


class Removal(BaseModel):
    """An object the proposal retires from the model."""

    model_config = ConfigDict(extra="forbid")

    kind: ProposalKind
    key: Key


class Proposal(BaseModel):
    """What a proposal asks for: objects to add or change, objects to retire, why, and what it costs."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3, max_length=200, description="One line: what is proposed.")
    context: str = Field(default="", description="Why it is needed: the problem it solves.")
    risk: RiskClass | None = Field(
        default=None, description="Risk class; when omitted, the highest criticality of its systems."
    )
    one_off_cost: float = Field(default=0.0, ge=0, description="Project cost to introduce it (once).")
    locations: list[Location] = Field(default_factory=list)
    capabilities: list[Capability] = Field(default_factory=list)
    zones: list[Zone] = Field(default_factory=list)
    conduits: list[Conduit] = Field(default_factory=list)
    systems: list[System] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    remove: list[Removal] = Field(default_factory=list, description="Objects retired by the proposal.")

    @model_validator(mode="after")
    def _consistent(self) -> Proposal:
        if not any(self.objects()) and not self.remove:
            raise ValueError("a proposal must add, change or remove at least one object")
        seen: set[tuple[str, str]] = set()
        for kind, obj in self.objects():
            space = "endpoint" if kind in ("system", "asset") else kind
            if (space, obj.key) in seen:
                raise ValueError(f"{kind} '{obj.key}' appears twice in the proposal")
            seen.add((space, obj.key))
        for removal in self.remove:
            space = "endpoint" if removal.kind in ("system", "asset") else removal.kind
            if (space, removal.key) in seen:
                raise ValueError(f"{removal.kind} '{removal.key}' is both changed and removed")
        return self

    def objects(self) -> list[tuple[str, ModelObject]]:
        """Every object the proposal adds or changes, with its kind, in dependency order."""
        return [
            (kind, obj) for kind in OBJECT_TYPES if kind != "waiver" for obj in getattr(self, PLURALS[kind])
        ]

    @property
    def risk_class(self) -> RiskClass:
        """The declared risk class, else the highest criticality among its systems (medium if none)."""
        if self.risk is not None:
            return RiskClass(self.risk)
        levels = [RiskClass(str(s.criticality)) for s in self.systems if s.criticality is not None]
        if not levels:
            return RiskClass.MEDIUM
        return max(levels, key=_RISK_ORDER.index)


def _line_of(node: Any, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based YAML line of the deepest node along `loc` that ruamel kept a position for."""
    line: int | None = None
    for part in loc:
        try:
            lc = node.lc
            position = lc.key(part) if isinstance(part, str) else lc.item(part)
            line = int(position[0]) + 1
            node = node[part]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
    return line


def proposal_from_data(data: Any, *, source: str = "<proposal>") -> Proposal:
    """Validate parsed YAML/JSON as a proposal, raising InputError naming the first bad field and line."""
    try:
        return Proposal.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or None
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(f"{first['msg']}{more}", file=source, line=_line_of(data, loc), field=field) from exc


def load_proposal(path: Path) -> Proposal:
    """Read a proposal YAML file; InputError names file, line and field when it is not valid."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read proposal: {exc.strerror or exc}", file=str(path)) from exc
    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            file=str(path),
            line=mark.line + 1 if mark is not None else None,
        ) from exc
    if not isinstance(data, dict):
        raise InputError("a proposal is a YAML mapping with at least 'title'", file=str(path), line=1)
    return proposal_from_data(data, source=str(path))
