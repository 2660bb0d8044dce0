"""Silos: isolated systems, inward-looking groups, areas cut off from the business layer."""

from __future__ import annotations

from analysis.plants import flow, replace, system, well_integrated
from plantarch.analysis import build_flow_graph, find_silos


def test_well_integrated_plant_has_no_silo() -> None:
    assert find_silos(build_flow_graph(well_integrated())) == []


def test_isolated_system_is_a_silo_but_a_switch_is_not() -> None:
    model = well_integrated()
    model = replace(
        model,
        systems=[
            *model.systems,
            system("lab-pc", "lims", 3, "site-a"),
            system("core-switch", "switch", 3, "site-a"),
        ],
    )
    silos = find_silos(build_flow_graph(model))
    assert [(s.kind, s.objects) for s in silos] == [("isolated", ["lab-pc"])]


def test_line_talking_only_to_itself_is_a_group_silo_and_a_cut_off_area() -> None:
    model = well_integrated()
    line2 = [
        system("plc-9", "plc", 1, "line-2", zone="cell-2"),
        system("hmi-9", "hmi", 2, "line-2", zone="cell-2"),
    ]
    model = replace(model, systems=[*model.systems, *line2], flows=[*model.flows, flow("hmi-9", "plc-9")])
    silos = find_silos(build_flow_graph(model))
    kinds = {(s.kind, tuple(s.objects)) for s in silos}
    assert ("group", ("plc-9", "hmi-9")) in kinds
    assert ("area", ("line-2", "hmi-9", "plc-9")) in kinds
    group = next(s for s in silos if s.kind == "group")
    assert group.zones == ["cell-2"] and group.site == "site-a"
    assert "zone cell-2" in group.why


def test_management_flows_do_not_break_a_silo() -> None:
    """A backup job reaching every server must not count as a data consumer."""
    model = well_integrated()
    model = replace(
        model,
        systems=[
            *model.systems,
            system("lab-pc", "lims", 3, "site-a"),
            system("backup", "backup", 3, "site-a"),
        ],
        flows=[*model.flows, flow("backup", "lab-pc", "backup"), flow("backup", "erp", "backup")],
    )
    silos = find_silos(build_flow_graph(model))
    assert [s.objects for s in silos] == [["lab-pc"]]
