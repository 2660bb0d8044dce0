"""On the demo plant the analysis finds every planted problem it is responsible for."""

from __future__ import annotations

from datetime import date

import pytest

from plantarch.analysis import AnalysisReport, analyze
from plantarch.model import PlantModel

DEMO_DAY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def report(demo_model: PlantModel) -> AnalysisReport:
    return analyze(demo_model, DEMO_DAY)


def test_redundant_historians_with_their_cost(report: AnalysisReport, demo_model: PlantModel) -> None:
    from plantarch.demo.planted import HISTORIANS

    group = next(r for r in report.redundancies if "process-historian" in r.capabilities)
    assert sorted(group.objects) == sorted(HISTORIANS)
    assert group.site == "riverside-plant" and group.keep == "hist-pi-site"
    costs = {s.key: s.costs.total for s in demo_model.systems}
    assert group.redundant_cost == costs["hist-canary-rp"] + costs["hist-proficy-legacy"]


def test_second_cmms_is_redundant(report: AnalysisReport) -> None:
    assert any(sorted(r.objects) == ["cmms-maximo", "cmms-upkeep"] for r in report.redundancies)


def test_justified_duplicates_are_not_redundant(report: AnalysisReport) -> None:
    flagged = {key for r in report.redundancies for key in r.objects}
    assert not flagged & {"l1-edge-gw-a", "l1-edge-gw-b", "lims-micro", "mb-hist", "dmz-relay"}


def test_missing_erp_to_mes_schedule(report: AnalysisReport) -> None:
    gap = next(g for g in report.gaps if g.expectation == "schedule-down")
    assert gap.site == "riverside-plant" and gap.receivers == ["mes-rp"] and "erp-sap" in gap.senders
    assert not any(g.expectation == "schedule-down" and g.site == "millbrook-plant" for g in report.gaps)


def test_point_to_point_spaghetti_at_riverside(report: AnalysisReport, demo_model: PlantModel) -> None:
    from plantarch.demo.planted import SPAGHETTI_FLOWS

    riverside = next(s for s in report.complexity.sites if s.site == "riverside-plant")
    assert riverside.point_to_point >= len(SPAGHETTI_FLOWS)
    spaghetti = next(f for f in report.complexity.findings if f.kind == "spaghetti")
    assert spaghetti.site == "riverside-plant"
    flows = {f.key: f for f in demo_model.flows}
    business = {flows[k].source for k in SPAGHETTI_FLOWS} | {flows[k].target for k in SPAGHETTI_FLOWS}
    assert business <= set(spaghetti.objects)
    millbrook = next(s for s in report.complexity.sites if s.site == "millbrook-plant")
    assert millbrook.point_to_point == 0  # Millbrook integrates through the platform


def test_eol_hmis(report: AnalysisReport) -> None:
    from plantarch.demo.planted import EOL_HMIS

    ended = {r.objects[0] for r in report.lifecycle if r.status == "ended"}
    assert set(EOL_HMIS) <= ended
    hmi_risk = min(r.risk for r in report.lifecycle if r.objects[0] in EOL_HMIS)
    it_risk = next(r.risk for r in report.lifecycle if r.objects[0] == "it-fileserver")
    assert hmi_risk > it_risk  # level 2 outweighs level 4
    assert report.metrics.end_of_support >= 4


def test_line3_silo(report: AnalysisReport) -> None:
    from plantarch.demo.planted import LINE3_SILO

    group = next(s for s in report.silos if s.kind == "group" and "l3-plc-thermoformer" in s.objects)
    assert sorted(group.objects) == sorted(LINE3_SILO) and group.zones == ["z-line3-cell"]
    assert any(s.kind == "area" and s.objects[0] == "rp-line3" for s in report.silos)


def test_broker_is_the_main_single_point_of_failure(report: AnalysisReport) -> None:
    top = report.single_points_of_failure[0]
    assert top.kind == "system" and top.objects == ["uns-broker"]
    assert top.cut_off >= 5


def test_metrics_on_one_screen(report: AnalysisReport) -> None:
    m = report.metrics
    assert m.systems == 138 and m.silos >= 1 and m.redundant_spend > 0
    assert m.standards_conformance is not None and 0 < m.standards_conformance < 100
    assert 0 < m.shop_floor_to_erp <= m.shop_floor_systems
    assert {s.site for s in report.sites} == {"millbrook-plant", "riverside-plant"}
