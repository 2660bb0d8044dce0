"""The workspace commands end to end: init, import/export model, show, history, diff, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from plantarch.cli.app import app
from plantarch.errors import InputError, StoreUnavailable
from plantarch.interchange.yaml_model import write_model_dir
from plantarch.model import Flow, PlantModel, System, Zone
from plantarch.store import open_store

PLANTARCH = str(Path(sys.executable).with_name("plantarch"))


def plant() -> PlantModel:
    return PlantModel(
        zones=[Zone(key="cell", name="Cell")],
        systems=[
            System(key="plc", name="PLC", kind="plc", purdue_level=1, zone="cell"),
            System(key="mes", name="MES", kind="mes", purdue_level=3),
        ],
        flows=[Flow(key="mes-plc", source="mes", target="plc", protocol="opcua", port=4840)],
    )


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    write_model_dir(plant(), tmp_path / "model")
    return tmp_path / "model"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """Options pointing at a fresh workspace, or at a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return ["--workspace", str(tmp_path / "ws")]
    return ["--database", request.getfixturevalue("postgres_url")]


def test_import_show_export_round_trip(tmp_path: Path, model_dir: Path, target: list[str]) -> None:
    assert run("init", *target).exit_code == 0
    imported = run("import", "model", str(model_dir), "--author", "alice", *target)
    assert imported.exit_code == 0, imported.output
    assert "revision 1" in imported.output and "2 systems" in imported.output
    assert "nothing changed" in run("import", "model", str(model_dir), *target).output

    shown = run("show", "systems", "--format", "json", *target)
    assert [o["key"] for o in json.loads(shown.output)["objects"]] == ["mes", "plc"]
    one = run("show", "system", "plc", *target)
    assert "purdue_level: 1" in one.output and "zone: cell" in one.output
    filtered = json.loads(
        run("show", "flow", "--filter", "protocol=opcua", "--format", "json", *target).output
    )
    assert filtered["total"] == 1

    assert run("export", "model", str(tmp_path / "out"), *target).exit_code == 0
    for file in model_dir.rglob("*.yaml"):
        assert (tmp_path / "out" / file.relative_to(model_dir)).read_bytes() == file.read_bytes()


def test_options_before_the_command_and_environment(tmp_path: Path, model_dir: Path) -> None:
    ws = str(tmp_path / "ws")
    assert run("--workspace", ws, "import", "model", str(model_dir)).exit_code == 0
    assert "plc" in run("--workspace", ws, "show", "system").output
    os.environ["PLANTARCH_WORKSPACE"] = ws
    try:
        assert json.loads(run("history", "--format", "json").output)[0]["revision"] == 1
    finally:
        del os.environ["PLANTARCH_WORKSPACE"]


def test_history_and_diff_show_changed_fields(tmp_path: Path, model_dir: Path, target: list[str]) -> None:
    run("import", "model", str(model_dir), "--author", "alice", "--reason", "baseline", *target)
    changed = plant()
    changed.systems[0] = System(key="plc", name="Filler PLC", kind="plc", purdue_level=1, zone="cell")
    changed.flows = []
    write_model_dir(changed, model_dir)
    run("import", "model", str(model_dir), "--author", "bob", *target)

    history = json.loads(run("history", "--format", "json", *target).output)
    assert [(h["revision"], h["author"]) for h in history] == [(2, "bob"), (1, "alice")]
    assert history[1]["reason"] == "baseline" and history[1]["changes"] == 4

    text = run("diff", "1", "2", *target).output
    assert "~ system plc (name)" in text and "'PLC' → 'Filler PLC'" in text
    assert "- flow mes-plc" in text
    document = json.loads(run("diff", "1", "2", "--format", "json", *target).output)
    assert {(c["key"], c["op"]) for c in document["changes"]} == {("plc", "update"), ("mes-plc", "delete")}


def test_invalid_model_changes_nothing(tmp_path: Path, model_dir: Path, target: list[str]) -> None:
    run("import", "model", str(model_dir), *target)
    (model_dir / "plant.yaml").write_text("systems:\n- key: x\n  name: X\n  kind: plc\n  zone: nowhere\n")
    result = run("import", "model", str(model_dir), *target)
    assert isinstance(result.exception, InputError)
    assert result.exception.line == 5 and result.exception.field == "zone"
    assert len(json.loads(run("history", "--format", "json", *target).output)) == 1


def test_bad_kind_key_and_revision_are_input_errors(target: list[str]) -> None:
    for args in (["show", "gadget"], ["show", "system", "nope"], ["diff", "0", "7"]):
        result = run(*args, *target)
        assert isinstance(result.exception, InputError), args


def test_unreachable_database_is_store_unavailable() -> None:
    result = run("--database", "postgresql://postgres@127.0.0.1:1/plant", "history")
    assert isinstance(result.exception, StoreUnavailable)


def test_real_process_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "plant.yaml").write_text("zones:\n- key: z\n  name: [oops\n")
    process = subprocess.run(
        [PLANTARCH, "--workspace", str(tmp_path / "ws"), "import", "model", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 2
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1 and "plant.yaml, line 4" in lines[0] and "broken YAML" in lines[0]
    with open_store(workspace=tmp_path / "ws") as store:
        assert store.revision == 0  # the invalid model changed nothing
