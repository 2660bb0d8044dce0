"""Redundancy: same capability at nested scopes, duplicate infrastructure, justification, cost tied up."""

from __future__ import annotations

from analysis.plants import replace, system, well_integrated
from plantarch.analysis import find_redundancies


def _with(*extra):  # type: ignore[no-untyped-def]
    model = well_integrated()
    return replace(model, systems=[*model.systems, *extra])


def test_single_historian_is_not_redundant() -> None:
    assert find_redundancies(well_integrated()) == []


def test_line_historian_under_site_historian_is_redundant_with_cost_tied_up() -> None:
    model = _with(
        system(
            "hist-l1",
            "historian",
            3,
            "line-1",
            capabilities=["historian"],
            costs={"licence": 8000, "support": 2000},
        )
    )
    (group,) = find_redundancies(model)
    assert group.objects == ["hist", "hist-l1"]
    assert group.scope == "site-a" and group.site == "site-a"
    assert group.keep == "hist"  # widest scope
    assert group.annual_cost == 30000 and group.redundant_cost == 10000
    assert group.overlap_score == 1.0
    assert "historian" in group.capabilities


def test_historians_on_sibling_lines_at_one_level_are_duplicate_infrastructure() -> None:
    model = well_integrated()
    model = replace(
        model,
        systems=[s for s in model.systems if s.key != "hist"]
        + [
            system("h1", "historian", 3, "line-1", costs={"licence": 1000}),
            system("h2", "historian", 3, "line-2", costs={"licence": 3000}),
        ],
    )
    (group,) = find_redundancies(model)
    assert group.objects == ["h1", "h2"] and group.capabilities == ["kind:historian"]
    assert group.scope == "area-1"


def test_justified_duplicate_and_partial_overlap_are_not_reported() -> None:
    model = _with(
        system(
            "hist-standby", "historian", 3, "site-a", capabilities=["historian"], justification="hot standby"
        ),
        # an MES at line level also collecting data overlaps the site MES only partly
        system("line-mes", "scada", 2, "line-1", capabilities=["mes-execution", "control", "quality"]),
    )
    groups = find_redundancies(model)
    assert all("hist-standby" not in g.objects for g in groups)
    assert all("line-mes" not in g.objects for g in groups)


def test_systems_at_different_sites_are_not_redundant() -> None:
    from plantarch.model import Location

    model = well_integrated()
    model = replace(
        model,
        locations=[*model.locations, Location(key="site-b", name="B", kind="site", parent="acme")],
        systems=[*model.systems, system("hist-b", "historian", 3, "site-b", capabilities=["historian"])],
    )
    assert find_redundancies(model) == []
