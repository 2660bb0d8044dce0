"""The report, diagram and export commands against a real SQLite workspace."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plantarch.cli.app import app, main
from plantarch.model import PlantModel
from plantarch.store import open_store


@pytest.fixture
def workspace(plant: PlantModel, tmp_path: Path) -> Path:
    """A workspace holding the small plant."""
    path = tmp_path / "ws"
    with open_store(workspace=path) as store, store.change(author="test", reason="seed") as cs:
        for _, obj in plant.all_objects():
            cs.put(obj)
    return path


def _run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_report_writes_html(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "plant.html"
    code, output = _run("report", "--workspace", str(workspace), "--out", str(out), "--format", "json")
    assert code == 0, output
    summary = json.loads(output)
    assert summary["systems"] == 8 and summary["out"] == str(out)
    assert "SCADA &lt;script&gt;" in out.read_text(encoding="utf-8")


def test_diagram_writes_mermaid_and_svg(workspace: Path, tmp_path: Path, graphviz: None) -> None:
    code, output = _run(
        "diagram", "--workspace", str(workspace), "--view", "zones", "--out", str(tmp_path / "z.mmd")
    )
    assert code == 0, output
    assert (tmp_path / "z.mmd").read_text().startswith("---\ntitle: Zones and conduits")
    code, output = _run(
        "diagram", "--workspace", str(workspace), "--view", "purdue", "--out", str(tmp_path / "p.svg")
    )
    assert code == 0 and "nodes" in output
    assert b"<svg" in (tmp_path / "p.svg").read_bytes()


@pytest.mark.parametrize(
    ("fmt", "name", "field", "expected"),
    [
        ("archimate", "plant.xml", "elements", 27),
        ("cyclonedx", "plant.cdx.json", "services", 8),
        ("graphml", "plant.graphml", "nodes", 11),
    ],
)
def test_exports(workspace: Path, tmp_path: Path, fmt: str, name: str, field: str, expected: int) -> None:
    out = tmp_path / name
    code, output = _run("export", fmt, str(out), "--workspace", str(workspace), "--format", "json")
    assert code == 0, output
    assert json.loads(output)[field] == expected
    assert out.stat().st_size > 0


def test_export_csv_directory_and_single_kind(workspace: Path, tmp_path: Path) -> None:
    code, _ = _run("export", "csv", str(tmp_path / "csv"), "--workspace", str(workspace))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["assets.csv", "flows.csv", "systems.csv"]
    code, _ = _run(
        "export", "csv", str(tmp_path / "flows.csv"), "--kind", "flows", "--workspace", str(workspace)
    )
    assert code == 0 and (tmp_path / "flows.csv").read_text().count("\n") == 8


def test_bad_output_suffix_is_exit_2(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["diagram", "--workspace", str(workspace), "--out", str(tmp_path / "x.gif")],
        ["report", "--workspace", str(workspace), "--out", str(tmp_path / "x.docx")],
    ):
        monkeypatch.setattr(sys, "argv", ["plantarch", *args])
        with pytest.raises(SystemExit) as info:
            main()
        assert info.value.code == 2
        assert "error:" in capsys.readouterr().err


@pytest.mark.postgres
def test_report_and_export_from_postgresql(plant: PlantModel, postgres_url: str, tmp_path: Path) -> None:
    with open_store(database=postgres_url) as store, store.change(author="test", reason="seed") as cs:
        for _, obj in plant.all_objects():
            cs.put(obj)
    out = tmp_path / "plant.html"
    code, output = _run("report", "--database", postgres_url, "--out", out, "--no-analysis")
    assert code == 0, output
    assert "Filler PLC" in out.read_text(encoding="utf-8")
    code, output = _run("export", "archimate", tmp_path / "plant.xml", "--database", postgres_url)
    assert code == 0, output
    from plantarch.interchange.archimate_import import read_archimate

    assert read_archimate(tmp_path / "plant.xml") == plant.sorted()
