"""A fast reader for the canonical YAML that `plantarch export model` writes.

Large models are exported by plantarch and re-imported unchanged most of the time; a general YAML
library spends most of its time resolving scalar types. This reader accepts only the block style the
exporter emits (mappings with plain keys, "- " sequences, JSON-quoted strings, plain words, decimal
numbers, true/false/null, [] and {}) and returns None for anything else, in which case the caller
uses the full YAML library, which also produces the error messages. Where this reader returns a
value, it is the value the YAML library would return (a property test checks it).
"""

from __future__ import annotations

import json
import re
from typing import Any

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?")
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ ./@+()-]*")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
_RESERVED = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})
_UNSAFE_IN_QUOTES = re.compile("[\x7f-\x9f\ufffe\uffff]|\\\\u[dD][89abAB]")
_SCALARS: dict[str, Any] = {"true": True, "false": False, "null": None}


class _NotCanonical(Exception):
    """The text uses YAML beyond the canonical subset; the full YAML library must read it."""


def parse_canonical(text: str) -> Any:
    """The value of canonical YAML text, or None when the text is not canonical (or is empty)."""
    if "\t" in text or "\r" in text:
        return None
    if text.strip() == "{}":
        return {}
    lines: list[tuple[int, str]] = []
    for raw in text.split("\n"):
        content = raw.strip()
        if not content or content.startswith("#"):
            continue
        lines.append((len(raw) - len(raw.lstrip(" ")), content))
    if not lines or lines[0][0] != 0:
        return None
    reader = _Reader(lines)
    try:
        value = reader.block(0)
    except _NotCanonical:
        return None
    return value if reader.pos == len(lines) else None


class _Reader:
    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.lines = lines
        self.pos = 0

    def block(self, indent: int) -> Any:
        if self.lines[self.pos][1].startswith("- "):
            return self.sequence(indent)
        return self.mapping(indent)

    def mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        lines = self.lines
        while self.pos < len(lines):
            line_indent, content = lines[self.pos]
            if line_indent != indent or content.startswith("- "):
                if line_indent > indent:
                    raise _NotCanonical
                break
            match = _KEY.fullmatch(content)
            if match is None:
                raise _NotCanonical
            name, value = match.group(1), match.group(2)
            if name in result:
                raise _NotCanonical  # duplicate keys: let the YAML library report them
            self.pos += 1
            if value is not None:
                result[name] = scalar(value)
            elif self.pos < len(lines) and lines[self.pos][0] > indent:
                result[name] = self.block(lines[self.pos][0])
            elif (
                self.pos < len(lines) and lines[self.pos][0] == indent and lines[self.pos][1].startswith("- ")
            ):
                result[name] = self.sequence(indent)
            else:
                result[name] = None
        return result

    def sequence(self, indent: int) -> list[Any]:
        result: list[Any] = []
        lines = self.lines
        while self.pos < len(lines):
            line_indent, content = lines[self.pos]
            if line_indent != indent or not content.startswith("- "):
                if line_indent > indent:
                    raise _NotCanonical
                break
            rest = content[2:].lstrip(" ")
            if rest != content[2:]:
                raise _NotCanonical
            if _KEY.fullmatch(rest):
                lines[self.pos] = (indent + 2, rest)
                result.append(self.mapping(indent + 2))
            else:
                result.append(scalar(rest))
                self.pos += 1
        return result


def _item(content: str) -> bool:
    return content.startswith("- ")


def scalar(text: str) -> Any:
    """One canonical scalar (raises _NotCanonical for anything else)."""
    if text.startswith('"'):
        if not text.endswith('"') or len(text) < 2 or _UNSAFE_IN_QUOTES.search(text):
            raise _NotCanonical
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise _NotCanonical from exc
        if not isinstance(value, str):
            raise _NotCanonical
        return value
    if text in _SCALARS:
        return _SCALARS[text]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if text in ("[]", "{}"):
        return [] if text == "[]" else {}
    if text.startswith("["):
        return _flow_list(text)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _RESERVED:
        return text
    raise _NotCanonical


def _flow_list(text: str) -> list[Any]:
    # Nested lists are written as compact JSON; accept exactly that and only simple items.
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise _NotCanonical from exc
    if not isinstance(value, list) or json.dumps(value, ensure_ascii=False) != text:
        raise _NotCanonical
    if not all(isinstance(item, str | int | bool) or item is None for item in _flatten(value)):
        raise _NotCanonical
    if _UNSAFE_IN_QUOTES.search(text):
        raise _NotCanonical
    return value


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _flatten(item)]
    if isinstance(value, dict):
        raise _NotCanonical
    return [value]
