"""A small deterministic YAML emitter for model documents: block style, stable quoting, fast.

The documents are plain JSON values (dict, list, str, int, float, bool, None). Strings that could be
read back as anything but the same string are written JSON-quoted, which is valid YAML.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ ./@+()-]*")
_NOT_PRINTABLE = re.compile("[\x7f-\x9f\ufffe\uffff]")
_RESERVED = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})


def scalar(value: Any) -> str:
    """One scalar as YAML text that reads back as the same value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _RESERVED:
        return text
    return _json(text)


def _json(value: Any) -> str:
    # JSON escapes C0 controls; YAML also refuses DEL, C1 controls and U+FFFE/U+FFFF raw
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # Purdue level 2, cost 1200: read back as numbers all the same
    text = repr(value)
    if "." not in text:
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}.0" + (f"e{exponent}" if exponent else "")
    return text


def _mapping(mapping: Mapping[str, Any], indent: str, out: list[str], lead: str | None = None) -> None:
    for position, (name, value) in enumerate(mapping.items()):
        prefix = lead if position == 0 and lead is not None else indent
        label = scalar(name)
        if isinstance(value, Mapping) and value:
            out.append(f"{prefix}{label}:")
            _mapping(value, indent + "  ", out)
        elif isinstance(value, list) and value:
            out.append(f"{prefix}{label}:")
            _sequence(value, indent, out)
        else:
            out.append(f"{prefix}{label}: {_leaf(value)}")


def _sequence(items: Sequence[Any], indent: str, out: list[str]) -> None:
    for item in items:
        if isinstance(item, Mapping) and item:
            _mapping(item, indent + "  ", out, lead=indent + "- ")
        else:
            out.append(f"{indent}- {_leaf(item)}")


def _leaf(value: Any) -> str:
    if isinstance(value, Mapping | list):
        # empty containers, or lists nested in lists: JSON flow style is valid YAML
        return _json(value)
    return scalar(value)


def dump_sections(sections: Iterable[tuple[str, Sequence[Mapping[str, Any]]]]) -> str:
    """A YAML file with one top-level key per section, each a block list of documents."""
    out: list[str] = []
    for name, docs in sections:
        if not docs:
            continue
        out.append(f"{name}:")
        _sequence(docs, "", out)
    return "\n".join(out) + "\n" if out else "{}\n"


def dump_mapping(document: Mapping[str, Any]) -> str:
    """One document as a YAML block mapping."""
    out: list[str] = []
    _mapping(document, "", out)
    return "\n".join(out) + "\n"


def dump_item(document: Mapping[str, Any]) -> str:
    """One document as an item of a block list ("- key: ...")."""
    out: list[str] = []
    _sequence([document], "", out)
    return "\n".join(out) + "\n"
