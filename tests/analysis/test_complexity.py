"""Integration complexity: point-to-point vs hub, sprawl, hotspots."""

from __future__ import annotations

from itertools import combinations

from analysis.plants import flow, replace, system, well_integrated
from plantarch.analysis import build_flow_graph, measure_complexity

APPS = ["mes", "qms", "hist", "wms", "lims"]


def _mesh(pattern: str | None, via: str | None = None):  # type: ignore[no-untyped-def]
    model = well_integrated()
    extra = [
        system("wms", "wms", 3, "site-a"),
        system("lims", "lims", 3, "site-a"),
        system("esb", "middleware", 3),
    ]
    flows = [
        flow(a, b, "other", key=f"mesh-{a}-{b}", pattern=pattern, via=via, protocol="https")
        for a, b in combinations(APPS, 2)
    ]
    return replace(model, systems=[*model.systems, *extra], flows=flows)


def test_full_mesh_of_five_systems_is_spaghetti() -> None:
    result = measure_complexity(build_flow_graph(_mesh("point-to-point")))
    (site,) = result.sites
    assert site.site == "site-a" and site.point_to_point == 10 and site.hub_connections_needed == 5
    kinds = {f.kind for f in result.findings}
    assert "spaghetti" in kinds
    spaghetti = next(f for f in result.findings if f.kind == "spaghetti")
    assert set(spaghetti.objects) == set(APPS)


def test_same_exchanges_through_middleware_are_not_spaghetti() -> None:
    result = measure_complexity(build_flow_graph(_mesh("middleware", via="esb")))
    assert result.overall.point_to_point == 0 and result.overall.hub_mediated == 10
    assert not [f for f in result.findings if f.kind == "spaghetti"]
    assert result.overall.protocols == {"https": 10}


def test_control_traffic_is_not_an_interface() -> None:
    model = well_integrated()
    result = measure_complexity(build_flow_graph(model))
    keys = {c.system for c in result.busiest}
    assert "plc-1" not in keys and "plc-2" not in keys


def test_two_unjustified_brokers_at_a_site_are_middleware_sprawl() -> None:
    model = well_integrated()
    brokers = [system("mq-1", "broker", 3, "site-a"), system("mq-2", "broker", 3, "line-1")]
    justified = system("mq-3", "broker", 3, "site-a", justification="DMZ relay")
    result = measure_complexity(
        build_flow_graph(replace(model, systems=[*model.systems, *brokers, justified]))
    )
    (sprawl,) = [f for f in result.findings if f.kind == "middleware-sprawl"]
    assert sprawl.objects == ["mq-1", "mq-2"]


def test_hotspot_with_many_direct_interfaces() -> None:
    model = well_integrated()
    apps = [system(f"app-{i}", "other", 3, "site-a") for i in range(6)]
    flows = [flow("mes", f"app-{i}", "other", pattern="file") for i in range(6)]
    result = measure_complexity(
        build_flow_graph(replace(model, systems=[*model.systems, *apps], flows=flows))
    )
    hotspots = [f.objects for f in result.findings if f.kind == "interface-hotspot"]
    assert hotspots == [["mes"]]
