"""Flat text fields of model objects: the shape ArchiMate properties, CSV cells and GraphML data share."""

from __future__ import annotations

import json
import re
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from plantarch.errors import InputError
from plantarch.model import OBJECT_TYPES, ModelObject

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text XML 1.0 can carry: characters it forbids (most C0 controls) become U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", value)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _decode(annotation: Any, text: str, where: str, name: str) -> Any:
    if not _is_list(annotation):
        return text
    try:
        return json.loads(text) if text.strip() else []
    except json.JSONDecodeError as exc:
        raise InputError(f"expected a JSON list, got {text[:60]!r}", file=where or None, field=name) from exc


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) is list:
        return True
    return any(get_origin(arg) is list for arg in get_args(annotation))


def _scalar(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten(obj: BaseModel, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every non-default field as text: nested models as 'costs.licence', lists as JSON arrays."""
    flat: dict[str, str] = {}
    for name, value in obj.model_dump(mode="json", exclude_defaults=True).items():
        if name in skip:
            continue
        if isinstance(value, dict):
            for sub, subvalue in value.items():
                if subvalue is not None:
                    flat[f"{name}.{sub}"] = _scalar(subvalue)
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        elif value is not None:
            flat[name] = _scalar(value)
    return flat


def unflatten(kind: str, fields: dict[str, str], *, where: str = "") -> ModelObject:
    """Rebuild a model object of `kind` from flat text fields (the inverse of `flatten`)."""
    model_type = OBJECT_TYPES[kind]
    data: dict[str, Any] = {}
    for name, text in fields.items():
        top, _, sub = name.partition(".")
        info = model_type.model_fields.get(top)
        if info is None:
            raise InputError(f"{kind} has no field '{top}'", file=where or None, field=name)
        nested = _nested_model(info.annotation)
        if sub and nested is not None and sub in nested.model_fields:
            data.setdefault(top, {})[sub] = _decode(nested.model_fields[sub].annotation, text, where, name)
        elif sub:
            raise InputError(f"{kind} has no field '{name}'", file=where or None, field=name)
        else:
            data[top] = _decode(info.annotation, text, where, name)
    try:
        return model_type.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{kind}: {first['msg']}", file=where or None, field=field) from exc
