"""`plantarch demo` builds a workspace from the demo plant and runs the chain, idempotently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plantarch.cli.app import app
from plantarch.demo.planted import HIDDEN_FLOWS, STALE_FLOW
from plantarch.demo.run import DemoRun, StepOutcome, import_demo_model, init_workspace, run_demo
from plantarch.store import Store


def run_cli(*args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["demo", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def demo_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    root = tmp_path_factory.mktemp("demo")
    return str(root / "ws"), str(root / "out")


@pytest.fixture(scope="module")
def first_run(demo_dirs: tuple[str, str]) -> dict:  # type: ignore[type-arg]
    workspace, out = demo_dirs
    return run_cli("--workspace", workspace, "--out", out)


def test_demo_builds_the_workspace_and_runs_every_step(first_run: dict, demo_dirs: tuple[str, str]) -> None:  # type: ignore[type-arg]
    steps = {s["name"]: s for s in first_run["steps"]}
    assert list(steps)[:2] == ["init_workspace", "import_demo_model"]
    imported = steps["import_demo_model"]["counts"]
    assert imported["sites"] == 2 and imported["systems"] >= 100 and imported["assets"] >= 300
    out = Path(demo_dirs[1])
    assert (out / "riverside-demo.pcap").stat().st_size > 100_000
    assert first_run["absent_steps"] == []
    drift = steps["detect_demo_drift"]["counts"]
    assert drift["hidden_flows"] == len(HIDDEN_FLOWS)
    assert drift["stale_flows"] == 1
    assert drift["undeclared_assets"] == 2
    flagged = (out / "findings.json").read_text()
    for key in ("erp-sap-to-l1-plc-filler", "ems-rp-to-power-meters", "z-utilities", "oee-grafana-l2"):
        assert key in flagged


def test_demo_again_changes_nothing(first_run: dict, demo_dirs: tuple[str, str]) -> None:  # type: ignore[type-arg]
    workspace, out = demo_dirs
    second = run_cli("--workspace", workspace, "--out", out)
    assert first_run["counts"] == second["counts"]
    steps = {s["name"]: s for s in second["steps"]}
    assert steps["import_demo_model"]["detail"].startswith("already imported")
    assert steps["discover_capture"]["detail"] == "nothing new"
    assert steps["init_workspace"]["counts"]["revision"] == 2
    assert steps["detect_demo_drift"]["counts"]["hidden_flows"] == len(HIDDEN_FLOWS)


def test_demo_text_summary_shows_the_counts(first_run: dict, demo_dirs: tuple[str, str]) -> None:  # type: ignore[type-arg]
    workspace, out = demo_dirs
    result = CliRunner().invoke(app, ["--workspace", workspace, "demo", "--out", out])
    assert result.exit_code == 0, result.output
    for word in ("sites", "systems", "assets", "flows", "zones", "conduits", "Import the demo plant"):
        assert word in result.stdout


def test_demo_model_import_runs_on_every_store(store: Store, tmp_path: Path) -> None:
    result = run_demo(store, tmp_path, steps=[init_workspace, import_demo_model])
    assert result.counts["systems"] >= 100
    assert store.get("flow", STALE_FLOW) is not None
    again = run_demo(store, tmp_path, steps=[import_demo_model])
    assert again.steps[0].outcome.detail.startswith("already imported")


def _missing_capability(run: DemoRun) -> StepOutcome:
    """Needs a capability that is not installed."""
    raise ModuleNotFoundError("No module named 'plantarch.future'", name="plantarch.future")


def _broken_dependency(run: DemoRun) -> StepOutcome:
    """Needs a third-party package that is missing."""
    raise ModuleNotFoundError("No module named 'leftpad'", name="leftpad")


def test_a_missing_capability_is_absent_not_an_error(sqlite_store: Store, tmp_path: Path) -> None:
    result = run_demo(sqlite_store, tmp_path, steps=[init_workspace, _missing_capability])
    assert [s.name for s in result.steps] == ["init_workspace"]
    assert result.absent == ["_missing_capability"]
    with pytest.raises(ModuleNotFoundError):
        run_demo(sqlite_store, tmp_path, steps=[_broken_dependency])


@pytest.mark.postgres
def test_demo_runs_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    report = run_cli("--database", postgres_url, "--out", str(tmp_path / "out"))
    steps = {s["name"]: s for s in report["steps"]}
    assert report["database"].startswith("postgresql")
    assert steps["detect_demo_drift"]["counts"]["hidden_flows"] == len(HIDDEN_FLOWS)
    assert steps["detect_demo_drift"]["counts"]["stale_flows"] == 1
