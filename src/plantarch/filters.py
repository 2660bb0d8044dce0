"""One filter definition per object kind, serving the API list endpoints and the CLI `show` alike.

A filter names a query parameter, says what it matches and how: a stored column (indexed), a field of
the object's document, membership in a list field, or a free-text search over key and name.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Connection, Table, exists, func, literal, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import Select

from plantarch.errors import InputError
from plantarch.model import ModelObject
from plantarch.store import Store
from plantarch.store import repository as repo
from plantarch.store.history import latest_revision
from plantarch.store.tables import OBJECT_TABLES, asset_ips, change_sets

Match = Literal["column", "field", "member", "ip", "either", "search", "from", "before"]
ValueType = Literal["str", "float", "int", "bool", "date"]


@dataclass(frozen=True)
class Filter:
    """One filter: its parameter name, what it means, its value type and how it matches."""

    name: str
    description: str
    match: Match = "column"
    type: ValueType = "str"
    fields: tuple[str, ...] = ()
    """Column or document field(s) it reads; default: a column or field named like the filter."""

    def targets(self) -> tuple[str, ...]:
        """The columns or fields this filter reads."""
        return self.fields or (self.name,)


SEARCH = Filter("q", "Text anywhere in the key or the name (case-insensitive).", "search")


@dataclass(frozen=True)
class FilterSet:
    """The filters of one object kind."""

    kind: str
    filters: tuple[Filter, ...]

    def get(self, name: str) -> Filter:
        """The filter of that name, or InputError listing the filters there are."""
        for f in self.filters:
            if f.name == name:
                return f
        names = ", ".join(f.name for f in self.filters)
        raise InputError(f"{self.kind} cannot be filtered by '{name}'; filters: {names}", field=name)

    def parse(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Typed filter values from text (query string, CLI `--filter name=value`); None/'' are dropped."""
        values: dict[str, Any] = {}
        for name, value in raw.items():
            if value is None or value == "":
                continue
            f = self.get(name)
            values[name] = _convert(f, value)
        return values

    def clauses(self, values: Mapping[str, Any], dialect: str) -> list[ColumnElement[bool]]:
        """SQL conditions for the given typed values on the kind's table, for 'sqlite' or 'postgresql'."""
        table = OBJECT_TABLES[self.kind]
        return [_clause(table, self.get(name), value, dialect) for name, value in values.items()]


