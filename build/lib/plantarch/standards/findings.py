"""Findings: what a rule found on one object, with evidence, reference, fix and waiver status."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from plantarch.errors import InputError


class Severity(StrEnum):
    """How serious a finding is, from info to critical."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical, for comparisons and sorting."""
        return _RANK[self]

    @classmethod
    def parse(cls, value: str, *, field: str = "severity") -> Severity:
        """The severity named by `value`, or an InputError listing the valid ones."""
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            valid = ", ".join(s.value for s in cls)
            raise InputError(f"unknown severity '{value}' (expected one of {valid})", field=field) from None


_RANK = {s: i for i, s in enumerate(Severity)}


@dataclass(slots=True)
class Violation:
    """What a rule type reports for one object: a message, the evidence, and an optional specific fix."""

    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    fix: str | None = None


@dataclass(slots=True)
class Finding:
    """One rule violated by one object, as reported to people and CI."""

    rule: str
    title: str
    severity: Severity
    kind: str
    key: str
    message: str
    evidence: dict[str, Any]
    reference: list[str]
    fix: str
    pack: str
    status: str = "open"
    """'open', or 'waived' while an unexpired waiver covers it."""
    waiver: dict[str, Any] | None = None
    note: str | None = None
    """e.g. that a waiver covering it expired."""

    @property
    def is_open(self) -> bool:
        """True unless a valid waiver covers the finding."""
        return self.status == "open"

    @property
    def object_ref(self) -> str:
        """The object as people write it: kind/key."""
        return f"{self.kind}/{self.key}"

    def sort_key(self) -> tuple[int, str, str, str]:
        """Most severe first, then by rule, kind and key."""
        return (-self.severity.rank, self.rule, self.kind, self.key)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity.value,
            "object": {"kind": self.kind, "key": self.key},
            "message": self.message,
            "evidence": self.evidence,
            "reference": list(self.reference),
            "fix": self.fix,
            "pack": self.pack,
            "status": self.status,
            "waiver": self.waiver,
            "note": self.note,
        }
