"""The shared filter definitions on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from plantarch.errors import InputError
from plantarch.filters import FILTERSETS, list_json, list_objects
from plantarch.model import Asset
from plantarch.store import Store


def _keys(store: Store, object_kind: str, **filters: str) -> list[str]:
    return [o.key for o in list_objects(store, object_kind, filters).items]


def test_every_kind_filters_on_columns_fields_lists_and_text(plant_store: Store) -> None:
    with plant_store.change(author="t") as cs:
        cs.put(
            Asset(
                key="plc-1-cpu",
                name="PLC CPU",
                kind="plc",
                ips=["10.1.1.10"],
                zone="cell-1",
                systems=["plc-1"],
                purdue_level=1,
            )
        )
        cs.put(Asset(key="unknown-1", name="?", ips=["10.1.1.99"], declared=False))
    assert _keys(plant_store, "system", zone="operations") == ["mes", "qms"]
    assert _keys(plant_store, "system", purdue_level="3") == ["mes", "qms"]
    assert _keys(plant_store, "system", criticality="high") == ["erp", "mes"]
    assert _keys(plant_store, "system", capability="quality-management") == ["qms"]
    assert _keys(plant_store, "system", q="sap") == ["erp"]
    assert _keys(plant_store, "asset", ip="10.1.1.10") == ["plc-1-cpu"]
    assert _keys(plant_store, "asset", declared="false") == ["unknown-1"]
    assert _keys(plant_store, "asset", system="plc-1", purdue_level="1") == ["plc-1-cpu"]
    assert _keys(plant_store, "flow", endpoint="mes") == ["erp-mes", "mes-plc-1"]
    assert _keys(plant_store, "flow", pattern="opc-ua") == ["mes-plc-1"]
    assert _keys(plant_store, "conduit", zone="cell-1") == ["ops-cell-1"]
    assert _keys(plant_store, "location", kind="site") == ["lyon"]


def test_pages_report_the_total(plant_store: Store) -> None:
    page = list_objects(plant_store, "system", limit=2, offset=1)
    assert [s.key for s in page.items] == ["mes", "plc-1"]
    assert page.total == 4


def test_unknown_filters_and_bad_values_name_the_field(plant_store: Store) -> None:
    with pytest.raises(InputError, match="filters: kind, zone, location") as caught:
        list_objects(plant_store, "system", {"colour": "red"})
    assert caught.value.field == "colour"
    with pytest.raises(InputError, match="needs a number"):
        list_objects(plant_store, "system", {"purdue_level": "high"})


def test_every_kind_has_a_text_search() -> None:
    assert all(fs.filters[-1].name == "q" for fs in FILTERSETS.values())


def test_cached_totals_follow_the_revision(plant_store: Store) -> None:
    from plantarch.filters import CountCache
    from plantarch.model import System

    counts = CountCache()
    assert list_objects(plant_store, "system", limit=1, counts=counts).total == 4
    with plant_store.change(author="t") as cs:
        cs.put(System(key="scada", name="SCADA", kind="scada"))
    assert list_objects(plant_store, "system", limit=1, counts=counts).total == 5


@pytest.mark.parametrize(
    ("object_kind", "filters", "order", "descending"),
    [
        ("system", {"zone": "operations"}, "key", False),
        ("system", {}, "name", True),
        ("flow", {"endpoint": "mes"}, "protocol", False),
        ("asset", {}, "key", False),
    ],
)
def test_list_json_is_the_page_as_json(
    plant_store: Store, object_kind: str, filters: dict[str, str], order: str, descending: bool
) -> None:
    """The API's JSON page (from stored text) says exactly what list_objects' page serialises to."""
    for limit, offset in ((2, 0), (1, 1), (50, 0), (5, 100)):
        options = {"limit": limit, "offset": offset, "order": order, "descending": descending}
        page = list_objects(plant_store, object_kind, filters, **options)  # type: ignore[arg-type]
        text = list_json(plant_store, object_kind, filters, **options)  # type: ignore[arg-type]
        assert text == page.model_dump_json(serialize_as_any=True).encode()
    with pytest.raises(InputError, match="colour"):
        list_json(plant_store, "system", {"colour": "red"})
