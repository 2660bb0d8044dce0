"""Resilience: articulation points and bridges of the critical-system flow graph."""

from __future__ import annotations

from analysis.plants import flow, replace, system, well_integrated
from plantarch.analysis import build_flow_graph, find_single_points_of_failure


def _star(redundant: bool):  # type: ignore[no-untyped-def]
    model = well_integrated()
    crit = {"criticality": "critical"}
    systems = [
        system("broker", "broker", 3, "site-a", **crit),
        system("mes-c", "mes", 3, "site-a", **crit),
        system("gw-1", "edge-gateway", 2, "line-1", **crit),
        system("gw-2", "edge-gateway", 2, "line-2", **crit),
        system("backup-broker", "broker", 3, "site-a", **crit),
    ]
    flows = [flow("gw-1", "broker"), flow("gw-2", "broker"), flow("broker", "mes-c")]
    if redundant:
        flows += [
            flow("gw-1", "backup-broker"),
            flow("gw-2", "backup-broker"),
            flow("backup-broker", "mes-c"),
        ]
    return replace(model, systems=[*model.systems, *systems], flows=[*model.flows, *flows])


def test_single_broker_between_critical_systems_is_a_single_point_of_failure() -> None:
    spofs = find_single_points_of_failure(build_flow_graph(_star(redundant=False)))
    top = spofs[0]
    assert top.kind == "system" and top.objects == ["broker"]
    assert top.parts == [1, 1, 1] and top.cut_off == 2
    assert "broker" in top.why
    bridges = [s for s in spofs if s.kind == "interface"]
    assert {tuple(b.objects) for b in bridges} == {
        ("broker", "gw-1"),
        ("broker", "gw-2"),
        ("broker", "mes-c"),
    }
    assert next(b for b in bridges if b.objects == ["broker", "mes-c"]).flows == ["broker.mes-c"]


def test_a_second_broker_removes_the_single_point_of_failure() -> None:
    assert find_single_points_of_failure(build_flow_graph(_star(redundant=True))) == []


def test_non_critical_systems_are_ignored() -> None:
    assert find_single_points_of_failure(build_flow_graph(well_integrated())) == []
