"""The benchmark plant generator still produces a model every analysis has work on (tiny scale)."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

from plantarch.analysis import analyze
from plantarch.roadmap import build_roadmap

GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "analysis" / "generate.py"


def test_small_benchmark_plant_exercises_every_analysis() -> None:
    spec = importlib.util.spec_from_file_location("analysis_bench_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build(sites=5, assets_per_site=400, flows_per_site=3000)
    report = analyze(model, date(2026, 11, 24), conformance=False)
    m = report.metrics
    assert m.redundancy_groups > 0 and m.integration_gaps > 0 and m.end_of_support > 0
    assert m.point_to_point_interfaces > 0 and m.single_points_of_failure > 0
    assert any(g.expectation == "schedule-down" and g.site == "s00" for g in report.gaps)
    roadmap = build_roadmap(model, today=date(2026, 11, 24), report=report)
    assert roadmap.actions and roadmap.cash_flow.annual_savings.value > 0
