"""CSV exports: one row per object, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from plantarch.interchange.csv_export import safe_cell, write_csv, write_csv_dir
from plantarch.model import Asset, PlantModel, System


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("MES = good", "MES = good"),
        ("", ""),
    ],
)
def test_formula_triggers_get_an_apostrophe(text: str, expected: str) -> None:
    assert safe_cell(text) == expected


def test_injected_formulas_reach_the_file_as_text(tmp_path: Path) -> None:
    model = PlantModel(
        systems=[System(key="s1", name="=cmd|' /C calc'!A0", kind="mes", owner="@ops", tags=["-x", "ok"])],
        assets=[Asset(key="a1", name="+host", hostnames=["=evil.local"])],
    )
    counts = write_csv_dir(model, tmp_path)
    assert counts == {"systems.csv": 1, "assets.csv": 1, "flows.csv": 0}
    with (tmp_path / "systems.csv").open(newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["name"] == "'=cmd|' /C calc'!A0"
    assert row["owner"] == "'@ops"
    assert row["tags"] == "'-x; ok"
    with (tmp_path / "assets.csv").open(newline="", encoding="utf-8") as fh:
        asset = next(csv.DictReader(fh))
    assert asset["name"] == "'+host" and asset["hostnames"] == "'=evil.local"


def test_columns_flatten_costs_and_lifecycle(plant: PlantModel, tmp_path: Path) -> None:
    path = tmp_path / "systems.csv"
    assert write_csv(plant, "systems", path) == len(plant.systems)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = {r["key"]: r for r in csv.DictReader(fh)}
    assert rows["erp"]["costs.licence"] == "250000.0"
    assert rows["erp"]["lifecycle.end_of_support"] == "2030-12-31"
    assert rows["mes"]["capabilities"] == "mom; mom.data"
    assert rows["hmi-1"]["purdue_level"] == "2.0"
