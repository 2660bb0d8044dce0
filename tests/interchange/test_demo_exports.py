"""Every export of the demo plant is valid, and its ArchiMate file goes back into a workspace unchanged."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from lxml import etree
from typer.testing import CliRunner

from plantarch.cli.app import app
from plantarch.interchange.archimate import archimate_document, to_bytes, validate_archimate, write_archimate
from plantarch.interchange.archimate_import import import_archimate
from plantarch.interchange.csv_export import write_csv_dir
from plantarch.interchange.cyclonedx import cyclonedx_json, validate_cyclonedx
from plantarch.interchange.graphml import GRAPHML_NS, write_graphml
from plantarch.model import PlantModel
from plantarch.store import open_store


def test_demo_archimate_validates_and_round_trips(
    demo_model: PlantModel, archimate_xsd: Path, tmp_path: Path
) -> None:
    data = to_bytes(archimate_document(demo_model, name="Riverside"))
    assert validate_archimate(data, archimate_xsd) == []
    path = tmp_path / "demo.xml"
    path.write_bytes(data)
    result = import_archimate(path)
    assert result.warnings == []
    assert result.model == demo_model


def test_demo_cyclonedx_validates(demo_model: PlantModel) -> None:
    text = cyclonedx_json(demo_model)
    assert validate_cyclonedx(text) == []
    services = json.loads(text)["services"]
    assert len(services) == len(demo_model.systems)
    assert sum(1 for s in services if "trustZone" in s) == sum(1 for s in demo_model.systems if s.zone)


def test_import_model_format_archimate_fills_a_workspace(demo_model: PlantModel, tmp_path: Path) -> None:
    path = tmp_path / "demo.xml"
    write_archimate(demo_model, path)
    workspace = tmp_path / "ws"
    result = CliRunner().invoke(
        app, ["import", "model", str(path), "--format", "archimate", "--workspace", str(workspace)]
    )
    assert result.exit_code == 0, result.output
    with open_store(workspace=workspace) as store:
        assert store.load_model() == demo_model.sorted()


def test_demo_graphml_and_csv_hold_every_object(demo_model: PlantModel, tmp_path: Path) -> None:
    nodes, edges = write_graphml(demo_model, tmp_path / "demo.graphml")
    root = etree.parse(str(tmp_path / "demo.graphml")).getroot()
    assert len(root.findall(f".//{{{GRAPHML_NS}}}node")) == nodes == len(demo_model.endpoint_keys())
    assert edges >= len(demo_model.flows)
    rows = write_csv_dir(demo_model, tmp_path / "csv")
    assert rows == {
        "systems.csv": len(demo_model.systems),
        "assets.csv": len(demo_model.assets),
        "flows.csv": len(demo_model.flows),
    }
    with (tmp_path / "csv" / "flows.csv").open(newline="", encoding="utf-8") as fh:
        assert [r["key"] for r in csv.DictReader(fh)] == [f.key for f in demo_model.flows]
