"""`plantarch check`, `waive` and `docs rules` as a user runs them: formats, exit codes, waivers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import Result
from typer.testing import CliRunner

from conftest import compliant_plant, observed_flow, run_check
from plantarch.cli.app import app
from plantarch.errors import InputError
from plantarch.governance import read_audit
from plantarch.governance.edits import ObjectNotFound
from plantarch.interchange.yaml_model import write_model_dir
from plantarch.model import Flow, PlantModel
from plantarch.standards import load_baseline, rules_markdown
from plantarch.store import Store, open_store

REPO = Path(__file__).resolve().parents[2]


def invoke(*args: str) -> Result:
    """Run a command in-process (fast); exit codes 0 and 1 come out as in a real run."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the plantarch command line in a fresh process, as a user would."""
    code = "from plantarch.cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def troubled() -> PlantModel:
    plant = compliant_plant()
    plant.flows.append(Flow(key="mes-qms", source="mes", target="qms", protocol="sql", port=1433))
    plant.flows.append(Flow(key="plc-hist", source="plc-1", target="historian", protocol="opcua", port=4840))
    return plant


def store_model(store: Store, model: PlantModel) -> None:
    with store.change(author="test", reason="load plant") as cs:
        for _, obj in model.all_objects():
            cs.put(obj)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    with open_store(workspace=ws) as store:
        store_model(store, troubled())
    return ws


def test_check_on_the_store_with_a_threshold(workspace: Path, tmp_path: Path) -> None:
    medium = invoke("check", "--workspace", str(workspace), "--format", "json", "--fail-on", "critical")
    assert medium.exit_code == 0
    doc = json.loads(medium.stdout)
    assert {(f["rule"], f["object"]["key"]) for f in doc["findings"]} == {
        ("INT-001", "mes-qms"),
        ("SEG-005", "plc-hist"),
    }
    high = run("check", "--workspace", str(workspace), "--fail-on", "high", cwd=tmp_path)
    assert high.returncode == 1
    assert "HIGH (1)" in high.stdout and "SEG-005" in high.stdout


def test_check_writes_sarif_and_junit_files(workspace: Path, tmp_path: Path) -> None:
    sarif, junit = tmp_path / "check.sarif", tmp_path / "check.xml"
    ws = str(workspace)
    assert invoke("check", "--workspace", ws, "--format", "sarif", "--out", str(sarif)).exit_code == 0
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert invoke("check", "--workspace", ws, "--format", "junit", "--out", str(junit)).exit_code == 0
    assert ET.parse(junit).getroot().get("failures") == "2"


def test_waive_then_check_reports_it_waived(workspace: Path, tmp_path: Path) -> None:
    common = ["--workspace", str(workspace)]
    waived = invoke(
        "waive",
        "SEG-005",
        "plc-hist",
        "--reason",
        "historian pull being reversed",
        "--approver",
        "ot-security",
        "--expires",
        "2099-01-01",
        "--format",
        "json",
        *common,
    )
    assert waived.exit_code == 0
    answer = json.loads(waived.stdout)
    assert answer["waiver"]["key"] == "SEG-005@plc-hist"
    with open_store(workspace=workspace) as store:  # the same library call as the web UI's Waive form
        audit = read_audit(store, target="waiver:SEG-005@plc-hist")
    assert [(a.action, a.revision, a.detail["expires"]) for a in audit] == [
        ("waive", answer["revision"], "2099-01-01")
    ]
    after = invoke("check", "--format", "json", "--fail-on", "high", *common)
    assert after.exit_code == 0
    statuses = {f["rule"]: f["status"] for f in json.loads(after.stdout)["findings"]}
    assert statuses == {"SEG-005": "waived", "INT-001": "open"}
    with pytest.raises(InputError, match="no object with key 'nope'"):
        invoke(
            "waive", "SEG-005", "nope", "--reason", "r", "--approver", "a", "--expires", "2099-01-01", *common
        )


