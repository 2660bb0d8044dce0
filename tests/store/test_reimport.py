"""Importing the architecture files again after discovery: people's values win, nothing observed is lost."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from plantarch.demo.capture import write_demo_capture
from plantarch.demo.plant_model import demo_plant_dir
from plantarch.discovery.observation import HostObservation, ObservationBatch
from plantarch.discovery.pcap.source import discover_pcap
from plantarch.discovery.reconcile import reconcile
from plantarch.interchange.model_io import export_model, import_model
from plantarch.model import Asset, PlantModel, System, Zone
from plantarch.model.base import Provenance
from plantarch.store import Store, sync_declared_model

SEEN = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def declared() -> PlantModel:
    return PlantModel(
        zones=[Zone(key="cell", name="Cell")],
        systems=[System(key="plc", name="PLC", kind="plc", zone="cell", vendor="Siemens")],
        assets=[
            Asset(key="plc-cpu", name="CPU", kind="plc", ips=["10.0.0.5"], vendor="Siemens", systems=["plc"]),
            Asset(key="hmi-1", name="HMI", kind="hmi", ips=["10.0.0.6"]),
        ],
    )


def sighting(source: str = "pcap", **host: object) -> ObservationBatch:
    seen = HostObservation.model_validate({"first_seen": SEEN, "last_seen": SEEN, **host})
    return ObservationBatch(provenance=Provenance(source=source, reference=f"{source}-1"), hosts=[seen])


def test_demo_import_discover_import_again_records_nothing_and_loses_nothing(
    store: Store, tmp_path: Path
) -> None:
    assert import_model(store, demo_plant_dir(), author="alice").revision == 1
    capture = write_demo_capture(tmp_path / "demo.pcap")
    assert reconcile(store, discover_pcap([capture.path]), author="pcap").revision == 2
    discovered = store.load_model()

    again = import_model(store, demo_plant_dir(), author="alice")
    assert again.revision is None, again.as_dict()
    assert store.load_model() == discovered
    assert reconcile(store, discover_pcap([capture.path]), author="pcap").revision is None
    assert store.revision == 2


def test_export_then_import_changes_nothing_after_discovery(store: Store, tmp_path: Path) -> None:
    sync_declared_model(store, declared(), author="alice")
    reconcile(store, sighting(ip="10.0.0.5", mac="00:1b:1b:00:00:05", roles=["s7-plc"]), author="pcap")
    reconcile(store, sighting(ip="10.0.0.77", roles=["modbus-master"]), author="pcap")
    files = export_model(store, tmp_path / "first")
    assert import_model(store, tmp_path / "first", author="alice").revision is None
    again = export_model(store, tmp_path / "second")
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in again]


def test_cmdb_systems_survive_a_model_import(store: Store) -> None:
    sync_declared_model(store, declared(), author="alice")
    cmdb = ObservationBatch(
        provenance=Provenance(source="cmdb", reference="cmdb.csv"),
        systems=[System(key="erp", name="SAP ERP", kind="erp", vendor="SAP")],
        hosts=[HostObservation(ip="10.9.0.1", names=["erp-db"], attributes={"systems": ["erp"]})],
    )
    reconcile(store, cmdb, author="cmdb")
    erp = store.get("system", "erp")
    assert isinstance(erp, System) and erp.declared is False

    result = sync_declared_model(store, declared(), author="alice")
    assert result.revision is None
    assert store.get("system", "erp") == erp
    assert store.get("asset", "erp-db") is not None


def test_declared_object_dropped_from_files_but_observed_stays_undeclared(store: Store) -> None:
    sync_declared_model(store, declared(), author="alice")
    reconcile(store, sighting(ip="10.0.0.6", mac="00:0e:8c:00:00:06", roles=["hmi"]), author="pcap")

    model = declared()
    model.assets = [a for a in model.assets if a.key != "hmi-1"]
    result = sync_declared_model(store, model, author="alice")
    assert result.deleted == {} and result.updated == {"asset": 1}
    hmi = store.get("asset", "hmi-1")
    assert isinstance(hmi, Asset) and hmi.declared is False
    assert hmi.macs == ["00:0e:8c:00:00:06"] and hmi.ips == ["10.0.0.6"] and hmi.roles == ["hmi"]
    assert hmi.first_seen == SEEN

    model.systems = []  # never observed: really deleted
    model.assets = [a.model_copy(update={"systems": []}) for a in model.assets]
    assert sync_declared_model(store, model, author="alice").deleted == {"system": 1}


def test_person_value_beats_discovery_and_survives_rediscovery(store: Store) -> None:
    sync_declared_model(store, declared(), author="alice")
    scan = sighting("nmap", ip="10.0.0.5", vendor="Dell Inc.", os="Linux", roles=["s7-plc"])
    reconcile(store, scan, author="nmap")
    cmdb = sighting("cmdb", ip="10.0.0.5", vendor="Rockwell")
    reconcile(store, cmdb, author="cmdb")
    cpu = store.get("asset", "plc-cpu")
    assert isinstance(cpu, Asset) and cpu.vendor == "Siemens" and cpu.os == "Linux"

    model = declared()  # a person now writes a different vendor and states the OS
    model.assets[0] = model.assets[0].model_copy(update={"vendor": "Siemens AG", "os": "S7 firmware"})
    assert sync_declared_model(store, model, author="alice").updated == {"asset": 1}
    assert reconcile(store, [scan, cmdb], author="again").revision is None
    cpu = store.get("asset", "plc-cpu")
    assert isinstance(cpu, Asset)
    assert (cpu.vendor, cpu.os, cpu.roles, cpu.last_seen) == ("Siemens AG", "S7 firmware", ["s7-plc"], SEEN)
    person = {(c.field, c.value) for c in cpu.field_sources if c.source == "declared"}
    assert {("vendor", "Siemens AG"), ("os", "S7 firmware")} <= person

    model.assets[0] = model.assets[0].model_copy(update={"os": None})  # the person stops stating the OS
    sync_declared_model(store, model, author="alice")
    cpu = store.get("asset", "plc-cpu")
    assert isinstance(cpu, Asset) and cpu.os == "Linux" and cpu.vendor == "Siemens AG"
