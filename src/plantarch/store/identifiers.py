"""Identifier rows: what reconcile recognises an asset or system by, kept in the `identifiers` table.

An asset is recognised by its IPs, MACs, hostnames (and their short names) and its OPC UA application
URI, a system by its name (case-insensitive). The values are normalised exactly as reconcile normalises
what a source observed, so one indexed `IN (...)` query finds every object a batch can match, without
reading the whole model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, select

from plantarch.discovery.addresses import normalize_hostname, normalize_ip, normalize_mac, short_name
from plantarch.store.tables import IDENTIFIER_LENGTH, identifiers

IDENTIFIED_KINDS = frozenset({"asset", "system"})
"""Object kinds with identifier rows."""

APPLICATION_URI = "application_uri"
"""Identity attribute holding an OPC UA server's application URI (unique per server instance)."""

_CHUNK = 500


def stored_value(value: str) -> str:
    """The value as the table holds it: itself, or a digest when it is too long to index."""
    if len(value) <= IDENTIFIER_LENGTH:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def asset_identifiers(doc: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(kind, value) pairs of an asset document: ip, mac, hostname, short, uri."""
    found: set[tuple[str, str]] = set()
    for raw in doc.get("ips", ()):
        if ip := normalize_ip(str(raw)):
            found.add(("ip", ip))
    for raw in doc.get("macs", ()):
        if mac := normalize_mac(str(raw)):
            found.add(("mac", mac))
    for raw in doc.get("hostnames", ()):
        if name := normalize_hostname(str(raw)):
            found.add(("hostname", name))
            found.add(("short", short_name(name)))
    uri = (doc.get("identity") or {}).get(APPLICATION_URI)
    if uri:
        found.add(("uri", str(uri)))
    return {(kind, stored_value(value)) for kind, value in found}


def system_identifiers(doc: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(kind, value) pairs of a system document: its name, case-folded."""
    name = doc.get("name")
    return {("name", stored_value(str(name).casefold()))} if name else set()


def identifier_rows(kind: str, docs: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """(object, kind, value) rows of the documents of one object kind."""
    extract = asset_identifiers if kind == "asset" else system_identifiers
    return [(doc["key"], *pair) for doc in docs for pair in sorted(extract(doc))]


def delete_identifiers(conn: Connection, keys: Sequence[str]) -> None:
    """Remove the identifier rows of these objects."""
    for start in range(0, len(keys), _CHUNK):
        conn.execute(delete(identifiers).where(identifiers.c.object.in_(keys[start : start + _CHUNK])))


def keys_by_identifier(conn: Connection, kind: str, values: Iterable[str]) -> dict[str, set[str]]:
    """For each value of one identifier kind, the keys of the objects that have it (indexed lookups)."""
    wanted = {stored_value(v): v for v in values}
    found: dict[str, set[str]] = {}
    batch = sorted(wanted)
    for start in range(0, len(batch), _CHUNK):
        stmt = select(identifiers.c.value, identifiers.c.object).where(
            identifiers.c.kind == kind, identifiers.c.value.in_(batch[start : start + _CHUNK])
        )
        for value, key in conn.execute(stmt):
            found.setdefault(wanted[value], set()).add(key)
    return found


def iter_rows(conn: Connection, table: Any, kind: str, size: int = 5000) -> Iterator[tuple[str, str, str]]:
    """Identifier rows of every stored object of one kind, read in key order a page at a time."""
    last = ""
    while True:
        page = conn.execute(
            select(table.c.key, table.c.doc).where(table.c.key > last).order_by(table.c.key).limit(size)
        ).all()
        if not page:
            return
        yield from identifier_rows(kind, (doc for _, doc in page))
        last = page[-1][0]
