"""Custom rule expressions in the Common Expression Language (CEL), via the celpy package."""

from __future__ import annotations

import logging
from typing import Any

import celpy
import lark
from celpy import celtypes
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError, base_functions

from plantarch.model import ModelObject
from plantarch.standards.context import PlantContext

logging.getLogger("celpy").setLevel(logging.CRITICAL)

MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
FUNCTIONS = frozenset({*(n for n in base_functions if n[0].isalpha()), "has", "dyn"})

VARIABLES: dict[str, tuple[str, ...]] = {
    "flow": (
        "flow",
        "source",
        "target",
        "source_kind",
        "target_kind",
        "source_zone",
        "target_zone",
        "source_level",
        "target_level",
        "conduits",
        "via",
    ),
    "system": ("system", "zone", "level", "assets", "flows"),
    "asset": ("asset", "zone", "zones", "level", "systems", "flows"),
    "zone": ("zone", "conduits", "members"),
    "conduit": ("conduit", "zones"),
    "location": ("location",),
    "capability": ("capability",),
}
"""Variables a CEL expression sees, by the kind of object it checks (plus `object`, `kind`, `today`)."""

COMMON_VARIABLES = ("object", "kind", "today")

_ENV = celpy.Environment(runner_class=celpy.CompiledRunner)


class CelProgram:
    """A compiled CEL expression that checked its variable and function names at load time."""

    def __init__(self, text: str, kinds: frozenset[str]) -> None:
        self.text = text
        try:
            tree = _ENV.compile(text)
        except CELParseError as exc:
            raise ValueError(f"CEL syntax error: {' '.join(str(exc).split())}") from None
        allowed = set(COMMON_VARIABLES)
        for kind in kinds:
            allowed.update(VARIABLES.get(kind, ()))
        _check_names(tree, allowed)
        self._runner = _ENV.program(tree)

    def evaluate(self, activation: dict[str, Any]) -> Any:
        """The expression's value for these variables (raise ValueError when evaluation fails)."""
        try:
            result = self._runner.evaluate(activation)
        except CELEvalError as exc:
            raise ValueError(f"CEL evaluation failed: {exc.args[0] if exc.args else exc}") from None
        if isinstance(result, CELEvalError):
            raise ValueError(f"CEL evaluation failed: {result.args[0] if result.args else result}")
        return result


def _check_names(tree: lark.Tree[Any], allowed: set[str]) -> None:
    bound: set[str] = set()
    for node in tree.iter_subtrees():
        if node.data == "member_dot_arg" and str(node.children[1]) in MACROS:
            args = node.children[2]
            if isinstance(args, lark.Tree) and args.children:
                first = args.children[0]
                if isinstance(first, lark.Tree):
                    bound.update(str(n.children[0]) for n in first.iter_subtrees() if n.data == "ident")
    for node in tree.iter_subtrees():
        if node.data == "ident":
            name = str(node.children[0])
            if name not in allowed and name not in bound:
                raise ValueError(f"unknown variable '{name}' (available: {', '.join(sorted(allowed))})")
        elif node.data == "ident_arg":
            name = str(node.children[0])
            if name not in FUNCTIONS:
                raise ValueError(f"unknown function '{name}'")


class _Double(celtypes.DoubleType):
    """A CEL double that compares unequal to null instead of failing (CEL heterogeneous equality)."""

    def __eq__(self, other: Any) -> bool:
        return False if other is None else bool(super().__eq__(other))

    def __ne__(self, other: Any) -> bool:
        return True if other is None else bool(super().__ne__(other))

    __hash__ = celtypes.DoubleType.__hash__


class _Int(celtypes.IntType):
    """A CEL int that compares unequal to null instead of failing (CEL heterogeneous equality)."""

    def __eq__(self, other: Any) -> bool:
        return False if other is None else bool(super().__eq__(other))

    def __ne__(self, other: Any) -> bool:
        return True if other is None else bool(super().__ne__(other))

    __hash__ = celtypes.IntType.__hash__


def to_cel(value: Any) -> Any:
    """A JSON-like Python value as CEL values (null-safe numbers)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return _Int(value)
    if isinstance(value, float):
        return _Double(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, list):
        return celtypes.ListType([to_cel(v) for v in value])
    if isinstance(value, dict):
        return celtypes.MapType({celtypes.StringType(k): to_cel(v) for k, v in value.items()})
    return celtypes.StringType(str(value))


def _dump(obj: ModelObject | None) -> Any:
    return obj.model_dump(mode="json") if obj is not None else None


def activation(kind: str, obj: ModelObject, ctx: PlantContext) -> dict[str, Any]:
    """The CEL variables for one object: the object itself and its neighbours."""
    values: dict[str, Any] = {
        "object": _dump(obj),
        "kind": kind,
        "today": ctx.today.isoformat(),
        kind: _dump(obj),
    }
    if kind == "flow":
        flow: Any = obj
        src, dst = ctx.endpoint(flow.source), ctx.endpoint(flow.target)
        values.update(
            source=_dump(ctx.get(src.kind, src.key)) if src else None,
            target=_dump(ctx.get(dst.kind, dst.key)) if dst else None,
            source_kind=src.kind if src else None,
            target_kind=dst.kind if dst else None,
            source_zone=_dump(ctx.zone(src.zone if src else None)),
            target_zone=_dump(ctx.zone(dst.zone if dst else None)),
            source_level=src.level if src else None,
            target_level=dst.level if dst else None,
            conduits=[
                _dump(c)
                for c in (
                    ctx.conduits_between(src.zone, dst.zone) if src and dst and src.zone and dst.zone else []
                )
            ],
            via=_dump(ctx.get(ctx.endpoints[flow.via].kind, flow.via)) if flow.via in ctx.endpoints else None,
        )
    elif kind in ("system", "asset"):
        ep = ctx.endpoint(obj.key)
        values.update(
            zone=_dump(ctx.zone(ep.zone if ep else None)),
            level=ep.level if ep else None,
            flows=[_dump(f) for f in ctx.flows_of(obj.key)],
        )
        if kind == "system":
            values["assets"] = [
                _dump(ctx.assets.get(a)) for a in sorted(ctx.assets_of_system.get(obj.key, ()))
            ]
        else:
            values["zones"] = [_dump(ctx.zone(z)) for z in sorted(ep.zones)] if ep else []
            values["systems"] = [_dump(ctx.systems.get(s)) for s in getattr(obj, "systems", [])]
    elif kind == "zone":
        values["conduits"] = [_dump(ctx.conduits[c]) for c in sorted(ctx.conduits_by_zone.get(obj.key, ()))]
        values["members"] = sorted(ctx.members_of_zone.get(obj.key, ()))
    elif kind == "conduit":
        values["zones"] = [_dump(ctx.zone(z)) for z in getattr(obj, "zones", [])]
    return {name: to_cel(value) for name, value in values.items()}
