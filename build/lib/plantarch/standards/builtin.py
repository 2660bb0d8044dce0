"""The built-in rule types, registered through the `rule_types` hook like any third-party plugin."""

from __future__ import annotations

from plantarch.hookspecs import hookimpl
from plantarch.standards.rules.conduits import (
    CleartextProtocol,
    ConduitAllowList,
    ConduitDefaultDeny,
    DualHomed,
    SecurityLevelAchieved,
    SecurityLevelTarget,
)
from plantarch.standards.rules.expression import Expression
from plantarch.standards.rules.integration import ApprovedIntegration
from plantarch.standards.rules.levels import DmzTermination, LevelSeparation, UntrustedAccess
from plantarch.standards.rules.portfolio import DuplicateCapability, EndOfSupport, RequiredFields
from plantarch.standards.ruletype import RuleType

BUILTIN_RULE_TYPES: tuple[type[RuleType], ...] = (
    LevelSeparation,
    DmzTermination,
    UntrustedAccess,
    CleartextProtocol,
    ConduitAllowList,
    ConduitDefaultDeny,
    DualHomed,
    SecurityLevelTarget,
    SecurityLevelAchieved,
    RequiredFields,
    EndOfSupport,
    DuplicateCapability,
    ApprovedIntegration,
    Expression,
)


@hookimpl
def rule_types() -> dict[str, RuleType]:
    """The rule types plantarch ships with."""
    return {cls.name: cls() for cls in BUILTIN_RULE_TYPES}
