"""Overrides: a plant's pack adjusting rules another pack defines (a different severity, or off)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from plantarch.errors import InputError
from plantarch.standards.findings import Severity

if TYPE_CHECKING:
    from plantarch.standards.pack import Pack

OVERRIDE_KEYS = {"id", "severity", "enabled", "reason"}


@dataclass(frozen=True)
class Override:
    """A change one pack makes to a rule of an earlier pack, with the reason it records."""

    rule: str
    severity: Severity | None
    enabled: bool
    reason: str
    file: str
    line: int


def parse_overrides(node: Any, file: str, line: int | None) -> list[Override]:
    """The `overrides:` list of a pack: each entry names a rule id and a severity and/or `enabled`."""
    if not isinstance(node, CommentedSeq):
        raise InputError("'overrides' must be a list", file=file, line=line, field="overrides")
    found: list[Override] = []
    for index, entry in enumerate(node):
        at = node.lc.item(index)[0] + 1
        if not isinstance(entry, CommentedMap) or not entry.get("id"):
            raise InputError("each override is a mapping with the 'id' of a rule", file=file, line=at)
        unknown = sorted(str(k) for k in entry if k not in OVERRIDE_KEYS)
        if unknown:
            raise InputError(
                f"override of '{entry['id']}': unknown field '{unknown[0]}' "
                f"(expected one of {', '.join(sorted(OVERRIDE_KEYS))})",
                file=file,
                line=at,
                field=unknown[0],
            )
        if "severity" not in entry and "enabled" not in entry:
            raise InputError(
                f"override of '{entry['id']}' changes nothing: give 'severity' or 'enabled'",
                file=file,
                line=at,
            )
        try:
            severity = Severity.parse(str(entry["severity"])) if "severity" in entry else None
        except InputError as exc:
            raise InputError(f"override of '{entry['id']}': {exc.message}", file=file, line=at) from None
        found.append(
            Override(
                rule=str(entry["id"]),
                severity=severity,
                enabled=bool(entry.get("enabled", True)),
                reason=" ".join(str(entry.get("reason", "")).split()),
                file=file,
                line=at,
            )
        )
    return found


def apply_overrides(packs: list[Pack]) -> list[Pack]:
    """Apply each pack's overrides to the rules of the packs loaded before it (in order)."""
    for position, pack in enumerate(packs):
        for override in pack.overrides:
            target = next((p for p in packs[:position] if any(r.id == override.rule for r in p.rules)), None)
            if target is None:
                raise InputError(
                    f"override of unknown rule '{override.rule}' (it must be defined by a pack loaded "
                    "before this one, e.g. the baseline)",
                    file=override.file,
                    line=override.line,
                    field="id",
                )
            rules = []
            for rule in target.rules:
                if rule.id != override.rule:
                    rules.append(rule)
                elif override.enabled:
                    severity = override.severity or rule.severity
                    rules.append(dataclasses.replace(rule, severity=severity))
            target.rules = rules
    return packs
