"""Repository functions: read and write object rows inside a caller's transaction; they never commit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    Text,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.sql.expression import bindparam

from plantarch.errors import InputError
from plantarch.model import OBJECT_TYPES, ModelObject
from plantarch.store.identifiers import IDENTIFIED_KINDS, delete_identifiers, identifier_rows
from plantarch.store.tables import COLUMN_EXTRACTORS, FILTERS, OBJECT_TABLES, asset_ips, identifiers

_IDENTIFIER_COLUMNS = ("object", "kind", "value")

BATCH = 500
"""Keys per IN (...) query and rows per executemany; small enough for every driver's parameter limit."""


def document(obj: ModelObject) -> dict[str, Any]:
    """The stored JSON document of an object: every field that differs from its default."""
    return obj.model_dump(mode="json", exclude_defaults=True)


def document_json(obj: ModelObject) -> str:
    """The stored document of an object as JSON text (serialised by pydantic, fast)."""
    return obj.model_dump_json(exclude_defaults=True)


def to_object(kind: str, doc: Mapping[str, Any]) -> ModelObject:
    """Rebuild a model object of `kind` from its stored document."""
    return OBJECT_TYPES[kind].model_validate(doc)


_LIST_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {}


def document_text(table: Table) -> ColumnElement[str]:
    """The stored document as JSON text, so the driver does not parse it into Python objects."""
    return cast(table.c.doc, Text)


def fetch_document_text(conn: Connection, kind: str, key: str) -> str | None:
    """The stored document of one object as JSON text, or None."""
    table = OBJECT_TABLES[kind]
    return conn.scalar(select(document_text(table)).where(table.c.key == key))


def object_json(kind: str, text: str) -> bytes:
    """A stored document (JSON text) as the whole object's JSON, defaults included, validated on the way."""
    model = OBJECT_TYPES[kind]
    return model.__pydantic_serializer__.to_json(model.model_validate_json(text))


def objects_json(kind: str, texts: Sequence[str]) -> bytes:
    """Stored documents (JSON texts) as one JSON array of whole objects: one parse, one serialisation."""
    adapter = _LIST_ADAPTERS.get(kind)
    if adapter is None:
        items: Any = list[OBJECT_TYPES[kind]]  # type: ignore[valid-type]
        adapter = _LIST_ADAPTERS[kind] = TypeAdapter(items)
    return adapter.dump_json(adapter.validate_json("[" + ",".join(texts) + "]"))


def check_kind(kind: str) -> str:
    """Return `kind` if it names an object kind, else raise InputError listing the kinds."""
    if kind not in OBJECT_TABLES:
        raise InputError(f"unknown object kind '{kind}'; expected one of {', '.join(OBJECT_TABLES)}")
    return kind


def row_values(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The column values of one row: key, the filterable columns and the document."""
    values = {name: extract(doc) for name, extract in COLUMN_EXTRACTORS[kind].items()}
    values["key"] = doc["key"]
    values["doc"] = doc
    return values


def chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fetch_documents(conn: Connection, kind: str, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Stored documents of the given keys that exist, by key (one query per batch of keys)."""
    table = OBJECT_TABLES[kind]
    found: dict[str, dict[str, Any]] = {}
    for batch in chunks(keys):
        for key, doc in conn.execute(select(table.c.key, table.c.doc).where(table.c.key.in_(batch))):
            found[key] = doc
    return found


def existing_keys(conn: Connection, kind: str, keys: Sequence[str]) -> set[str]:
    """Which of the given keys exist in the table of `kind`."""
    table = OBJECT_TABLES[kind]
    found: set[str] = set()
    for batch in chunks(keys):
        found.update(conn.scalars(select(table.c.key).where(table.c.key.in_(batch))))
    return found


def _ip_rows(docs: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"asset": doc["key"], "ip": ip} for doc in docs for ip in dict.fromkeys(doc.get("ips", ()))]


