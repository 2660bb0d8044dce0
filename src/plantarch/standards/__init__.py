"""Architecture standards as code: rule packs, built-in rule types, CEL rules, findings, waivers."""

from plantarch.standards.checker import Checker, CheckResult, check_model
from plantarch.standards.ci import render_junit, render_sarif, sarif_log
from plantarch.standards.context import PlantContext
from plantarch.standards.docs import rules_list, rules_markdown
from plantarch.standards.findings import Finding, Severity, Violation
from plantarch.standards.pack import (
    Pack,
    Rule,
    baseline_path,
    load_baseline,
    load_pack,
    load_packs,
    parse_pack,
)
from plantarch.standards.ruletype import NoParams, RuleType, available_rule_types
from plantarch.standards.waivers import new_waiver, waiver_key
from plantarch.standards.writers import render_json, render_text
from plantarch.standards.zoning import Endpoint

__all__ = [
    "CheckResult",
    "Checker",
    "Endpoint",
    "Finding",
    "NoParams",
    "Pack",
    "PlantContext",
    "Rule",
    "RuleType",
    "Severity",
    "Violation",
    "available_rule_types",
    "baseline_path",
    "check_model",
    "load_baseline",
    "load_pack",
    "load_packs",
    "new_waiver",
    "parse_pack",
    "render_json",
    "render_junit",
    "render_sarif",
    "render_text",
    "rules_list",
    "rules_markdown",
    "sarif_log",
    "waiver_key",
]