def _convert(f: Filter, value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:  # PostgreSQL takes no NUL in a text parameter
        raise InputError(f"filter '{f.name}' cannot contain a NUL character", field=f.name)
    if f.type == "date":
        return _date(f, value)
    if f.type == "int" and isinstance(value, int) and not isinstance(value, bool):
        return _in_range(f, value)
    if f.type == "str" or not isinstance(value, str):
        return value
    try:
        if f.type == "float":
            return float(value)
        if f.type == "int":
            return _in_range(f, int(value))
    except ValueError:
        raise InputError(f"filter '{f.name}' needs a number, got {value!r}", field=f.name) from None
    lowered = value.lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise InputError(f"filter '{f.name}' needs true or false, got {value!r}", field=f.name)


def _date(f: Filter, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(
            f"filter '{f.name}' needs a date (YYYY-MM-DD), got {value!r}", field=f.name
        ) from None


def _in_range(f: Filter, number: int) -> int:
    # SQLite and PostgreSQL hold 64-bit integers; a bigger number must not reach the driver.
    if not -(2**63) <= number < 2**63:
        raise InputError(f"filter '{f.name}' is out of range: {number}", field=f.name)
    return number


def _field(table: Table, name: str, type_: ValueType) -> ColumnElement[Any]:
    path = table.c.doc[name]
    if type_ == "float":
        return cast(ColumnElement[Any], path.as_float())
    if type_ == "int":
        return cast(ColumnElement[Any], path.as_integer())
    if type_ == "bool":
        return cast(ColumnElement[Any], path.as_boolean())
    return cast(ColumnElement[Any], path.as_string())


def _member(table: Table, name: str, value: Any, dialect: str) -> ColumnElement[bool]:
    """Whether the document's list field `name` contains `value` (JSONB @> or SQLite json_each)."""
    if dialect == "postgresql":
        return type_coerce(table.c.doc, JSONB)[name].contains([value])
    each = func.json_each(table.c.doc, f"$.{name}").table_valued("value")
    return exists(select(literal(1)).select_from(each).where(each.c.value == value))


def _clause(table: Table, f: Filter, value: Any, dialect: str) -> ColumnElement[bool]:
    targets = f.targets()
    if f.match == "column":
        column: ColumnElement[Any] = table.c[targets[0]]
        return column.is_(None) if value is None else column == value
    if f.match == "either":
        return or_(*(table.c[t] == value for t in targets))
    if f.match == "field":
        field: ColumnElement[Any] = _field(table, targets[0], f.type)
        return cast(ColumnElement[bool], field == value)
    if f.match == "member":
        return _member(table, targets[0], value, dialect)
    if f.match in ("from", "before"):  # ISO dates stored as text order like the dates
        day: ColumnElement[str] = table.c.doc[targets[0]].as_string()
        return cast(
            ColumnElement[bool], day >= value.isoformat() if f.match == "from" else day < value.isoformat()
        )
    if f.match == "ip":
        return table.c.key.in_(select(asset_ips.c.asset).where(asset_ips.c.ip == str(value)))
    pattern = f"%{value}%"
    name: ColumnElement[str] = table.c.doc["name"].as_string()
    return or_(table.c.key.ilike(pattern), name.ilike(pattern))


def _common(*filters: Filter) -> tuple[Filter, ...]:
    return (*filters, SEARCH)


FILTERSETS: dict[str, FilterSet] = {
    fs.kind: fs
    for fs in (
        FilterSet(
            "location",
            _common(
                Filter("kind", "Hierarchy level: enterprise, site, area, line, ..."),
                Filter("parent", "Key of the enclosing location."),
            ),
        ),
        FilterSet(
            "capability",
            _common(
                Filter("category", "Capability family: manufacturing-operations, business, control, ..."),
                Filter("parent", "Key of the parent capability."),
            ),
        ),
        FilterSet("zone", _common(Filter("site", "Key of the site the zone belongs to."))),
        FilterSet(
            "conduit",
            _common(
                Filter("zone", "A zone at either end of the conduit.", "either", fields=("zone_a", "zone_b"))
            ),
        ),
        FilterSet(
            "system",
            _common(
                Filter("kind", "System kind: plc, scada, historian, mes, erp, ..."),
                Filter("zone", "Key of the security zone."),
                Filter("location", "Key of the ISA-95 location it serves."),
                Filter("purdue_level", "Purdue level (0-5, 3.5 for the DMZ).", type="float"),
                Filter("criticality", "low, medium, high or critical.", "field"),
                Filter("owner", "Owner as recorded.", "field"),
                Filter("vendor", "Vendor as recorded.", "field"),
                Filter("capability", "Key of a capability it serves.", "member", fields=("capabilities",)),
            ),
        ),
        FilterSet(
            "asset",
            _common(
                Filter("zone", "Key of the security zone."),
                Filter("location", "Key of the ISA-95 location."),
                Filter("declared", "false for assets only discovery knows of.", type="bool"),
                Filter("ip", "One of the asset's IP addresses.", "ip"),
                Filter("kind", "host, plc, hmi, workstation, server, switch, firewall, ...", "field"),
                Filter("vendor", "Vendor (from identity or OUI).", "field"),
                Filter("purdue_level", "Declared Purdue level.", "field", type="float"),
                Filter("system", "Key of a system running on it.", "member", fields=("systems",)),
            ),
        ),
        FilterSet(
            "flow",
            _common(
                Filter("source", "System or asset key that sends or initiates."),
                Filter("target", "System or asset key that receives or serves."),
                Filter("endpoint", "A key at either end.", "either", fields=("source", "target")),
                Filter("protocol", "Canonical protocol id: modbus, opcua, https, ..."),
                Filter("port", "Server port.", type="int"),
                Filter("via", "Broker, middleware or firewall it passes through."),
                Filter("origin", "declared or observed."),
                Filter("pattern", "Integration pattern: point-to-point, broker, opc-ua, ...", "field"),
            ),
        ),
        FilterSet(
            "waiver",
            _common(
                Filter("rule", "Rule id."),
                Filter("object", "Key of the waived object."),
                Filter(
                    "expires_from",
                    "Waivers running at least until this day (YYYY-MM-DD); today lists the active ones.",
                    "from",
                    "date",
                    fields=("expires",),
                ),
                Filter(
                    "expires_before",
                    "Waivers that ended before this day (YYYY-MM-DD); today lists the expired ones.",
                    "before",
                    "date",
                    fields=("expires",),
                ),
            ),
        ),
    )
}
"""The filters of every object kind."""


class Page(BaseModel):
    """One page of a filtered list: the objects, how many match in all, and where the page starts."""

    items: list[ModelObject]
    total: int
    limit: int
    offset: int


def _filtered(conn: Connection, kind: str, values: Mapping[str, Any], stmt: Select[Any]) -> Select[Any]:
    for clause in FILTERSETS[kind].clauses(values, conn.dialect.name):
        stmt = stmt.where(clause)
    return stmt


class CountCache:
    """Totals of filtered lists, kept per model revision: a write makes a new revision, so a cached
    total is never stale, and unfiltered lists of 250,000 assets do not count the table each time."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._totals: OrderedDict[tuple[Any, ...], int] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> int | None:
        """The cached total, if any."""
        with self._lock:
            total = self._totals.get(key)
            if total is not None:
                self._totals.move_to_end(key)
            return total

    def put(self, key: tuple[Any, ...], total: int) -> None:
        """Remember a total, dropping the least recently used beyond `size`."""
        with self._lock:
            self._totals[key] = total
            self._totals.move_to_end(key)
            while len(self._totals) > self.size:
                self._totals.popitem(last=False)


def sort_columns(kind: str) -> list[str]:
    """What a list of `kind` can be ordered by: its key, its name and its stored columns."""
    table = OBJECT_TABLES[kind]
    return ["key", "name", *(c.name for c in table.columns if c.name not in ("key", "doc"))]


def _order_keys(kind: str, order: str, descending: bool) -> list[ColumnElement[Any]]:
    table = OBJECT_TABLES[kind]
    if order not in sort_columns(kind):
        raise InputError(
            f"{kind} cannot be sorted by '{order}'; by: {', '.join(sort_columns(kind))}", field="sort"
        )
    column: ColumnElement[Any] = table.c.doc["name"].as_string() if order == "name" else table.c[order]
    keys: list[ColumnElement[Any]] = [column.desc() if descending else column.asc()]
    if order != "key":
        keys.append(table.c.key)
    return keys


def _page(
    store: Store,
    kind: str,
    filters: Mapping[str, Any] | None,
    *,
    limit: int,
    offset: int,
    counts: CountCache | None,
    order: str,
    descending: bool,
    text: bool,
) -> tuple[list[Any], int]:
    """The stored documents of one page (as dicts, or as JSON text when `text`) and the total."""
    repo.check_kind(kind)
    values = FILTERSETS[kind].parse(filters or {})
    table = OBJECT_TABLES[kind]
    keys = _order_keys(kind, order, descending)
    document = repo.document_text(table) if text else table.c.doc
    with store.reader.connect() as conn:
        # The page's keys first (an index-only walk past `offset` entries), then only those rows: a
        # large offset no longer reads and sorts every matching document. The model revision comes in
        # the same statement, for the cached total.
        page_keys = (
            _filtered(conn, kind, values, select(table.c.key)).order_by(*keys).limit(limit).offset(offset)
        )
        revision = select(func.coalesce(func.max(change_sets.c.revision), 0)).scalar_subquery()
        stmt = select(document, revision).where(table.c.key.in_(page_keys)).order_by(*keys)
        rows = conn.execute(stmt).all()
        docs = [row[0] for row in rows]
        if offset == 0 and len(docs) < limit:
            return docs, len(docs)
        if counts is None:
            return docs, _count(conn, kind, values)
        cache_key = (
            store.url,
            kind,
            tuple(sorted(values.items())),
            rows[0][1] if rows else latest_revision(conn),
        )
        total = counts.get(cache_key)
        if total is None:
            total = _count(conn, kind, values)
            counts.put(cache_key, total)
    return docs, total


def _count(conn: Connection, kind: str, values: Mapping[str, Any]) -> int:
    count = _filtered(conn, kind, values, select(func.count()).select_from(OBJECT_TABLES[kind]))
    return int(conn.scalar(count) or 0)


def list_objects(
    store: Store,
    kind: str,
    filters: Mapping[str, Any] | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    counts: CountCache | None = None,
    order: str = "key",
    descending: bool = False,
) -> Page:
    """One page of the objects of `kind` matching the filters (text values are parsed), ordered by
    `order` (one of `sort_columns(kind)`, then key)."""
    docs, total = _page(
        store,
        kind,
        filters,
        limit=limit,
        offset=offset,
        counts=counts,
        order=order,
        descending=descending,
        text=False,
    )
    return Page(items=[repo.to_object(kind, doc) for doc in docs], total=total, limit=limit, offset=offset)


def list_json(
    store: Store,
    kind: str,
    filters: Mapping[str, Any] | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    counts: CountCache | None = None,
    order: str = "key",
    descending: bool = False,
) -> bytes:
    """The page `list_objects` gives as the API answers it, `{"items": [...], "total", "limit", "offset"}`
    with every field of every item, made from the stored JSON text without Python dicts in between."""
    texts, total = _page(
        store,
        kind,
        filters,
        limit=limit,
        offset=offset,
        counts=counts,
        order=order,
        descending=descending,
        text=True,
    )
    items = repo.objects_json(kind, texts)
    return b'{"items":%b,"total":%d,"limit":%d,"offset":%d}' % (items, total, limit, offset)
