"""The field reference of the YAML model format, generated from the pydantic model (docs/model.md)."""

from __future__ import annotations

import datetime
import enum
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from plantarch.model import OBJECT_TYPES, PLURALS
from plantarch.model.vocabulary import (
    CapabilityCategory,
    Criticality,
    Direction,
    FlowOrigin,
    IntegrationPattern,
    LocationKind,
    SystemKind,
)

VOCABULARIES: tuple[type[enum.Enum], ...] = (
    SystemKind,
    LocationKind,
    CapabilityCategory,
    Criticality,
    IntegrationPattern,
    Direction,
    FlowOrigin,
)
_SIMPLE = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "true/false",
    datetime.date: "date",
    datetime.datetime: "date-time",
}


class _Reference:
    def __init__(self) -> None:
        self.nested: list[type[BaseModel]] = []

    def type_name(self, annotation: Any) -> str:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            base, *metadata = typing.get_args(annotation)
            text = " ".join(repr(m) for m in metadata)
            if "pattern" in text:
                return "key"
            if "_check_purdue" in text:
                return "Purdue level"
            return self.type_name(base)
        if origin in (typing.Union, types.UnionType):
            return " or ".join(self.type_name(a) for a in typing.get_args(annotation) if a is not type(None))
        if origin is list:
            return f"list of {self.type_name(typing.get_args(annotation)[0])}"
        if origin is dict:
            key, value = typing.get_args(annotation)
            return f"mapping of {self.type_name(key)} to {self.type_name(value)}"
        if origin is typing.Literal:
            return "one of " + ", ".join(f"`{a}`" for a in typing.get_args(annotation))
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            return annotation.__name__
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in self.nested and annotation not in OBJECT_TYPES.values():
                self.nested.append(annotation)
            return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
        return _SIMPLE.get(annotation, getattr(annotation, "__name__", str(annotation)))

    def table(self, model: type[BaseModel]) -> list[str]:
        rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
        for name, info in model.model_fields.items():
            kind = "key" if name == "key" else self.type_name(info.annotation)
            meaning = (info.description or "").replace("|", "/")
            rows.append(f"| `{name}` | {kind} | {_default(info)} | {meaning} |")
        return [*rows, ""]


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory in (list, dict):
        return "empty"
    if info.default_factory is not None:
        return "all defaults"
    if info.default is None:
        return "none"
    if info.default == "":
        return "empty"
    if isinstance(info.default, enum.Enum):
        return f"`{info.default.value}`"
    if isinstance(info.default, bool):
        return f"`{str(info.default).lower()}`"
    return f"`{info.default}`"


def model_reference_markdown() -> str:
    """Markdown tables of every object kind's fields, the nested types, and the vocabularies."""
    reference = _Reference()
    lines: list[str] = []
    for kind, object_type in OBJECT_TYPES.items():
        doc = object_type.__doc__ or ""
        lines += [f"### {kind} (`{PLURALS[kind]}:`)", "", doc, "", *reference.table(object_type)]
    position = 0
    while position < len(reference.nested):
        model = reference.nested[position]
        lines += [f"### {model.__name__}", "", model.__doc__ or "", "", *reference.table(model)]
        position += 1
    lines += ["### Vocabularies", "", "| name | values |", "|---|---|"]
    for vocabulary in VOCABULARIES:
        values = ", ".join(f"`{member.value}`" for member in vocabulary)
        lines.append(f"| {vocabulary.__name__} | {values} |")
    return "\n".join(lines) + "\n"
