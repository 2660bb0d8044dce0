"""The rule-type interface plugins implement, and the registry that collects them through pluggy."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from plantarch.model import ModelObject
from plantarch.plugins import plugin_manager
from plantarch.standards.context import PlantContext
from plantarch.standards.findings import Violation


class NoParams(BaseModel):
    """Parameters of a rule type that takes none."""

    model_config = ConfigDict(extra="forbid")


class RuleType:
    """A kind of check: which object kinds it applies to, its parameters, and the check itself.

    Subclasses set the class attributes and implement `check`; they are registered by returning an
    instance from the `rule_types` hook, exactly as a third-party plugin would.
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    kinds: ClassVar[frozenset[str]] = frozenset()
    """Object kinds a rule of this type may be scoped to."""
    reads: ClassVar[frozenset[str]] = frozenset()
    """Other kinds whose change can alter a verdict (decides what an incremental re-check evaluates)."""
    Params: ClassVar[type[BaseModel]] = NoParams
    fix: ClassVar[str] = ""

    def parse_params(self, raw: dict[str, Any], kinds: frozenset[str]) -> BaseModel:
        """Validate a rule's `params` (raise ValueError or pydantic's ValidationError when wrong)."""
        return self.Params.model_validate(raw)

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """The violation `obj` commits, or None when it complies."""
        raise NotImplementedError


def available_rule_types() -> dict[str, RuleType]:
    """Every rule type registered by built-in and installed plugins, by name."""
    found: dict[str, RuleType] = {}
    for provided in plugin_manager().hook.rule_types():
        for name, rule_type in provided.items():
            found[name] = rule_type
    return found
