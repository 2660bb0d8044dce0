"""Every committed change set leaves exactly one audit entry with its author, whichever path wrote it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from plantarch import governance as gov
from plantarch.cli.app import app
from plantarch.governance.edits import create_object, update_object
from plantarch.interchange.yaml_model import write_model_dir
from plantarch.model import PlantModel, System, Zone
from plantarch.store import Store


def run(store: Store, *args: str) -> Result:
    """Run the CLI in-process against the same database as `store`."""
    if store.dialect == "sqlite":
        where = ["--workspace", str(Path(str(store.engine.url.database)).parent)]
    else:
        where = ["--database", store.engine.url.render_as_string(hide_password=False)]
    return CliRunner().invoke(app, [*args, *where])


def model_dir(tmp_path: Path) -> Path:
    plant = PlantModel(
        zones=[Zone(key="cell", name="Cell")],
        systems=[System(key="plc", name="PLC", kind="plc", purdue_level=1, zone="cell")],
    )
    write_model_dir(plant, tmp_path / "model")
    return tmp_path / "model"


def test_cli_import_model_leaves_one_entry_and_a_no_op_import_none(store: Store, tmp_path: Path) -> None:
    source = model_dir(tmp_path)
    first = run(store, "import", "model", str(source), "--author", "alice")
    assert first.exit_code == 0, first.output
    again = run(store, "import", "model", str(source), "--author", "bob")
    assert again.exit_code == 0 and "nothing changed" in again.output
    [entry] = gov.read_audit(store)
    assert (entry.user, entry.action, entry.revision, entry.target) == ("alice", "change", 1, "revision:1")
    assert entry.detail["reason"].startswith("import model") and entry.detail["counts"] == {
        "add": 2,
        "update": 0,
        "delete": 0,
    }
    listed = run(store, "audit", "--user", "alice", "--format", "json")
    assert [(e["user"], e["revision"]) for e in json.loads(listed.output)] == [("alice", 1)]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="seconds").replace("+00:00", "")
    assert json.loads(run(store, "audit", "--since", future, "--format", "json").output) == []
    assert "alice" in run(store, "audit").output


def test_cli_discover_pcap_leaves_one_entry_with_its_author(store: Store, shared_data: Path) -> None:
    capture = shared_data / "captures" / "hart_ip.pcap"
    result = run(store, "discover", "pcap", str(capture), "--author", "carol")
    assert result.exit_code == 0, result.output
    [entry] = gov.read_audit(store)
    assert (entry.user, entry.action, entry.revision) == ("carol", "discover-pcap", store.revision)
    assert entry.detail["source"] == "pcap" and entry.detail["counts"]["add"] > 0
    assert run(store, "discover", "pcap", str(capture), "--author", "carol").exit_code == 0
    assert len(gov.read_audit(store)) == 1  # the same capture again changes nothing


def test_api_style_edits_are_audited_once_each(store: Store) -> None:
    create_object(store, Zone(key="dmz", name="DMZ"), "ed")
    update_object(store, "zone", "dmz", {"name": "DMZ"}, "ed")  # unchanged: no change set, no entry
    update_object(store, "zone", "dmz", {"name": "Plant DMZ"}, "ed")
    entries = gov.read_audit(store)
    assert [(e.action, e.target, e.revision) for e in entries] == [
        ("update", "zone:dmz", 2),
        ("create", "zone:dmz", 1),
    ]
    assert entries[0].detail["fields"] == ["name"] and entries[0].detail["source"] == "api"


def test_a_rolled_back_change_set_leaves_no_entry_and_entries_cannot_be_changed(store: Store) -> None:
    with pytest.raises(RuntimeError), store.change(author="mallory", reason="half") as cs:
        cs.put(Zone(key="z", name="Z"))
        raise RuntimeError("abort")
    assert gov.read_audit(store) == []
    with store.change(author="ann", reason="zone") as cs:
        cs.put(Zone(key="z", name="Z"))
    for statement in ("UPDATE audit_log SET \"user\" = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(Exception), store.engine.begin() as conn:  # noqa: B017 - the trigger's error
            conn.execute(text(statement))
    [entry] = gov.read_audit(store)
    assert (entry.user, entry.target) == ("ann", "zone:z")
