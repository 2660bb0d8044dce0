"""Lifecycle risk (injectable today, level and criticality weights) and TCO roll-ups."""

from __future__ import annotations

from datetime import date

from analysis.plants import TODAY, replace, system, well_integrated
from plantarch.analysis import assess_lifecycle, find_redundancies, summarise_costs


def _model():  # type: ignore[no-untyped-def]
    model = well_integrated()
    extra = [
        system("hmi-old", "hmi", 2, "line-1", eos=date(2024, 6, 30), criticality="high"),
        system("srv-old", "file-server", 4, "acme", eos=date(2024, 6, 30), criticality="high"),
        system("soon", "scada", 2, "line-1", eos=date(2027, 3, 1), criticality="low"),
        system("later", "scada", 2, "line-1", eos=date(2030, 1, 1)),
    ]
    return replace(model, systems=[*model.systems, *extra])


def test_ended_and_ending_support_with_lower_levels_weighing_more() -> None:
    risks = assess_lifecycle(_model(), TODAY)
    assert [(r.objects[0], r.status) for r in risks] == [
        ("hmi-old", "ended"),
        ("srv-old", "ended"),
        ("soon", "ending"),
    ]
    assert risks[0].risk > risks[1].risk  # level 2 outweighs level 4
    assert risks[0].risk == 100 * 1.0 * 0.9 * 0.75
    assert "level 2" in risks[0].basis


def test_today_decides_what_has_ended() -> None:
    assert assess_lifecycle(_model(), date(2020, 1, 1)) == []
    later = assess_lifecycle(_model(), date(2031, 1, 1))
    assert {r.objects[0] for r in later} == {"hmi-old", "srv-old", "soon", "later"}


def test_costs_roll_up_per_system_capability_site_and_redundant_share() -> None:
    model = well_integrated()
    model = replace(
        model,
        systems=[
            *model.systems,
            system(
                "hist-l1",
                "historian",
                3,
                "line-1",
                capabilities=["historian", "quality"],
                costs={"hosting": 10000},
            ),
        ],
    )
    summary = summarise_costs(model, find_redundancies(model))
    assert summary.total == 180000
    assert summary.by_kind["hosting"] == 10000
    sites = {g.key: g.total for g in summary.sites}
    assert sites == {None: 100000, "site-a": 80000}
    capabilities = {g.key: g.total for g in summary.capabilities}
    assert capabilities["historian"] == 20000 + 5000 and capabilities["quality"] == 5000
    assert summary.redundant == 10000 and summary.redundant_share == round(10000 / 180000, 4)
