"""`plantarch demo` runs the analysis and roadmap steps and writes their reports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from plantarch.demo.run import analyze_architecture, import_demo_model, init_workspace, plan_roadmap, run_demo
from plantarch.store import Store


def test_demo_chain_writes_analysis_and_roadmap(sqlite_store: Store, tmp_path: Path) -> None:
    steps = [init_workspace, import_demo_model, analyze_architecture, plan_roadmap]
    result = run_demo(sqlite_store, tmp_path, steps=steps)
    assert [s.name for s in result.steps] == [s.__name__ for s in steps]
    analysis = json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    assert analysis["metrics"]["redundancy_groups"] >= 2
    roadmap = json.loads((tmp_path / "roadmap.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader((tmp_path / "roadmap.csv").open(encoding="utf-8")))
    assert len(rows) == len(roadmap["actions"]) > 0
    planned = result.steps[-1].outcome.counts
    assert planned["annual savings"] == sum(float(r["annual_saving"]) for r in rows)
