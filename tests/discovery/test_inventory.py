"""Inventories: CSV and XLSX asset/system lists, column mappings, ServiceNow cmdb_ci exports."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from plantarch.discovery.inventory import ColumnMapping, read_inventory
from plantarch.discovery.reconcile import reconcile
from plantarch.errors import InputError
from plantarch.model import Asset, Location, System, Zone
from plantarch.store import Store, open_store

sys.path.insert(0, str(Path(__file__).parent))
from sources_cli import invoke

SYSTEMS_CSV = """\
Name;Type;Vendor;Version;Owner;Criticality;Site;Installed;End of support;Licence cost;Maintenance;Users
Plant Historian;Historian;AVEVA;2023 R2;Maria Lopez;High;Dresden;01.03.2019;31.12.2027;"12.500,00";4 000;35
Press MES;MES;Siemens Opcenter;8.2;Jonas Weber;critical;Dresden;2020-06-15;2030-06-30;80000;15000;120
"""

CMDB_CSV = """\
sys_id,name,sys_class_name,ip_address,mac_address,manufacturer,model_id,serial_number,location,owned_by,\
business_criticality,install_status,cost,install_date,end_of_life,short_description
a1,plc-press-1,cmdb_ci_plc,10.1.1.10,00:0E:8C:C9:41:15,Siemens,S7-1516,SVP4711,Dresden,Alice,\
1 - most critical,1,,2019-04-01,,Press line PLC
a2,SAP ERP,cmdb_ci_business_app,,,SAP,S/4HANA,,Dresden,Bob,2 - somewhat critical,1,"120,000.00",\
2018-01-01,2030-12-31,Enterprise ERP
a3,Old HMI,cmdb_ci_computer,10.1.1.99,,Siemens,,,,Carol,3 - less critical,7,,,,retired last year
a4,historian-db,cmdb_ci_db_mssql_instance,,,Microsoft,SQL Server 2016,,Dresden,Dave,high,1,9000,,2026-07-14,
"""


@pytest.fixture
def plant(store: Store) -> Store:
    """A store that knows the Dresden site and the cell-1 zone by name."""
    with store.change(author="architect", reason="hierarchy", source="yaml") as cs:
        cs.put(Location(key="dresden", name="Dresden", kind="site"))
        cs.put(Zone(key="cell-1", name="Press cell 1"))
    return store


def test_systems_csv_with_default_headers_brings_owners_costs_and_lifecycle(
    tmp_path: Path, plant: Store
) -> None:
    path = tmp_path / "systems.csv"
    path.write_text(SYSTEMS_CSV, encoding="utf-8")
    batch = read_inventory(path, kind="systems")
    result = reconcile(plant, batch, author="it")

    assert sorted(result.created["system"]) == ["plant-historian", "press-mes"]
    historian = plant.get("system", "plant-historian")
    assert isinstance(historian, System)
    assert (historian.kind, historian.owner, historian.criticality) == ("historian", "Maria Lopez", "high")
    assert historian.location == "dresden"
    assert historian.lifecycle.installed == date(2019, 3, 1)
    assert historian.lifecycle.end_of_support == date(2027, 12, 31)
    assert (historian.costs.licence, historian.costs.maintenance, historian.users) == (12500.0, 4000.0, 35)
    assert {p.source for p in historian.provenance} == {"inventory"}
    assert reconcile(plant, read_inventory(path, kind="systems"), author="it").revision is None


def test_xlsx_with_a_mapping_file_and_value_translations(tmp_path: Path, plant: Store) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "OT assets"
    sheet.append(["Gerät", "IP-Adresse", "Hersteller", "Typ", "Zone", "Purdue", "Inbetriebnahme"])
    sheet.append(["SPS Presse 1", "10.1.1.10, 10.1.2.10", "Siemens", "Steuerung", "Press cell 1", "L1", None])
    sheet.append(["HMI Presse 1", "10.1.1.20", "Siemens", "Bediengerät", "cell-1", "Level 2", None])
    book.save(tmp_path / "assets.xlsx")
    (tmp_path / "mapping.yaml").write_text(
        "kind: assets\nsheet: OT assets\ncolumns:\n  name: Gerät\n  ips: IP-Adresse\n  vendor: Hersteller\n"
        "  kind: Typ\n  zone: Zone\n  purdue_level: Purdue\n"
        "values:\n  kind:\n    Steuerung: plc\n    Bediengerät: hmi\n"
    )
    mapping = ColumnMapping.load(tmp_path / "mapping.yaml")
    batch = read_inventory(tmp_path / "assets.xlsx", mapping=mapping)
    reconcile(plant, batch, author="ot")

    assets = {a.name: a for a in plant.list("asset") if isinstance(a, Asset)}
    plc = assets["SPS Presse 1"]
    assert (plc.kind, plc.zone, plc.purdue_level, plc.vendor) == ("plc", "cell-1", 1.0, "Siemens")
    assert plc.ips == ["10.1.1.10", "10.1.2.10"]
    assert assets["HMI Presse 1"].purdue_level == 2.0


def test_cmdb_export_routes_hardware_to_assets_software_to_systems_and_skips_retired(
    tmp_path: Path, plant: Store
) -> None:
    path = tmp_path / "cmdb_ci.csv"
    path.write_text(CMDB_CSV)
    batch = read_inventory(path)

    assert batch.provenance.source == "cmdb"
    assert batch.summary["kind"] == "cmdb"
    assert batch.summary["skipped"] == {"install_status 7": 1}
    result = reconcile(plant, batch, author="it")
    assert result.created["asset"] == ["plc-press-1"]
    assert sorted(result.created["system"]) == ["historian-db", "sap-erp"]
    erp = plant.get("system", "sap-erp")
    assert isinstance(erp, System)
    assert (erp.kind, erp.owner, erp.criticality, erp.product) == ("erp", "Bob", "high", "S/4HANA")
    assert erp.costs.licence == 120000.0
    assert erp.lifecycle.end_of_support == date(2030, 12, 31)
    database = plant.get("system", "historian-db")
    assert isinstance(database, System) and database.kind == "database"
    plc = plant.get("asset", "plc-press-1")
    assert isinstance(plc, Asset)
    assert (plc.kind, plc.model, plc.serial, plc.macs) == ("plc", "S7-1516", "SVP4711", ["00:0e:8c:c9:41:15"])


def test_cmdb_beats_a_scan_but_never_a_person(tmp_path: Path, plant: Store) -> None:
    with plant.change(author="alice", reason="declared", source="yaml") as cs:
        cs.put(System(key="erp", name="SAP ERP", kind="erp", owner="Head of IT"))
    path = tmp_path / "cmdb_ci.csv"
    path.write_text(CMDB_CSV)
    result = reconcile(plant, read_inventory(path), author="it")

    erp = plant.get("system", "erp")
    assert isinstance(erp, System)
    assert erp.owner == "Head of IT"  # the person's value stays
    assert erp.costs.licence == 120000.0  # what the person left empty is filled
    assert plant.get("system", "sap-erp") is None  # matched by name, not duplicated
    assert any(c.key == "erp" and c.field == "owner" and c.source == "declared" for c in result.conflicts)


def test_a_bad_date_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "systems.csv"
    path.write_text(SYSTEMS_CSV.replace("31.12.2027", "end of 2027"))
    with pytest.raises(InputError) as info:
        read_inventory(path, kind="systems")
    assert (info.value.line, info.value.field) == (2, "End of support")
    assert "is not a date" in str(info.value)


def test_unknown_columns_are_reported_and_a_missing_name_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Colour,Weight\nred,3\n")
    with pytest.raises(InputError, match="no column for the name"):
        read_inventory(path)
    path.write_text("Name,IP,Colour\nplc-7,10.0.0.7,red\n")
    batch = read_inventory(path)
    assert batch.summary["ignored_columns"] == ["Colour"]
    assert batch.hosts[0].attributes["ips"] == ["10.0.0.7"]


def test_a_mapping_file_naming_an_unknown_field_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mapping.yaml").write_text("columns:\n  colour: Colour\n")
    with pytest.raises(InputError, match="not a field plantarch can import") as info:
        ColumnMapping.load(tmp_path / "mapping.yaml")
    assert info.value.field == "colour"


def test_cli_import_inventory_is_one_change_set_and_idempotent(tmp_path: Path) -> None:
    (tmp_path / "cmdb_ci.csv").write_text(CMDB_CSV)
    first = invoke("import", "inventory", "cmdb_ci.csv", "--workspace", "ws", cwd=tmp_path)
    second = invoke("import", "inventory", "cmdb_ci.csv", "--workspace", "ws", cwd=tmp_path)
    bad = invoke(
        "import", "inventory", "cmdb_ci.csv", "--kind", "furniture", "--workspace", "ws", cwd=tmp_path
    )
    shown = invoke("provenance", "system", "sap-erp", "--workspace", "ws", cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert "revision 1" in first.stdout
    assert "nothing changed" in second.stdout
    assert bad.returncode == 2 and "--kind must be one of" in bad.stderr
    assert shown.returncode == 0
    owner = next(line for line in shown.stdout.splitlines() if " owner " in line)
    assert "Bob" in owner and "cmdb" in owner
    with open_store(workspace=tmp_path / "ws") as store:
        assert store.revision == 1
        assert store.history()[0].author == "tester"
