"""On the demo plant the roadmap consolidates the historians and its savings add up from cost data."""

from __future__ import annotations

from datetime import date

import pytest

from plantarch.model import PlantModel
from plantarch.roadmap import Roadmap, build_roadmap


@pytest.fixture(scope="module")
def roadmap(demo_model: PlantModel) -> Roadmap:
    return build_roadmap(demo_model, today=date(2026, 11, 24))


def test_historians_consolidate_on_pi(roadmap: Roadmap) -> None:
    consolidation = next(c for c in roadmap.consolidations if "process-historian" in c.capabilities)
    assert consolidation.target == "hist-pi-site"
    assert {r.system for r in consolidation.retire} == {"hist-canary-rp", "hist-proficy-legacy"}
    partners = {m.partner for r in consolidation.retire for m in r.interfaces}
    assert {"ut-scada", "ut-bms", "l2-scada", "oee-grafana-l2"} <= partners
    cmms = next(c for c in roadmap.consolidations if c.target == "cmms-maximo")
    assert [r.system for r in cmms.retire] == ["cmms-upkeep"]


def test_eol_hmis_are_migrate(roadmap: Roadmap) -> None:
    from plantarch.demo.planted import EOL_HMIS

    classes = {t.system: t.time_class for t in roadmap.time_classes}
    assert all(classes[h] == "migrate" for h in EOL_HMIS)
    assert classes["hist-proficy-legacy"] == "eliminate"


def test_savings_add_up_from_the_demo_cost_data(roadmap: Roadmap, demo_model: PlantModel) -> None:
    costs = {s.key: s.costs.total for s in demo_model.systems}
    retired = [a.system for a in roadmap.actions if a.kind == "retire"]
    assert roadmap.cash_flow.annual_savings.value == pytest.approx(sum(costs[k] for k in retired))
    assert sum(p.annual_savings.value for p in roadmap.phases) == pytest.approx(
        sum(costs[k] for k in retired)
    )
    assert costs["hist-canary-rp"] + costs["hist-proficy-legacy"] <= roadmap.cash_flow.annual_savings.value
    assert 0 < roadmap.cash_flow.payback_month.value <= 60
    assert roadmap.cash_flow.npv.value > 0


def test_high_risk_hmi_upgrades_are_spread_over_phases(roadmap: Roadmap) -> None:
    phases = [a.phase for a in roadmap.actions if a.kind == "upgrade" and a.high_risk]
    assert len(phases) == len(set(phases)) >= 2


def test_recommendations_cover_the_gap_the_spaghetti_the_silo_and_the_broker(roadmap: Roadmap) -> None:
    kinds = {(r.kind, r.objects[0]) for r in roadmap.recommendations}
    assert ("remove-single-point", "uns-broker") in kinds
    assert any(
        r.kind == "close-gap" and "mes-rp" in r.objects and "production-schedule" in r.why
        for r in roadmap.recommendations
    )
    assert any(r.kind == "move-to-hub" and r.site == "riverside-plant" for r in roadmap.recommendations)
    assert any(
        r.kind == "connect-silo" and "l3-plc-thermoformer" in r.objects for r in roadmap.recommendations
    )
    assert all(r.one_off.basis for r in roadmap.recommendations)
