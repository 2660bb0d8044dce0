"""Diagrams: Purdue bands in order, zones with conduits coloured by compliance, aggregation at scale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from plantarch.model import Asset, Flow, Location, PlantModel, System, Zone
from plantarch.report.compliance import STATUS_COLOURS, conduit_status
from plantarch.report.diagram import VIEWS, build_view
from plantarch.report.render import to_dot, to_mermaid, write_diagram

SVG = "{http://www.w3.org/2000/svg}"


def test_purdue_bands_run_from_level_5_down_to_0(plant: PlantModel) -> None:
    diagram = build_view(plant, "purdue")
    assert [c.label.split(" · ")[0] for c in diagram.clusters] == [
        "Level 4",
        "Level 3.5",
        "Level 3",
        "Level 2",
        "Level 1",
    ]
    band_of = {n.id: n.cluster for n in diagram.nodes}
    assert band_of["erp"] == "band_4" and band_of["fw-1"] == "band_3_5"
    assert band_of["10.1.0.23"] == "band_1"  # discovered asset placed by its suggested level
    assert "srv-mes" not in band_of  # an asset hosting a system is drawn through the system
    bypass = next(e for e in diagram.edges if (e.source, e.target) == ("erp", "plc-1"))
    assert bypass.colour == STATUS_COLOURS["violation"]


def test_svg_draws_bands_top_to_bottom(plant: PlantModel, graphviz: None, tmp_path: Path) -> None:
    path = tmp_path / "purdue.svg"
    write_diagram(build_view(plant, "purdue"), path)
    root = etree.parse(str(path)).getroot()
    tops = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "cluster":
            label = "".join(t.text or "" for t in group.iter(f"{SVG}text"))
            ys = [float(y) for y in re.findall(r"-?\d+\.?\d*", group.find(f"{SVG}path").get("d", ""))[1::2]]
            tops[label.split(" · ")[0]] = min(ys)
    order = sorted(tops, key=tops.__getitem__)
    assert order == ["Level 4", "Level 3.5", "Level 3", "Level 2", "Level 1"]


def test_conduits_are_coloured_by_compliance(plant: PlantModel) -> None:
    diagram = build_view(plant, "zones")
    colours = {e.label: e.colour for e in diagram.edges}
    assert colours["IT to DMZ"] == STATUS_COLOURS["ok"]  # default deny, allow-list, SL met
    assert colours["DMZ to operations"] == STATUS_COLOURS["warning"]  # no allow-list
    assert colours["Operations to cell"] == STATUS_COLOURS["violation"]  # not default deny


def test_findings_override_the_conduit_heuristic(plant: PlantModel) -> None:
    class Finding:
        def __init__(self, key: str, severity: str, evidence: dict[str, object]) -> None:
            self.kind, self.key, self.severity, self.status, self.evidence = (
                "flow",
                key,
                severity,
                "open",
                evidence,
            )

    conduit = next(c for c in plant.conduits if c.key == "it-dmz")
    assert conduit_status(conduit, []) == "ok"
    assert conduit_status(conduit, [Finding("f1", "high", {"conduits": ["it-dmz"]})]) == "violation"
    assert conduit_status(conduit, [Finding("f1", "low", {"conduit": "it-dmz"})]) == "warning"
    assert conduit_status(conduit, [Finding("f1", "high", {"conduits": ["other"]})]) == "ok"


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_svg_png_and_mermaid(
    plant: PlantModel, view: str, graphviz: None, tmp_path: Path
) -> None:
    diagram = build_view(plant, view)
    for suffix, magic in ((".svg", b"<?xml"), (".png", b"\x89PNG"), (".mmd", b"---")):
        path = tmp_path / f"{view}{suffix}"
        write_diagram(diagram, path)
        assert path.read_bytes().startswith(magic)


def test_labels_cannot_break_out_of_dot_or_mermaid(plant: PlantModel) -> None:
    plant.systems[0].name = 'quote " back\\slash\nnewline ]; evil -> x'
    dot = to_dot(build_view(plant, "flows"))
    assert 'label="quote \\" back\\\\slash\\nnewline ]; evil -> x"' in dot
    mermaid = to_mermaid(build_view(plant, "purdue"))
    assert "<script>" not in mermaid and "#lt;script#gt;" in mermaid
    assert "quote #quot; back\\slash<br/>newline ]; evil -#gt; x" in mermaid


def _big_plant(sites: int, per_site: int) -> PlantModel:
    locations = [Location(key=f"site{s}", name=f"Site {s}", kind="site") for s in range(sites)]
    zones, systems, assets, flows = [], [], [], []
    for s in range(sites):
        zones.append(Zone(key=f"z{s}", name=f"Site {s} cell", site=f"site{s}", purdue_levels=[1.0, 2.0]))
        systems.append(System(key=f"scada{s}", name=f"SCADA {s}", kind="scada", purdue_level=2, zone=f"z{s}"))
        for i in range(per_site):
            assets.append(
                Asset(key=f"s{s}a{i}", name=f"plc {s}-{i}", kind="plc", purdue_level=1, zone=f"z{s}")
            )
            flows.append(Flow(key=f"f{s}-{i}", source=f"scada{s}", target=f"s{s}a{i}", protocol="modbus"))
    return PlantModel(locations=locations, zones=zones, systems=systems, assets=assets, flows=flows)


def test_big_models_are_aggregated_not_drawn_node_by_node() -> None:
    model = _big_plant(sites=20, per_site=300)  # 6,020 endpoints
    diagram = build_view(model, "purdue")
    assert diagram.aggregated == "by site, zone and level"
    assert len(diagram.nodes) == 40  # one per zone and level
    assert sum(n.count for n in diagram.nodes) == 6020
    assert sum(e.count for e in diagram.edges) == 6000
    assert diagram.nodes[0].label.startswith("Site 0 cell\n")
    tiny = build_view(model, "purdue", max_nodes=5)
    assert tiny.aggregated == "by level" and len(tiny.nodes) == 2
    assert build_view(model, "flows").aggregated == "by zone"
    assert build_view(model, "flows", max_nodes=5).aggregated == "by site"
    zones = build_view(model, "zones", max_nodes=30)  # 20 systems drawn in 20 zones
    assert not zones.aggregated and len(zones.clusters) == 20
    zones = build_view(model, "zones", max_nodes=10)
    assert zones.aggregated == "by site" and len(zones.nodes) == 20
    assert all("1 zone, 1 system" in n.label for n in zones.nodes)


def test_unknown_view_is_bad_input(plant: PlantModel) -> None:
    from plantarch.errors import InputError

    with pytest.raises(InputError, match="unknown view"):
        build_view(plant, "org-chart")


def test_zones_view_collapses_each_zone_to_one_node_when_systems_are_many(plant: PlantModel) -> None:
    diagram = build_view(plant, "zones", max_nodes=5)  # 8 systems, 4 zones
    assert diagram.aggregated == "by zone"
    assert sorted(n.id for n in diagram.nodes) == ["zone:cell-1", "zone:dmz", "zone:enterprise", "zone:ops"]
    cell = next(n for n in diagram.nodes if n.id == "zone:cell-1")
    assert cell.label.endswith("3 systems")
    assert {(e.source, e.target) for e in diagram.edges} == {
        ("zone:enterprise", "zone:dmz"),
        ("zone:dmz", "zone:ops"),
        ("zone:ops", "zone:cell-1"),
    }
    assert [c.label for c in diagram.clusters] == ["Lyon plant"]  # zones grouped by their site
