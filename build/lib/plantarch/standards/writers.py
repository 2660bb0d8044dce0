"""Writing a check result: text grouped by severity (Rich) and JSON; JUnit and SARIF live in ci.py."""

from __future__ import annotations

import json
from io import StringIO

from rich.console import Console
from rich.markup import escape

from plantarch.standards.checker import CheckResult
from plantarch.standards.findings import Finding, Severity

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def render_json(result: CheckResult) -> str:
    """The result as indented JSON (summary counts and every finding)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _evidence_line(finding: Finding) -> str | None:
    ev = finding.evidence
    seen = ev.get("seen")
    if seen:
        where = "; ".join(
            " ".join(str(p[k]) for k in ("source", "reference", "observed_at") if p.get(k)) for p in seen[:3]
        )
        return f"seen: {where}"
    return None


def render_text(result: CheckResult, *, width: int = 110, color: bool = False) -> str:
    """Findings grouped by severity, most severe first: rule, object, message, evidence, reference, fix."""
    out = StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color, highlight=False)
    packs = ", ".join(f"{p.name} {p.version}" for p in result.packs)
    console.print(f"[bold]plantarch check[/] — {len(result.rules)} rules ({escape(packs)}), {result.today}")
    by_severity: dict[Severity, list[Finding]] = {}
    for finding in result.sorted_findings():
        if finding.is_open:
            by_severity.setdefault(finding.severity, []).append(finding)
    for severity in sorted(by_severity, key=lambda s: -s.rank):
        findings = by_severity[severity]
        console.print()
        console.print(f"[{SEVERITY_STYLE[severity]}]{severity.value.upper()}[/] ({len(findings)})")
        by_rule: dict[str, list[Finding]] = {}
        for f in findings:
            by_rule.setdefault(f.rule, []).append(f)
        for rule_findings in by_rule.values():
            first = rule_findings[0]
            console.print(f"  [bold]{first.rule}[/] {escape(first.title)} ({len(rule_findings)})")
            console.print(f"    reference: {escape('; '.join(first.reference))}")
            for f in rule_findings:
                console.print(f"    - {escape(f.object_ref)}: {escape(f.message)}")
                line = _evidence_line(f)
                if line:
                    console.print(f"      {escape(line)}")
                if f.note:
                    console.print(f"      [italic]note: {escape(f.note)}[/]")
                if f.fix != first.fix:
                    console.print(f"      fix: {escape(f.fix)}")
            console.print(f"    fix: {escape(first.fix)}")
    waived = [f for f in result.sorted_findings() if not f.is_open]
    if waived:
        console.print()
        console.print(f"[dim]WAIVED ({len(waived)})[/]")
        for f in waived:
            w = f.waiver or {}
            console.print(
                f"  {f.rule} {escape(f.object_ref)}: waived by {escape(str(w.get('approver')))} "
                f"until {w.get('expires')} — {escape(str(w.get('reason')))}"
            )
    counts = result.counts()
    summary = ", ".join(f"{counts[s.value]} {s.value}" for s in sorted(Severity, key=lambda s: -s.rank))
    console.print()
    console.print(f"summary: {summary}; {counts['waived']} waived")
    return out.getvalue()
