"""Importing a declared model: one change set, idempotent, and discovery's findings survive."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantarch.errors import InputError
from plantarch.interchange.model_io import import_model
from plantarch.interchange.yaml_model import write_model_dir
from plantarch.model import Asset, Flow, PlantModel, System, Zone
from plantarch.store import Store, sync_declared_model


def declared() -> PlantModel:
    return PlantModel(
        zones=[Zone(key="cell", name="Cell")],
        systems=[
            System(key="plc", name="PLC", kind="plc", zone="cell"),
            System(key="mes", name="MES", kind="mes"),
        ],
        assets=[Asset(key="plc-cpu", name="CPU", ips=["10.0.0.5"], systems=["plc"])],
        flows=[Flow(key="mes-plc", source="mes", target="plc", protocol="opcua")],
    )


def test_import_is_one_change_set_and_reimport_records_nothing(store: Store) -> None:
    first = sync_declared_model(store, declared(), author="alice")
    assert first.revision == 1
    assert first.added == {"zone": 1, "system": 2, "asset": 1, "flow": 1}
    assert store.load_model() == declared().sorted()

    again = sync_declared_model(store, declared(), author="alice")
    assert again.revision is None and not again.changed
    assert store.revision == 1


def test_import_updates_and_deletes_declared_objects_but_keeps_discovery_findings(store: Store) -> None:
    sync_declared_model(store, declared(), author="alice")
    with store.change(author="discovery", source="pcap") as cs:
        cs.put(Asset(key="10.0.0.99", name="unknown host", ips=["10.0.0.99"], declared=False))
        cs.put(Flow(key="obs-1", source="10.0.0.99", target="plc", protocol="modbus", origin="observed"))

    model = declared()
    model.systems = [System(key="plc", name="Filler PLC", kind="plc", zone="cell")]
    model.flows = []
    model.assets = []
    result = sync_declared_model(store, model, author="bob", reason="line 1 rework")
    assert result.revision == 3
    assert result.updated == {"system": 1}
    assert result.deleted == {"flow": 1, "asset": 1, "system": 1}
    assert store.get("asset", "10.0.0.99") is not None
    assert store.get("flow", "obs-1") is not None
    assert store.get("system", "mes") is None
    changes = {(c.kind, c.key, c.op) for c in store.diff(2, 3)}
    assert ("system", "plc", "update") in changes and ("flow", "mes-plc", "delete") in changes


def test_streamed_import_rolls_back_when_a_late_file_is_invalid(store: Store, tmp_path: Path) -> None:
    write_model_dir(declared(), tmp_path)
    assert import_model(store, tmp_path, author="alice").revision == 1
    (tmp_path / "zz-late.yaml").write_text("flows:\n- key: late\n  source: mes\n  target: nowhere\n")
    (tmp_path / "plant.yaml").write_text(
        (tmp_path / "plant.yaml").read_text().replace("name: Cell", "name: Cell 2")
    )
    with pytest.raises(InputError, match="unknown 'nowhere'"):
        import_model(store, tmp_path, author="bob")
    assert store.revision == 1 and store.get("zone", "cell") == declared().zones[0]
