"""GraphML: systems and assets as nodes, flows and hosting as typed edges."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from plantarch.interchange.graphml import GRAPHML_NS, write_graphml
from plantarch.model import PlantModel

G = f"{{{GRAPHML_NS}}}"


def test_graph_has_every_endpoint_and_flow(plant: PlantModel, tmp_path: Path) -> None:
    path = tmp_path / "plant.graphml"
    nodes, edges = write_graphml(plant, path)
    root = etree.parse(str(path)).getroot()
    keys = {k.get("id"): k.get("attr.type") for k in root.iter(f"{G}key")}
    assert keys["purdue_level"] == "double" and keys["port"] == "int"
    ids = [n.get("id") for n in root.iter(f"{G}node")]
    assert len(ids) == nodes == len(plant.systems) + len(plant.assets)
    assert len(set(ids)) == len(ids)
    edge_els = list(root.iter(f"{G}edge"))
    assert len(edge_els) == edges == len(plant.flows) + 2  # two hosting edges
    for edge in edge_els:
        assert edge.get("source") in ids and edge.get("target") in ids
    erp_plc = next(e for e in edge_els if (e.get("source"), e.get("target")) == ("erp", "plc-1"))
    data = {d.get("key"): d.text for d in erp_plc}
    assert data == {
        "relation": "flow",
        "flow": "erp-plc",
        "protocol": "modbus",
        "port": "502",
        "origin": "declared",
    }


def test_names_are_text_not_markup(plant: PlantModel, tmp_path: Path) -> None:
    path = tmp_path / "plant.graphml"
    write_graphml(plant, path)
    root = etree.parse(str(path)).getroot()
    scada = next(n for n in root.iter(f"{G}node") if n.get("id") == "scada")
    name = next(d for d in scada if d.get("key") == "name")
    assert name.text == "SCADA <script>alert('x')</script>"
    assert b"<script>" not in path.read_bytes()
