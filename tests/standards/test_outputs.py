"""Output formats: SARIF 2.1.0 that validates against the official schema, JUnit XML that parses,
JSON, and text grouped by severity."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from conftest import compliant_plant, observed_flow, run_check
from plantarch.model import Flow, PlantModel, Waiver
from plantarch.standards import CheckResult, render_json, render_junit, render_sarif, render_text

REPO = Path(__file__).resolve().parents[2]


def sarif_schema() -> dict:  # type: ignore[type-arg]
    shared = Path(os.environ.get("PLANTARCH_SHARED", REPO / ".." / "shared"))
    path = shared / "reference" / "sarif" / "sarif-schema-2.1.0.json"
    if not path.is_file():
        pytest.skip(f"SARIF 2.1.0 schema not found at {path} (set PLANTARCH_SHARED)")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def troubled_plant() -> PlantModel:
    plant = compliant_plant()
    plant.flows.append(Flow(key="erp-plc", source="erp", target="plc-1", protocol="modbus", port=502))
    _hosts, flow = observed_flow("obs-smb", "10.3.0.5", "10.1.0.20", "smb", 445)
    flow.source, flow.target = "hist-srv", "scada-srv"
    plant.flows.append(flow)
    plant.systems[3].owner = None
    plant.waivers.append(
        Waiver(
            key="w1",
            rule="INV-001",
            object="mes",
            reason="owner being hired",
            approver="plant manager",
            expires=date(2026, 9, 1),
        )
    )
    return plant


@pytest.fixture
def result() -> CheckResult:
    return run_check(troubled_plant())


def test_sarif_validates_against_the_sarif_2_1_0_schema(result: CheckResult) -> None:
    log = json.loads(render_sarif(result))
    jsonschema.Draft7Validator(sarif_schema()).validate(log)
    run = log["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"SEG-001", "SEG-005", "INV-001"}
    by_rule = {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]): r for r in run["results"]}
    assert by_rule[("SEG-001", "erp-plc")]["level"] == "error"
    assert by_rule[("SEG-005", "obs-smb")]["properties"]["evidence"]["seen"][0]["source"] == "pcap"
    assert by_rule[("INV-001", "mes")]["suppressions"][0]["properties"]["waiver"]["key"] == "w1"


def test_sarif_of_a_clean_plant_validates_too() -> None:
    log = json.loads(render_sarif(run_check(compliant_plant())))
    jsonschema.Draft7Validator(sarif_schema()).validate(log)
    assert log["runs"][0]["results"] == []


def test_junit_parses_with_one_failure_per_open_finding(result: CheckResult) -> None:
    root = ET.fromstring(render_junit(result))
    assert root.tag == "testsuites"
    open_findings = [f for f in result.findings if f.is_open]
    assert int(root.get("failures", "0")) == len(open_findings)
    assert int(root.get("skipped", "0")) == 1
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    failure = cases[("SEG-001", "flow/erp-plc")].find("failure")
    assert failure is not None and failure.get("type") == "critical"
    assert cases[("INV-001", "system/mes")].find("skipped") is not None
    assert cases[("SL-001", "all objects comply")].find("failure") is None


def test_json_lists_findings_most_severe_first_with_summary(result: CheckResult) -> None:
    doc = json.loads(render_json(result))
    severities = [f["severity"] for f in doc["findings"]]
    assert severities[0] == "critical"
    assert doc["summary"]["critical"] == 1 and doc["summary"]["waived"] == 1
    first = doc["findings"][0]
    assert set(first) >= {"rule", "title", "severity", "object", "message", "evidence", "reference", "fix"}


def test_text_groups_by_severity_and_shows_where_a_flow_was_seen(result: CheckResult) -> None:
    text = render_text(result, width=200)
    assert text.index("CRITICAL") < text.index("HIGH") < text.index("WAIVED")
    assert "seen: pcap line1.pcapng 2026-05-30" in text
    assert "reference: IEC 62443-3-3 SR 5.1" in text
    assert "waived by plant manager until 2026-09-01" in text
