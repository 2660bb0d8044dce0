"""The analysis report: per site and overall, JSON-serialisable, metrics consistent with the items."""

from __future__ import annotations

import json

from analysis.plants import TODAY, flow, replace, system, well_integrated
from plantarch.analysis import AnalysisReport, analyze, render_text


def test_report_round_trips_through_json_and_counts_match_items() -> None:
    model = well_integrated()
    model = replace(
        model,
        systems=[*model.systems, system("hist-l1", "historian", 3, "line-1", capabilities=["historian"])],
        flows=[*model.flows, flow("scada-1", "hist-l1", "process-data")],
    )
    report = analyze(model, TODAY, conformance=False)
    again = AnalysisReport.model_validate(json.loads(report.model_dump_json()))
    assert again == report
    m = report.metrics
    assert (m.systems, m.flows, m.redundancy_groups) == (9, 9, 1)
    assert m.shop_floor_systems == 3 and m.shop_floor_to_erp == 3
    (site,) = report.sites
    assert site.site == "site-a" and site.systems == 7 and site.redundancy_groups == 1
    assert "Redundancy (1)" in render_text(report)


def test_standards_conformance_comes_from_the_checker() -> None:
    report = analyze(well_integrated(), TODAY)
    assert report.metrics.standards_conformance is not None
    assert 0 <= report.metrics.standards_conformance <= 100
    assert "baseline" in report.metrics.standards_note


def test_public_facades_are_complete() -> None:
    """Every name exported exists once (ruff's RUF022 keeps __all__ sorted)."""
    import plantarch.analysis as analysis
    import plantarch.roadmap as roadmap

    for package in (analysis, roadmap):
        assert len(set(package.__all__)) == len(package.__all__)
        assert all(hasattr(package, name) for name in package.__all__)
