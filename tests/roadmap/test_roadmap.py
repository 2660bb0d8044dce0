"""TIME classes, consolidation targets, dependency-ordered phases and traceable money."""

from __future__ import annotations

from datetime import date

from analysis.plants import TODAY, flow, replace, system, well_integrated
from plantarch.roadmap import RoadmapSettings, build_roadmap


def _plant():  # type: ignore[no-untyped-def]
    """Three historians at one site, one of them old; two EOL critical PLC HMIs."""
    model = well_integrated()
    systems = [
        system(
            "hist-b", "historian", 3, "site-a", capabilities=["historian"], users=5, costs={"licence": 9000}
        ),
        system(
            "hist-c",
            "historian",
            3,
            "line-1",
            capabilities=["historian"],
            users=2,
            eos=date(2021, 1, 1),
            costs={"licence": 4000, "support": 1000},
        ),
        system("dash", "analytics", 3, "site-a"),
        system("hmi-1", "hmi", 2, "line-1", eos=date(2022, 1, 1), criticality="critical"),
        system("hmi-2", "hmi", 2, "line-1", eos=date(2022, 1, 1), criticality="critical"),
    ]
    model = replace(
        model,
        systems=[
            *[s if s.key != "hist" else s.model_copy(update={"users": 50}) for s in model.systems],
            *systems,
        ],
    )
    flows = [
        flow("scada-1", "hist-b", "process-data"),
        flow("hist-b", "dash", "process-data"),
        flow("hist-c", "hist-b", "process-data"),
        flow("hmi-1", "plc-1"),
        flow("hmi-2", "plc-2"),
    ]
    return replace(model, flows=[*model.flows, *flows])


def test_time_classes_are_explained_and_redundant_systems_are_eliminated() -> None:
    roadmap = build_roadmap(_plant(), today=TODAY, standards=False)
    classes = {t.system: t for t in roadmap.time_classes}
    assert classes["hist"].time_class == "invest"
    assert classes["hist-b"].time_class == "eliminate" and classes["hist-b"].consolidate_into == "hist"
    assert classes["hist-c"].time_class == "eliminate"
    assert classes["hmi-1"].time_class == "migrate"
    assert "support has ended" in classes["hmi-1"].why
    assert {s.name for s in classes["hmi-1"].technical} == {
        "lifecycle",
        "findings",
        "integration",
        "resilience",
    }
    assert {s.name for s in classes["hmi-1"].functional} == {"coverage", "users"}
    assert all(s.why for t in roadmap.time_classes for s in [*t.technical, *t.functional])


def test_consolidation_target_and_interfaces_to_migrate() -> None:
    roadmap = build_roadmap(_plant(), today=TODAY, standards=False)
    (consolidation,) = roadmap.consolidations
    assert consolidation.target == "hist"
    retire = {r.system: r for r in consolidation.retire}
    assert set(retire) == {"hist-b", "hist-c"}
    moves = {(m.partner, m.action) for m in retire["hist-b"].interfaces}
    # scada-1 already feeds hist; dash must be re-pointed; hist-c is retired in the same group
    assert moves == {("scada-1", "drop"), ("dash", "re-point"), ("hist-c", "drop")}
    settings = RoadmapSettings()
    assert retire["hist-b"].one_off.value == settings.migration_cost_per_interface + 10 * 800
    assert "1 interface(s)" in retire["hist-b"].one_off.basis
    assert retire["hist-c"].annual_saving.value == 5000


def test_consumers_are_retired_before_their_producer_and_risky_changes_spread() -> None:
    roadmap = build_roadmap(_plant(), today=TODAY, standards=False)
    phase = {a.key: a.phase for a in roadmap.actions}
    # hist-c feeds hist-b, both retire: the consumer hist-b goes no later than... it goes first
    assert phase["retire:hist-b"] < phase["retire:hist-c"]
    assert "retire:hist-b" in next(a for a in roadmap.actions if a.key == "retire:hist-c").depends_on
    upgrades = [a for a in roadmap.actions if a.kind == "upgrade" and a.system.startswith("hmi")]
    assert len(upgrades) == 2 and all(a.high_risk for a in upgrades)
    assert upgrades[0].phase != upgrades[1].phase  # one high-risk level-2 change per phase


def test_savings_add_up_and_every_number_has_a_basis() -> None:
    roadmap = build_roadmap(_plant(), today=TODAY, standards=False)
    retired = [a for a in roadmap.actions if a.kind == "retire"]
    assert (
        roadmap.cash_flow.annual_savings.value == sum(a.annual_saving.value for a in retired) == 9000 + 5000
    )
    assert sum(p.one_off.value for p in roadmap.phases) == roadmap.cash_flow.one_off.value
    assert roadmap.phases[-1].run_rate_savings.value == roadmap.cash_flow.annual_savings.value
    for a in roadmap.actions:
        assert a.one_off.basis and a.annual_saving.basis and a.risk.basis
    curve = roadmap.cash_flow.curve
    assert len(curve) == 5
    assert curve[-1].cumulative == round(sum(p.net for p in curve), 2)
    npv_undiscounted = build_roadmap(
        _plant(), RoadmapSettings(discount_rate=0), TODAY, standards=False
    ).cash_flow.npv.value
    assert abs(npv_undiscounted - curve[-1].cumulative) < 1
    assert roadmap.cash_flow.npv.value < npv_undiscounted


def test_settings_change_the_numbers() -> None:
    cheap = build_roadmap(
        _plant(),
        RoadmapSettings(migration_cost_per_interface=0, labour_rate_per_day=0),
        TODAY,
        standards=False,
    )
    assert all(a.one_off.value == 0 for a in cheap.actions if a.kind == "retire")
    assert cheap.cash_flow.payback_month.value == 0  # nothing spent: paid back at once


def test_nothing_to_do_gives_an_empty_plan() -> None:
    roadmap = build_roadmap(well_integrated(), today=TODAY, standards=False)
    assert roadmap.actions == [] and roadmap.phases == []
    assert roadmap.cash_flow.annual_savings.value == 0


def test_open_standards_findings_lower_technical_fit() -> None:
    """Systems without owner or lifecycle dates break a baseline rule; that counts against them."""
    with_rules = build_roadmap(well_integrated(), today=TODAY)
    without = build_roadmap(well_integrated(), today=TODAY, standards=False)
    findings = {t.system: t.technical[1] for t in with_rules.time_classes}
    assert findings["mes"].value < 1 and "open standards finding" in findings["mes"].why
    assert {t.system: t.technical[1].value for t in without.time_classes}["mes"] == 1
