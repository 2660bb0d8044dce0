"""`plantarch analyze` and `plantarch roadmap` on a YAML model directory and on a real store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from analysis.plants import well_integrated
from plantarch.cli.app import app
from plantarch.interchange.yaml_model import write_model_dir
from plantarch.store import Store

runner = CliRunner()


def _model_dir(tmp_path: Path) -> Path:
    path = tmp_path / "model"
    write_model_dir(well_integrated(), path)
    return path


def test_analyze_json_and_text_from_a_model_directory(tmp_path: Path) -> None:
    path = _model_dir(tmp_path)
    result = runner.invoke(app, ["analyze", "--model", str(path), "--format", "json", "--date", "2026-11-24"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["metrics"]["systems"] == 8 and data["today"] == "2026-11-24"
    text = runner.invoke(app, ["analyze", "--model", str(path)])
    assert text.exit_code == 0 and "Integration gaps (0)" in text.output
    plan = runner.invoke(app, ["roadmap", "--model", str(path)])
    assert plan.exit_code == 0 and "TIME: tolerate 0, invest 8" in plan.output
    bad_date = runner.invoke(app, ["analyze", "--model", str(path), "--date", "24/11/2026"])
    assert bad_date.exit_code != 0 and "--date" in str(bad_date.exception)


def test_roadmap_csv_has_a_row_per_action(demo_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "demo"
    write_model_dir(demo_model, path)
    result = runner.invoke(app, ["roadmap", "--model", str(path), "--format", "csv", "--date", "2026-11-24"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert any(r["action"] == "retire:hist-canary-rp" for r in rows)
    assert all(r["one_off_basis"] for r in rows)


def test_roadmap_settings_file_error_exits_2(tmp_path: Path) -> None:
    settings = tmp_path / "s.yaml"
    settings.write_text("discount_rate: -1\n", encoding="utf-8")
    result = runner.invoke(
        app, ["roadmap", "--model", str(_model_dir(tmp_path)), "--settings", str(settings)]
    )
    assert result.exit_code != 0
    from plantarch.errors import InputError

    assert isinstance(result.exception, InputError) and result.exception.line == 1


def test_analyze_reads_the_store(store: Store, tmp_path: Path) -> None:
    with store.change(author="test", reason="load", source="test") as cs:
        for _, obj in well_integrated().all_objects():
            cs.put(obj)
    workspace = tmp_path / "ws"
    # point the CLI at the same database (SQLite file or PostgreSQL) the fixture filled
    url = store.engine.url.render_as_string(hide_password=False)
    result = runner.invoke(app, ["analyze", "--database", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["metrics"]["flows"] == 8
    assert not workspace.exists()