def test_unwaive_revokes_a_waiver_and_the_finding_fails_the_check_again(workspace: Path) -> None:
    common = ["--workspace", str(workspace)]
    waive = ["waive", "SEG-005", "plc-hist", "--reason", "r", "--approver", "a", "--expires", "2099-01-01"]
    assert invoke(*waive, *common).exit_code == 0
    assert invoke("check", "--fail-on", "high", *common).exit_code == 0
    revoked = invoke(
        "unwaive",
        "SEG-005@plc-hist",
        "--reason",
        "pull reversed",
        "--author",
        "olga",
        "--format",
        "json",
        *common,
    )
    assert revoked.exit_code == 0
    answer = json.loads(revoked.stdout)
    assert answer["waiver"]["key"] == "SEG-005@plc-hist" and answer["waiver"]["expires"] == "2099-01-01"
    with open_store(workspace=workspace) as store:  # the same library call as the API and the web UI
        assert store.get("waiver", "SEG-005@plc-hist") is None
        change = store.history(limit=1)[0]
        audit = read_audit(store, target="waiver:SEG-005@plc-hist")
    assert (change.revision, change.author, change.source) == (answer["revision"], "olga", "cli")
    assert [(a.action, a.user, a.revision) for a in audit] == [
        ("revoke", "olga", answer["revision"]),
        ("waive", audit[1].user, answer["revision"] - 1),
    ]
    assert invoke("check", "--fail-on", "high", *common).exit_code == 1
    with pytest.raises(ObjectNotFound, match="no waiver 'SEG-005@plc-hist'"):
        invoke("unwaive", "SEG-005@plc-hist", *common)
    text = invoke(*waive, *common) and invoke("unwaive", "SEG-005@plc-hist", *common)
    assert "waiver SEG-005@plc-hist revoked" in text.stdout and "ran until 2099-01-01" in text.stdout


def test_check_a_yaml_model_directory_with_an_extra_pack(tmp_path: Path) -> None:
    write_model_dir(troubled(), tmp_path / "model")
    pack = tmp_path / "plant.yaml"
    pack.write_text(
        "name: plant\nversion: '1'\nrules:\n"
        "  - id: PLANT-1\n    title: No SQL between systems\n    severity: critical\n    rationale: r\n"
        "    reference: plant standard 9\n    scope: flow\n    expression: 'flow.protocol != \"sql\"'\n"
    )
    result = invoke(
        "check",
        "--model",
        str(tmp_path / "model"),
        "--pack",
        str(pack),
        "--format",
        "json",
        "--fail-on",
        "critical",
    )
    assert result.exit_code == 1
    assert "PLANT-1" in {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_a_bad_pack_stops_before_anything_runs_with_exit_2(tmp_path: Path) -> None:
    pack = tmp_path / "bad.yaml"
    pack.write_text(
        "name: plant\nversion: '1'\nrules:\n  - id: X-1\n    title: t\n    severity: high\n"
        "    rationale: r\n    reference: x\n    scope: flow\n    type: nonsense\n"
    )
    result = run("check", "--workspace", str(tmp_path / "never-created"), "--pack", str(pack), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{pack}, line 10" in result.stderr and "unknown rule type 'nonsense'" in result.stderr
    assert not (tmp_path / "never-created").exists()


def test_docs_rules_lists_every_rule_and_docs_rules_md_is_current(tmp_path: Path) -> None:
    result = invoke("docs", "rules", "--format", "json")
    assert result.exit_code == 0
    rules = json.loads(result.stdout)
    assert [r["id"] for r in rules] == [r.id for r in load_baseline().rules]
    assert all(r["rationale"] and r["reference"] for r in rules)
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown([load_baseline()]), (
        "docs/rules.md is stale: run `plantarch docs rules > docs/rules.md`"
    )


def test_the_stored_model_checks_like_the_one_in_memory(store: Store) -> None:
    plant = troubled()
    hosts, flow = observed_flow("obs-1", "10.4.1.50", "10.1.0.10", "s7comm", 102)
    plant.assets.append(hosts[0])
    flow.target = "plc-1-cpu"
    plant.flows.append(flow)
    store_model(store, plant)

    def summary(model: PlantModel) -> set[tuple[str, str, str]]:
        return {(f.rule, f.key, f.message) for f in run_check(model).findings}

    assert summary(store.load_model()) == summary(plant)
    assert ("SEG-001", "obs-1") in {(r, k) for r, k, _ in summary(store.load_model())}
