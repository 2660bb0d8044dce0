"""Writing a check result for CI: JUnit XML (one test per rule and object) and SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from plantarch import __version__
from plantarch.standards.checker import CheckResult
from plantarch.standards.findings import Finding, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}


def _details(f: Finding) -> str:
    lines = [f.message, f"reference: {'; '.join(f.reference)}", f"fix: {f.fix}"]
    if f.note:
        lines.append(f"note: {f.note}")
    lines.append("evidence: " + json.dumps(f.evidence, sort_keys=True, ensure_ascii=False))
    return "\n".join(lines)


def render_junit(result: CheckResult) -> str:
    """JUnit XML: a test suite per rule; each finding is a failing test (skipped when waived), and a
    rule without findings is one passing test."""
    by_rule: dict[str, list[Finding]] = {r.id: [] for r in result.rules}
    for f in result.sorted_findings():
        by_rule.setdefault(f.rule, []).append(f)
    root = ET.Element("testsuites", name="plantarch check")
    total = failures = skipped = 0
    for rule in result.rules:
        findings = by_rule[rule.id]
        suite = ET.SubElement(root, "testsuite", name=f"{rule.id} {rule.title}")
        n_fail = sum(1 for f in findings if f.is_open)
        n_skip = len(findings) - n_fail
        suite.set("tests", str(max(len(findings), 1)))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(n_skip))
        if not findings:
            ET.SubElement(suite, "testcase", classname=rule.id, name="all objects comply")
        for f in findings:
            case = ET.SubElement(suite, "testcase", classname=rule.id, name=f.object_ref)
            if f.is_open:
                failure = ET.SubElement(case, "failure", type=f.severity.value, message=f.message)
                failure.text = _details(f)
            else:
                w = f.waiver or {}
                ET.SubElement(
                    case,
                    "skipped",
                    message=f"waived by {w.get('approver')} until {w.get('expires')}: {w.get('reason')}",
                )
        total += max(len(findings), 1)
        failures += n_fail
        skipped += n_skip
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def sarif_log(result: CheckResult) -> dict[str, Any]:
    """The result as a SARIF 2.1.0 log: one run, a reporting descriptor per rule, a result per finding."""
    rule_index = {r.id: i for i, r in enumerate(result.rules)}
    rules = [
        {
            "id": r.id,
            "name": r.type_name,
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": r.rationale},
            "help": {"text": f"{r.rationale}\nReference: {'; '.join(r.reference)}\nFix: {r.fix}"},
            "defaultConfiguration": {"level": SARIF_LEVEL[r.severity]},
            "properties": {
                "severity": r.severity.value,
                "security-severity": SECURITY_SEVERITY[r.severity],
                "reference": list(r.reference),
                "pack": r.pack,
                "tags": ["security", "architecture", r.type_name],
            },
        }
        for r in result.rules
    ]
    results = []
    for f in result.sorted_findings():
        entry: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": rule_index[f.rule],
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.message}. Fix: {f.fix}"},
            "locations": [
                {
                    "logicalLocations": [
                        {"name": f.key, "fullyQualifiedName": f.object_ref, "kind": "resource"}
                    ]
                }
            ],
            "partialFingerprints": {"plantarchFinding/v1": f"{f.rule}:{f.object_ref}"},
            "properties": {"severity": f.severity.value, "evidence": f.evidence, "reference": f.reference},
        }
        if f.note:
            entry["properties"]["note"] = f.note
        if f.waiver is not None and not f.is_open:
            entry["suppressions"] = [
                {
                    # The waiver lives in the model, outside the "source"; its state is given in
                    # properties because schema revisions of 2.1.0 disagree on `state` vs `status`.
                    "kind": "external",
                    "justification": f"{f.waiver['reason']} (approved by {f.waiver['approver']}, "
                    f"expires {f.waiver['expires']})",
                    "properties": {"waiver": f.waiver, "accepted": True},
                }
            ]
        results.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "plantarch",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
                "properties": {"packs": [{"name": p.name, "version": p.version} for p in result.packs]},
            }
        ],
    }


def render_sarif(result: CheckResult) -> str:
    """The SARIF 2.1.0 log as JSON text."""
    return json.dumps(sarif_log(result), indent=2, ensure_ascii=False) + "\n"
