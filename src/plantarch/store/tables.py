"""The store's tables: one per object kind (key, filterable columns, full document) plus change sets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

KEY_LENGTH = 200
IDENTIFIER_LENGTH = 300
"""Longest identifier value stored as it is; longer ones are stored as a digest (see identifiers.py)."""

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
"""Every table of the store; other packages add theirs here and in their own Alembic migration."""

Document = JSON().with_variant(JSONB(), "postgresql")
"""The full pydantic document of an object (defaults omitted); JSONB on PostgreSQL."""


def _key(name: str = "key", *, primary: bool = False, nullable: bool = True) -> Column[str]:
    return Column(name, String(KEY_LENGTH), primary_key=primary, nullable=nullable and not primary)


def _object_table(name: str, *columns: Column[Any] | Index) -> Table:
    """The table of one object kind: the key, its filterable columns, the full document, its indexes."""
    filterable = [c for c in columns if isinstance(c, Column)]
    indexes = [c for c in columns if isinstance(c, Index)]
    document = Column("doc", Document, nullable=False)
    return Table(name, metadata, _key(primary=True), *filterable, document, *indexes)


locations = _object_table(
    "locations",
    Column("kind", String(40), nullable=False),
    _key("parent"),
    Index(None, "parent"),
)

capabilities = _object_table("capabilities", Column("category", String(40), nullable=False), _key("parent"))

zones = _object_table("zones", _key("site"))

conduits = _object_table(
    "conduits",
    _key("zone_a"),
    _key("zone_b"),
    Index(None, "zone_a"),
    Index(None, "zone_b"),
)

systems = _object_table(
    "systems",
    Column("kind", String(40), nullable=False),
    _key("zone"),
    _key("location"),
    Column("purdue_level", Float),
    Index(None, "kind"),
    Index(None, "zone", "key"),
    Index(None, "location", "key"),
    Index(None, "purdue_level"),
)

assets = _object_table(
    "assets",
    _key("zone"),
    _key("location"),
    Column("declared", Boolean, nullable=False),
    # (filter, key): a filtered list walks its page in key order in the index instead of sorting
    Index(None, "zone", "key"),
    Index(None, "location", "key"),
)

asset_ips = Table(
    "asset_ips",
    metadata,
    Column("asset", String(KEY_LENGTH), primary_key=True),
    Column("ip", String(64), primary_key=True),
    Index(None, "ip"),
)
"""One row per address of an asset, so lookups by IP (discovery, the API) use an index."""

identifiers = Table(
    "identifiers",
    metadata,
    Column("object", String(KEY_LENGTH), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("value", String(IDENTIFIER_LENGTH), primary_key=True),
    Index(None, "kind", "value"),
)
"""What reconcile recognises an asset or system by (normalised IP, MAC, hostname, short name,
application URI; a system's name), one row each, so a batch reads only the objects it can match."""

flows = _object_table(
    "flows",
    _key("source", nullable=False),
    _key("target", nullable=False),
    Column("protocol", String(60)),
    Column("port", Integer),
    _key("via"),
    Column("origin", String(20), nullable=False),
    Index(None, "source"),
    Index(None, "target"),
    Index(None, "protocol"),
    Index(None, "origin"),
)

waivers = _object_table(
    "waivers",
    Column("rule", String(200), nullable=False),
    _key("object", nullable=False),
    Index(None, "rule"),
)

change_sets = Table(
    "change_sets",
    metadata,
    Column("revision", Integer, primary_key=True, autoincrement=True),
    Column("author", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
    Column("source", String(200), nullable=False),
)
"""One row per committed change set (append-only); the revision numbers the model's versions."""

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("revision", Integer, ForeignKey("change_sets.revision"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("key", String(KEY_LENGTH), nullable=False),
    Column("op", String(10), nullable=False),
    Column("before", Document),
    Column("after", Document),
    Index(None, "revision"),
    Index(None, "kind", "key"),
)
"""One row per object-level change (add, update, delete) with the documents before and after."""

OBJECT_TABLES: dict[str, Table] = {
    "location": locations,
    "capability": capabilities,
    "zone": zones,
    "conduit": conduits,
    "system": systems,
    "asset": assets,
    "flow": flows,
    "waiver": waivers,
}
"""The table holding each object kind."""

Extractor = Callable[[dict[str, Any]], Any]


def _get(field: str, default: Any = None) -> Extractor:
    return lambda doc: doc.get(field, default)


def _conduit_zone(index: int) -> Extractor:
    return lambda doc: doc["zones"][index] if len(doc.get("zones", ())) > index else None


COLUMN_EXTRACTORS: dict[str, dict[str, Extractor]] = {
    "location": {"kind": _get("kind"), "parent": _get("parent")},
    "capability": {"category": _get("category"), "parent": _get("parent")},
    "zone": {"site": _get("site")},
    "conduit": {"zone_a": _conduit_zone(0), "zone_b": _conduit_zone(1)},
    "system": {
        "kind": _get("kind"),
        "zone": _get("zone"),
        "location": _get("location"),
        "purdue_level": _get("purdue_level"),
    },
    "asset": {"zone": _get("zone"), "location": _get("location"), "declared": _get("declared", True)},
    "flow": {
        "source": _get("source"),
        "target": _get("target"),
        "protocol": _get("protocol"),
        "port": _get("port"),
        "via": _get("via"),
        "origin": _get("origin", "declared"),
    },
    "waiver": {"rule": _get("rule"), "object": _get("object")},
}
"""How each filterable column is read from an object's document (defaults omitted in documents)."""

FILTERS: dict[str, tuple[str, ...]] = {
    kind: (*extractors, *(("ip",) if kind == "asset" else ()))
    for kind, extractors in COLUMN_EXTRACTORS.items()
}
"""The filters `Store.list` accepts for each kind."""
