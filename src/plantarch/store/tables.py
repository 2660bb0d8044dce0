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


locations = Table(
    "locations",
    metadata,
    _key(primary=True),
    Column("kind", String(40), nullable=False),
    _key("parent"),
    Column("doc", Document, nullable=False),
    Index(None, "parent"),
)

capabilities = Table(
    "capabilities",
    metadata,
    _key(primary=True),
    Column("category", String(40), nullable=False),
    _key("parent"),
    Column("doc", Document, nullable=False),
)

zones = Table(
    "zones",
    metadata,
    _key(primary=True),
    _key("site"),
    Column("doc", Document, nullable=False),
)

conduits = Table(
    "conduits",
    metadata,
    _key(primary=True),
    _key("zone_a"),
    _key("zone_b"),
    Column("doc", Document, nullable=False),
    Index(None, "zone_a"),
    Index(None, "zone_b"),
)

systems = Table(
    "systems",
    metadata,
    _key(primary=True),
    Column("kind", String(40), nullable=False),
    _key("zone"),
    _key("location"),
    Column("purdue_level", Float),
    Column("doc", Document, nullable=False),
    Index(None, "kind"),
    Index(None, "zone", "key"),
    Index(None, "location", "key"),
    Index(None, "purdue_level"),
)

assets = Table(
    "assets",
    metadata,
    _key(primary=True),
    _key("zone"),
    _key("location"),
    Column("declared", Boolean, nullable=False),
    Column("doc", Document, nullable=False),
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

flows = Table(
    "flows",
    metadata,
    _key(primary=True),
    _key("source", nullable=False),
    _key("target", nullable=False),
    Column("protocol", String(60)),
    Column("port", Integer),
    _key("via"),
    Column("origin", String(20), nullable=False),
    Column("doc", Document, nullable=False),
    Index(None, "source"),
    Index(None, "target"),
    Index(None, "protocol"),
    Index(None, "origin"),
)

waivers = Table(
    "waivers",
    metadata,
    _key(primary=True),
    Column("rule", String(200), nullable=False),
    _key("object", nullable=False),
    Column("doc", Document, nullable=False),
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
