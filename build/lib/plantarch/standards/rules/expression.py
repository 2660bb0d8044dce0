"""Custom rules: a CEL expression over an object and its neighbours that must hold."""

from __future__ import annotations

from typing import Any

import celpy
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from plantarch.model import ModelObject
from plantarch.standards.cel import VARIABLES, CelProgram, activation
from plantarch.standards.context import PlantContext
from plantarch.standards.findings import Violation
from plantarch.standards.ruletype import RuleType


class ExpressionParams(BaseModel):
    """A CEL condition every scoped object must satisfy, and the message when it does not."""

    model_config = ConfigDict(extra="forbid")

    expression: str = Field(min_length=1)
    message: str | None = Field(default=None, description="Message template; {key} and {kind} are filled in.")
    _program: CelProgram | None = PrivateAttr(default=None)


class Expression(RuleType):
    """A rule written as a CEL expression (true means compliant), like a Kubernetes admission policy."""

    name = "expression"
    summary = "A custom condition in the Common Expression Language over the object and its neighbours."
    kinds = frozenset(VARIABLES)
    reads = frozenset({"system", "asset", "zone", "conduit", "flow"})
    Params = ExpressionParams
    fix = "Change the object so that the rule's condition holds."

    def parse_params(self, raw: dict[str, Any], kinds: frozenset[str]) -> BaseModel:
        """Validate and compile the expression, checking every variable and function name."""
        params = ExpressionParams.model_validate(raw)
        params._program = CelProgram(params.expression, kinds)
        return params

    def check(self, kind: str, obj: ModelObject, params: Any, ctx: PlantContext) -> Violation | None:
        """Flag the object when the expression evaluates to false."""
        program: CelProgram = params._program
        try:
            result = program.evaluate(activation(kind, obj, ctx))
        except ValueError as exc:
            return Violation(f"{kind} {obj.key}: {exc}", {"expression": params.expression})
        if not isinstance(result, celpy.celtypes.BoolType):
            return Violation(
                f"{kind} {obj.key}: the expression gave {result!r}, not true or false",
                {"expression": params.expression},
            )
        if bool(result):
            return None
        template = params.message or "{kind} {key} does not satisfy: " + params.expression
        message = template.replace("{kind}", kind).replace("{key}", obj.key)
        return Violation(message, {"expression": params.expression})
