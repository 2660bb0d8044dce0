"""The identifiers table: every write keeps it equal to the stored assets and systems (#4)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import insert

from plantarch.model import Asset, System
from plantarch.store import Store, open_store
from plantarch.store.engine import alembic_config, create_store_engine, workspace_url
from plantarch.store.identifiers import keys_by_identifier, stored_value
from plantarch.store.repository import row_values
from plantarch.store.tables import assets, systems


def _find(store: Store, kind: str, value: str) -> set[str]:
    with store.engine.connect() as conn:
        return keys_by_identifier(conn, kind, [value]).get(value, set())


def test_put_update_and_delete_keep_the_identifiers(store: Store) -> None:
    plc = Asset(
        key="plc-1",
        name="PLC 1",
        ips=["10.1.1.10", "FE80::1"],
        macs=["00-0E-8C-C9-41-15"],
        hostnames=["PLC1.Cell1.Plant."],
        identity={"application_uri": "urn:plc1:opcua"},
    )
    with store.change(author="a") as cs:
        cs.put_many([plc, System(key="mes", name="Plant MES", kind="mes")])
    assert _find(store, "ip", "10.1.1.10") == {"plc-1"}
    assert _find(store, "ip", "fe80::1") == {"plc-1"}  # as reconcile normalises what it observes
    assert _find(store, "mac", "00:0e:8c:c9:41:15") == {"plc-1"}
    assert _find(store, "hostname", "plc1.cell1.plant") == {"plc-1"}
    assert _find(store, "short", "plc1") == {"plc-1"}
    assert _find(store, "uri", "urn:plc1:opcua") == {"plc-1"}
    assert _find(store, "name", "plant mes") == {"mes"}

    with store.change(author="a") as cs:
        cs.put(plc.model_copy(update={"ips": ["10.1.1.11"]}))
        cs.put(System(key="mes", name="MES 2", kind="mes"))
    assert _find(store, "ip", "10.1.1.10") == set()
    assert _find(store, "ip", "10.1.1.11") == {"plc-1"}
    assert _find(store, "name", "plant mes") == set() and _find(store, "name", "mes 2") == {"mes"}

    with store.change(author="a") as cs:
        cs.delete("asset", "plc-1")
    assert _find(store, "mac", "00:0e:8c:c9:41:15") == set()


def test_a_very_long_application_uri_is_found_through_its_digest(store: Store) -> None:
    uri = "urn:" + "x" * 2000
    with store.change(author="a") as cs:
        cs.put(Asset(key="srv", name="srv", identity={"application_uri": uri}))
    assert stored_value(uri) != uri
    assert _find(store, "uri", uri) == {"srv"}


def test_upgrading_a_store_indexes_the_objects_it_already_holds(tmp_path: Path) -> None:
    url = workspace_url(tmp_path / "ws")
    engine = create_store_engine(url)
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0002_governance")
        doc = Asset(key="hmi-1", name="HMI", ips=["10.1.1.20"], hostnames=["hmi-1.plant"]).model_dump(
            mode="json", exclude_defaults=True
        )
        conn.execute(insert(assets), [row_values("asset", doc)])
        sys_doc = System(key="scada", name="SCADA", kind="scada").model_dump(
            mode="json", exclude_defaults=True
        )
        conn.execute(insert(systems), [row_values("system", sys_doc)])
    engine.dispose()
    with open_store(workspace=tmp_path / "ws") as store:
        assert _find(store, "ip", "10.1.1.20") == {"hmi-1"}
        assert _find(store, "short", "hmi-1") == {"hmi-1"}
        assert _find(store, "name", "scada") == {"scada"}
