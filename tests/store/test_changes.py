"""Writing the model through change sets: one transaction each, recorded, rolled back on error."""

from __future__ import annotations

import pytest

from plantarch.errors import InputError
from plantarch.model import Asset, Flow, System
from plantarch.store import Store


def mes(**changes: object) -> System:
    return System.model_validate({"key": "mes", "name": "MES", "kind": "mes", **changes})


def test_put_then_read_back_every_field(store: Store) -> None:
    plc = System(key="plc-1", name="PLC", kind="plc", purdue_level=1, zone="cell", tags=["line-1"])
    with store.change(author="alice", reason="first systems", source="test") as cs:
        assert cs.put(plc) is True
        assert cs.put(mes()) is True
        assert cs.get("system", "plc-1") == plc  # the transaction sees its own puts
    assert cs.revision == 1 == store.revision
    assert store.get("system", "plc-1") == plc
    assert store.get("system", "nothing") is None
    assert [s.key for s in store.list("system")] == ["mes", "plc-1"]


def test_unchanged_put_records_nothing(store: Store) -> None:
    with store.change(author="alice") as cs:
        cs.put(mes())
    with store.change(author="bob", reason="same again") as cs:
        assert cs.put(mes()) is False
        assert cs.delete("system", "ghost") is False
    assert cs.revision is None
    assert store.revision == 1
    assert [info.author for info in store.history()] == ["alice"]


def test_exception_rolls_back_the_whole_change_set(store: Store) -> None:
    with store.change(author="alice") as cs:
        cs.put(mes())
    with pytest.raises(RuntimeError), store.change(author="bob") as cs:
        cs.put(mes(name="MES 2"))
        cs.put(System(key="erp", name="ERP", kind="erp"))
        raise RuntimeError("interrupted")
    assert cs.revision is None
    assert store.get("system", "mes") == mes()
    assert store.get("system", "erp") is None
    assert store.revision == 1 and len(store.history()) == 1


def test_systems_and_assets_share_one_key_space(store: Store) -> None:
    with store.change(author="alice") as cs:
        cs.put(System(key="hmi-1", name="HMI", kind="hmi"))
    with pytest.raises(InputError, match="already used by a system"), store.change(author="bob") as cs:
        cs.put(Asset(key="hmi-1", name="panel"))
    assert store.get("asset", "hmi-1") is None


def test_filters_use_indexed_columns(store: Store) -> None:
    with store.change(author="alice") as cs:
        cs.put_many(
            [
                Asset(key="a1", name="A1", zone="cell", ips=["10.0.0.1", "10.0.0.2"]),
                Asset(key="a2", name="A2", zone="dmz", ips=["10.0.1.1"], declared=False),
                Flow(key="f1", source="a1", target="a2", protocol="modbus"),
                Flow(key="f2", source="a2", target="a1", protocol="opcua", origin="observed"),
                System(key="s1", name="S1", kind="historian", purdue_level=3),
            ]
        )
    assert [a.key for a in store.list("asset", {"zone": "cell"})] == ["a1"]
    assert [a.key for a in store.list("asset", {"ip": "10.0.0.2"})] == ["a1"]
    assert [a.key for a in store.list("asset", {"declared": False})] == ["a2"]
    assert [f.key for f in store.list("flow", {"origin": "observed"})] == ["f2"]
    assert [f.key for f in store.list("flow", {"source": "a1", "protocol": "modbus"})] == ["f1"]
    assert [s.key for s in store.list("system", {"purdue_level": 3.0, "kind": "historian"})] == ["s1"]
    assert [f.key for f in store.list("flow", limit=1, offset=1)] == ["f2"]
    assert store.count("asset") == 2 and store.count("flow", {"protocol": "opcua"}) == 1
    with pytest.raises(InputError, match="filters: source, target"):
        store.list("flow", {"colour": "red"})
    with pytest.raises(InputError, match="unknown object kind 'gadget'"):
        store.list("gadget")


def test_changed_addresses_move_the_ip_index(store: Store) -> None:
    with store.change(author="alice") as cs:
        cs.put(Asset(key="a1", name="A1", ips=["10.0.0.1"]))
    with store.change(author="alice") as cs:
        cs.put(Asset(key="a1", name="A1", ips=["10.0.0.9"]))
    assert store.list("asset", {"ip": "10.0.0.1"}) == []
    assert [a.key for a in store.list("asset", {"ip": "10.0.0.9"})] == ["a1"]
    with store.change(author="alice") as cs:
        cs.delete("asset", "a1")
    assert store.list("asset", {"ip": "10.0.0.9"}) == []


def test_history_lists_change_sets_newest_first(store: Store) -> None:
    with store.change(author="alice", reason="initial", source="cli") as cs:
        cs.put_many([mes(), System(key="erp", name="ERP", kind="erp")])
    with store.change(author="bob", reason="rename", source="api") as cs:
        cs.put(mes(name="MES v2"))
    history = store.history()
    assert [(h.revision, h.author, h.reason, h.source, h.changes) for h in history] == [
        (2, "bob", "rename", "api", 1),
        (1, "alice", "initial", "cli", 2),
    ]
    assert history[0].at >= history[1].at and history[0].at.tzinfo is not None
    assert [h.revision for h in store.history(limit=1)] == [2]


def test_diff_shows_adds_updates_removals_with_changed_fields(store: Store) -> None:
    with store.change(author="a") as cs:  # 1
        cs.put_many([mes(), System(key="erp", name="ERP", kind="erp")])
    with store.change(author="a") as cs:  # 2
        cs.put(mes(name="MES v2", purdue_level=3))
        cs.delete("system", "erp")
        cs.put(System(key="tmp", name="temporary", kind="other"))
    with store.change(author="a") as cs:  # 3
        cs.delete("system", "tmp")
        cs.put(System(key="qms", name="QMS", kind="qms"))

    diff = {(c.kind, c.key): c for c in store.diff(1, 3)}
    assert sorted(diff) == [("system", "erp"), ("system", "mes"), ("system", "qms")]  # tmp came and went
    assert diff[("system", "erp")].op == "delete" and diff[("system", "erp")].after is None
    assert diff[("system", "qms")].op == "add"
    assert diff[("system", "mes")].op == "update"
    assert diff[("system", "mes")].fields == ["name", "purdue_level"]
    assert diff[("system", "mes")].before == {"key": "mes", "name": "MES", "kind": "mes"}

    backwards = {(c.key, c.op) for c in store.diff(3, 1)}
    assert backwards == {("erp", "add"), ("mes", "update"), ("qms", "delete")}
    assert [c.op for c in store.diff(0, 1)] == ["add", "add"]
    assert store.diff(2, 2) == []
    with pytest.raises(InputError, match="revision 9 does not exist"):
        store.diff(1, 9)


def test_extra_tables_share_the_change_set_transaction(store: Store) -> None:
    from sqlalchemy import func, select

    from plantarch.store.tables import change_sets

    with store.change(author="a") as cs:
        cs.put(mes())
        assert cs.session.scalar(select(func.count()).select_from(change_sets)) == 1
    assert cs.revision == 1


def test_key_order_is_the_same_on_every_backend(store: Store) -> None:
    keys = ["b", "a-b", "A", "a.b", "a_b", "a:b", "a/b", "a+b", "a@b", "a1", "Z9"]
    with store.change(author="a") as cs:
        cs.put_many(System(key=key, name=key, kind="other") for key in keys)
    assert [s.key for s in store.list("system")] == sorted(keys)
    assert [s.key for s in store.iter_objects("system")] == sorted(keys)
