"""The checker: evaluates packs of rules over a plant model, fully or incrementally after a change."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plantarch.model import PLURALS, ModelObject, PlantModel, Waiver
from plantarch.standards.context import PlantContext
from plantarch.standards.findings import Finding, Severity, Violation
from plantarch.standards.pack import Pack, Rule
from plantarch.standards.waivers import WaiverIndex, apply_waiver

ObjectRef = tuple[str, str]
"""(kind, key) of one model object."""

Progress = Callable[[int, int, str], None]
"""Called with (rules done, rules in all, id of the rule starting)."""


@dataclass
class CheckResult:
    """Every finding of one check, with the rules and packs that produced them."""

    findings: list[Finding]
    rules: list[Rule]
    packs: list[Pack]
    today: date
    evaluated: int = 0
    """How many (rule, object) evaluations produced this result (all of them, or those of a re-check)."""
    stats: dict[str, Any] = field(default_factory=dict)

    def sorted_findings(self) -> list[Finding]:
        """Findings most severe first, then by rule and object."""
        return sorted(self.findings, key=Finding.sort_key)

    @property
    def open(self) -> list[Finding]:
        """Findings no valid waiver covers."""
        return [f for f in self.findings if f.is_open]

    def counts(self) -> dict[str, int]:
        """Open findings per severity (every severity listed), plus the number waived."""
        counts = {s.value: 0 for s in reversed(Severity)}
        waived = 0
        for f in self.findings:
            if f.is_open:
                counts[f.severity.value] += 1
            else:
                waived += 1
        counts["waived"] = waived
        return counts

    def fails(self, threshold: Severity) -> bool:
        """True when an open finding is at or above the threshold severity."""
        return any(f.is_open and f.severity.rank >= threshold.rank for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready report: packs, summary counts and findings."""
        return {
            "date": self.today.isoformat(),
            "packs": [{"name": p.name, "version": p.version, "file": p.file} for p in self.packs],
            "rules": len(self.rules),
            "summary": self.counts(),
            "findings": [f.to_dict() for f in self.sorted_findings()],
        }


class Checker:
    """Holds a model's context and current findings; `run` checks everything, `recheck` only what a
    change can affect (the changed objects and the neighbours each rule's scope reads)."""

    def __init__(self, model: PlantModel, packs: list[Pack], *, today: date | None = None) -> None:
        self.model = model
        self.packs = packs
        self.rules = [rule for pack in packs for rule in pack.rules]
        self.today = today or date.today()
        self.ctx = PlantContext(model, self.today)
        self._waivers = WaiverIndex(model.waivers)
        self._findings: dict[str, dict[ObjectRef, Finding]] = {r.id: {} for r in self.rules}

    def run(self, progress: Progress | None = None) -> CheckResult:
        """Evaluate every rule on every object of its scope; `progress(done, total, rule_id)` is called
        before each rule (for a progress bar on big models)."""
        evaluated = 0
        ctx = self.ctx
        for done, rule in enumerate(self.rules):
            if progress is not None:
                progress(done, len(self.rules), rule.id)
            found = self._findings[rule.id] = {}
            params = rule.params
            for kind in sorted(rule.kinds):
                table: dict[str, ModelObject] = getattr(ctx, PLURALS[kind])
                evaluated += len(table)
                if rule.where is None:
                    # Call the rule type directly: this loop runs millions of times on a big plant.
                    check = rule.rule_type.check
                    for key, obj in table.items():
                        violation = check(kind, obj, params, ctx)
                        if violation is not None:
                            found[(kind, key)] = self._finding(rule, kind, key, violation)
                else:
                    for key, obj in table.items():
                        violation = rule.evaluate(kind, obj, ctx)
                        if violation is not None:
                            found[(kind, key)] = self._finding(rule, kind, key, violation)
        return self.result(evaluated)

    def recheck(self, changed: Iterable[ObjectRef]) -> CheckResult:
        """Re-evaluate after objects changed in the model (added, edited or removed), touching only the
        rules whose scope reads the change and only the objects it can affect."""
        targets: dict[str, set[ObjectRef]] = {r.id: set() for r in self.rules}
        waived_rules: set[str] = set()
        for kind, key in changed:
            new = self._current(kind, key)
            if kind == "waiver":
                old = self.ctx.waivers.get(key)
                waived_rules |= {w.rule for w in (old, new) if isinstance(w, Waiver)}
            touched = self.ctx.apply(kind, key, new)
            for rule in self.rules:
                for scoped in rule.kinds:
                    if scoped == kind:
                        targets[rule.id].add((kind, key))
                    if kind in rule.reads:
                        targets[rule.id].update((scoped, k) for k in touched.get(scoped, ()))
        if waived_rules:
            self._waivers = WaiverIndex(self.ctx.waivers.values())
            for rule_id in waived_rules & set(self._findings):
                for finding in self._findings[rule_id].values():
                    apply_waiver(finding, self._waivers, self.today)
        evaluated = 0
        by_id = {r.id: r for r in self.rules}
        for rule_id, refs in targets.items():
            rule, found = by_id[rule_id], self._findings[rule_id]
            for kind, key in refs:
                obj = self.ctx.get(kind, key)
                violation = rule.evaluate(kind, obj, self.ctx) if obj is not None else None
                evaluated += obj is not None
                if violation is None:
                    found.pop((kind, key), None)
                else:
                    found[(kind, key)] = self._finding(rule, kind, key, violation)
        return self.result(evaluated)

    def result(self, evaluated: int = 0) -> CheckResult:
        """The current findings of every rule."""
        findings = [f for found in self._findings.values() for f in found.values()]
        return CheckResult(findings, self.rules, self.packs, self.today, evaluated)

    def _finding(self, rule: Rule, kind: str, key: str, violation: Violation) -> Finding:
        finding = Finding(
            rule=rule.id,
            title=rule.title,
            severity=rule.severity,
            kind=kind,
            key=key,
            message=violation.message,
            evidence=violation.evidence,
            reference=list(rule.reference),
            fix=violation.fix or rule.fix,
            pack=rule.pack,
        )
        return apply_waiver(finding, self._waivers, self.today)

    def _current(self, kind: str, key: str) -> ModelObject | None:
        # Newest objects are usually appended, so search from the end.
        objects: list[ModelObject] = getattr(self.model, PLURALS[kind])
        return next((o for o in reversed(objects) if o.key == key), None)


def check_model(
    model: PlantModel, packs: list[Pack], *, today: date | None = None, progress: Progress | None = None
) -> CheckResult:
    """Check a whole model against packs of rules (the library call behind `plantarch check`)."""
    return Checker(model, packs, today=today).run(progress)