def to_json(doc: Mapping[str, Any] | None) -> str | None:
    """A document as compact JSON text, the form bulk inserts send."""
    return None if doc is None else json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows fast: COPY on PostgreSQL, one executemany on SQLite (JSON given as text)."""
    if not rows:
        return
    names = ", ".join(f'"{name}"' for name in columns)
    if conn.dialect.name == "postgresql":
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', list(map(tuple, rows)))


def insert_documents(
    conn: Connection, kind: str, docs: Sequence[dict[str, Any]], texts: Sequence[str | None] | None = None
) -> None:
    """Insert new rows in bulk (`texts`: the documents already serialised, if at hand)."""
    extractors = COLUMN_EXTRACTORS[kind]
    columns = ["key", *extractors, "doc"]
    serialised = texts if texts is not None else [to_json(doc) for doc in docs]
    rows = [
        (doc["key"], *(extract(doc) for extract in extractors.values()), text)
        for doc, text in zip(docs, serialised, strict=True)
    ]
    bulk_insert(conn, OBJECT_TABLES[kind], columns, rows)
    if kind == "asset" and (ips := _ip_rows(docs)):
        bulk_insert(conn, asset_ips, ["asset", "ip"], [(row["asset"], row["ip"]) for row in ips])
    if kind in IDENTIFIED_KINDS:
        bulk_insert(conn, identifiers, _IDENTIFIER_COLUMNS, identifier_rows(kind, docs))


def update_documents(conn: Connection, kind: str, docs: Sequence[dict[str, Any]]) -> None:
    """Replace existing rows by key (executemany in batches)."""
    table = OBJECT_TABLES[kind]
    columns = [*COLUMN_EXTRACTORS[kind], "doc"]
    stmt = (
        update(table)
        .where(table.c.key == bindparam("b_key"))
        .values({name: bindparam(f"b_{name}") for name in columns})
    )
    for batch in chunks(docs, 2000):
        rows = [{f"b_{name}": value for name, value in row_values(kind, doc).items()} for doc in batch]
        conn.execute(stmt, rows)
        if kind == "asset":
            _delete_ips(conn, [doc["key"] for doc in batch])
            if ips := _ip_rows(batch):
                conn.execute(insert(asset_ips), ips)
        if kind in IDENTIFIED_KINDS:
            delete_identifiers(conn, [doc["key"] for doc in batch])
            if named := identifier_rows(kind, batch):
                conn.execute(
                    insert(identifiers), [dict(zip(_IDENTIFIER_COLUMNS, row, strict=True)) for row in named]
                )


def _delete_ips(conn: Connection, keys: Sequence[str]) -> None:
    for batch in chunks(keys):
        conn.execute(delete(asset_ips).where(asset_ips.c.asset.in_(batch)))


def delete_keys(conn: Connection, kind: str, keys: Sequence[str]) -> None:
    """Delete rows by key (one statement per batch of keys)."""
    table = OBJECT_TABLES[kind]
    for batch in chunks(keys):
        conn.execute(delete(table).where(table.c.key.in_(batch)))
    if kind == "asset":
        _delete_ips(conn, keys)
    if kind in IDENTIFIED_KINDS:
        delete_identifiers(conn, keys)


def _filtered(kind: str, stmt: Select[Any], filters: Mapping[str, Any] | None) -> Select[Any]:
    table = OBJECT_TABLES[kind]
    for name, value in (filters or {}).items():
        if name not in FILTERS[kind]:
            allowed = ", ".join(FILTERS[kind]) or "none"
            raise InputError(f"{kind} cannot be filtered by '{name}'; filters: {allowed}", field=name)
        if name == "ip":
            stmt = stmt.where(table.c.key.in_(select(asset_ips.c.asset).where(asset_ips.c.ip == str(value))))
        elif value is None:
            stmt = stmt.where(table.c[name].is_(None))
        else:
            stmt = stmt.where(table.c[name] == _typed(kind, name, value))
    return stmt


def _typed(kind: str, name: str, value: Any) -> Any:
    """A filter value as the column's type (the CLI and the API pass text)."""
    if not isinstance(value, str):
        return value
    python_type = OBJECT_TABLES[kind].c[name].type.python_type
    try:
        if python_type is bool:
            if value.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise ValueError(value)
            return value.lower() in ("true", "yes", "1")
        return python_type(value)
    except ValueError as exc:
        expected = {bool: "true or false", float: "a number", int: "a whole number"}.get(python_type, "text")
        raise InputError(f"{kind} filter {name}={value!r}: expected {expected}", field=name) from exc


def select_documents(
    conn: Connection,
    kind: str,
    filters: Mapping[str, Any] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[dict[str, Any]]:
    """Stored documents of one kind matching the filters, ordered by key."""
    table = OBJECT_TABLES[check_kind(kind)]
    stmt = _filtered(kind, select(table.c.doc), filters).order_by(key_order(conn, table)).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    for (doc,) in conn.execute(stmt):
        yield doc


def key_order(conn: Connection, table: Table) -> ColumnElement[str]:
    """Order by key in code-point order on every backend (PostgreSQL's locale collation would differ)."""
    return table.c.key.collate("C") if conn.dialect.name == "postgresql" else table.c.key


def count_rows(conn: Connection, kind: str, filters: Mapping[str, Any] | None = None) -> int:
    """How many objects of one kind match the filters."""
    table = OBJECT_TABLES[check_kind(kind)]
    return int(conn.scalar(_filtered(kind, select(func.count()).select_from(table), filters)) or 0)


def declared_keys(conn: Connection, kind: str) -> Iterator[str]:
    """Keys of the objects people declared (not flows observed, nor assets or systems found by discovery)."""
    table = OBJECT_TABLES[kind]
    if kind == "system":  # few rows and no column: read the flag from the document
        for key, doc in conn.execute(select(table.c.key, table.c.doc)):
            if doc.get("declared", True):
                yield key
        return
    stmt = select(table.c.key)
    if kind == "flow":
        stmt = stmt.where(table.c.origin != "observed")
    elif kind == "asset":
        stmt = stmt.where(table.c.declared.is_(True))
    yield from conn.scalars(stmt)
