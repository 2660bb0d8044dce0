"""`check` on the demo plant finds every planted standards problem and nothing the demo documents
as compliant (the expected findings are listed in docs/standards.md)."""

from __future__ import annotations

from datetime import date

import pytest

from plantarch.model import PlantModel
from plantarch.standards import CheckResult, check_model, load_baseline

planted = pytest.importorskip("plantarch.demo.planted", reason="the demo plant is not available")

EXPECTED: dict[str, set[tuple[str, str]]] = {
    "redundant-historians": {("CAP-001", "hist-canary-rp"), ("CAP-001", "hist-proficy-legacy")},
    "level4-to-level1": {
        ("SEG-001", "erp-sap-to-l1-plc-filler"),
        ("SEG-002", "erp-sap-to-l1-plc-filler"),
        ("SEG-005", "erp-sap-to-l1-plc-filler"),
    },
    "eol-hmis": {("LIFE-001", k) for k in planted.EOL_HMIS},
    "eol-legacy-historian": {("LIFE-001", "hist-proficy-legacy")},
    "point-to-point-spaghetti": {("INT-001", k) for k in planted.SPAGHETTI_FLOWS},
    "cleartext-modbus-across-zones": {("SEG-003", "ems-rp-to-power-meters")},
    "flow-not-on-allow-list": {("SEG-005", "mes-rp-to-l1-scada-batch-files")},
    "dual-homed-host": {("SEG-006", "l2-ews-pc"), ("SEG-006", "l2-ews")},
    "zone-below-target": {("SL-002", "z-utilities")},
    "vendor-bypass": {
        ("ACC-001", "vendor-palletizer-oem-to-l2-hmi-palletizer"),
        ("SEG-005", "vendor-palletizer-oem-to-l2-hmi-palletizer"),
    },
    "system-without-owner": {("INV-001", "oee-grafana-l2")},
    "duplicate-capability-unjustified": {("CAP-001", "cmms-upkeep")},
}
"""Planted problem -> the (rule, object) findings `check` must report for it."""


@pytest.fixture(scope="module")
def demo_result(demo_model: PlantModel) -> CheckResult:
    from plantarch.demo import DEMO_REFERENCE_DATE

    return check_model(demo_model, [load_baseline()], today=date.fromisoformat(str(DEMO_REFERENCE_DATE)))


def test_every_planted_standards_problem_has_expected_findings() -> None:
    declared = {p.key for p in planted.PLANTED_PROBLEMS if p.check and not p.capture_only}
    assert declared == set(EXPECTED), "map each planted standards problem to its expected findings"


@pytest.mark.parametrize("problem", sorted(EXPECTED))
def test_check_finds_the_planted_problem(demo_result: CheckResult, problem: str) -> None:
    found = {(f.rule, f.key) for f in demo_result.findings}
    assert EXPECTED[problem] <= found, f"missing for {problem}: {EXPECTED[problem] - found}"


def test_check_finds_nothing_else_and_nothing_compliant(demo_result: CheckResult) -> None:
    found = {(f.rule, f.key) for f in demo_result.findings}
    expected = set().union(*EXPECTED.values())
    assert found == expected, f"unexpected findings: {sorted(found - expected)}"
    compliant = {key for key, _ in planted.COMPLIANT_EXAMPLES}
    assert not compliant & {key for _, key in found}, "a documented compliant object was flagged"
