"""Inventories: CSV / XLSX asset and system lists and ServiceNow-style CMDB exports, via a column mapping."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from plantarch.discovery.addresses import key_part, normalize_hostname, normalize_ip, normalize_mac
from plantarch.discovery.cmdb import CMDB_COLUMNS, cmdb_row_is_system, cmdb_skip_reason, kind_from_class
from plantarch.discovery.inventory_values import (
    parse_criticality,
    parse_date,
    parse_level,
    parse_number,
    parse_system_kind,
    split_list,
    text,
)
from plantarch.discovery.observation import HostObservation, ObservationBatch
from plantarch.discovery.source import DiscoverySource
from plantarch.errors import InputError
from plantarch.model.base import Provenance
from plantarch.model.system import System

KINDS = ("assets", "systems", "cmdb")

DEFAULT_COLUMNS: dict[str, list[str]] = {
    "key": ["key", "id", "asset id", "system id", "ci id"],
    "name": [
        "name",
        "asset name",
        "device name",
        "device",
        "system",
        "system name",
        "application",
        "hostname",
    ],
    "kind": ["kind", "type", "device type", "asset type", "system type", "category"],
    "ips": ["ip", "ips", "ip address", "ip addresses", "ipv4", "ipv4 address"],
    "macs": ["mac", "mac address", "mac addresses"],
    "hostnames": ["hostname", "hostnames", "host name", "dns name", "fqdn"],
    "vendor": ["vendor", "manufacturer", "make", "supplier"],
    "model": ["model", "model number", "device model"],
    "product": ["product", "product name", "software"],
    "version": ["version", "software version", "release"],
    "serial": ["serial", "serial number", "s n", "serial no"],
    "firmware": ["firmware", "firmware version", "fw", "fw version"],
    "os": ["os", "operating system"],
    "location": ["location", "site", "area", "line", "plant"],
    "zone": ["zone", "security zone", "network zone"],
    "purdue_level": ["purdue", "purdue level", "level"],
    "systems": ["systems", "runs", "applications"],
    "owner": ["owner", "system owner", "business owner", "owned by", "responsible"],
    "criticality": ["criticality", "business criticality", "crit"],
    "capabilities": ["capabilities", "capability"],
    "users": ["users", "user count", "number of users"],
    "description": ["description", "notes", "comment", "comments", "remarks"],
    "tags": ["tags", "labels"],
    "lifecycle.installed": ["installed", "install date", "commissioned", "installation date", "go live"],
    "lifecycle.end_of_sale": ["end of sale", "eos date", "end of sales"],
    "lifecycle.end_of_support": [
        "end of support",
        "eos",
        "end of life",
        "eol",
        "support end",
        "support until",
    ],
    "lifecycle.planned_retirement": ["retirement", "planned retirement", "retire by", "decommission date"],
    "costs.licence": [
        "licence",
        "license",
        "licence cost",
        "license cost",
        "annual licence",
        "annual license",
    ],
    "costs.maintenance": ["maintenance", "maintenance cost", "annual maintenance", "support contract"],
    "costs.hosting": ["hosting", "hosting cost", "infrastructure cost"],
    "costs.support": ["support", "support cost", "support effort"],
    "costs.integration": ["integration", "integration cost", "interface upkeep"],
}
"""Model field -> column headers recognised without a mapping file (case, spaces and _ ignored)."""

ASSET_FIELDS = frozenset(
    {"key", "name", "kind", "ips", "macs", "hostnames", "vendor", "model", "serial", "firmware", "os"}
    | {"location", "zone", "purdue_level", "systems", "description", "tags"}
)
SYSTEM_FIELDS = frozenset(
    {"key", "name", "kind", "vendor", "product", "version", "owner", "criticality", "location", "zone"}
    | {"purdue_level", "capabilities", "users", "description", "tags"}
    | {f for f in DEFAULT_COLUMNS if f.startswith(("lifecycle.", "costs."))}
)
_LISTS = frozenset({"ips", "macs", "hostnames", "systems", "capabilities", "tags"})


def _header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


@dataclass
class ColumnMapping:
    """Which column holds which model field, and how cell values translate."""

    kind: str | None = None
    sheet: str | None = None
    columns: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        """Read a mapping YAML file (keys: kind, sheet, columns, values)."""
        try:
            data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
        except (OSError, YAMLError) as exc:
            raise InputError(f"cannot read the column mapping: {exc}", file=str(path)) from None
        if not isinstance(data, dict):
            raise InputError(
                "a column mapping is a YAML mapping (kind, sheet, columns, values)", file=str(path)
            )
        unknown = set(data) - {"kind", "sheet", "columns", "values"}
        if unknown:
            raise InputError(f"unknown keys {sorted(unknown)}", file=str(path), field=sorted(unknown)[0])
        columns = {}
        for model_field, headers in (data.get("columns") or {}).items():
            if model_field not in ASSET_FIELDS | SYSTEM_FIELDS:
                raise InputError("not a field plantarch can import", file=str(path), field=str(model_field))
            columns[str(model_field)] = [
                str(h) for h in (headers if isinstance(headers, list) else [headers])
            ]
        values = {
            str(k): {str(a): str(b) for a, b in (v or {}).items()}
            for k, v in (data.get("values") or {}).items()
        }
        kind = data.get("kind")
        if kind is not None and kind not in KINDS:
            raise InputError(f"kind must be one of {', '.join(KINDS)}", file=str(path), field="kind")
        return cls(kind=kind, sheet=data.get("sheet"), columns=columns, values=values)

    def resolve(self, headers: list[str], defaults: dict[str, list[str]]) -> dict[str, str]:
        """Model field -> the header present in the file (mapping file first, then the defaults)."""
        present = {_header(h): h for h in headers if h}
        chosen: dict[str, str] = {}
        for model_field, names in self.columns.items():
            for name in names:
                if _header(name) in present:
                    chosen[model_field] = present[_header(name)]
                    break
        taken = set(chosen.values())
        for model_field, names in defaults.items():
            if model_field in chosen:
                continue
            for name in names:
                header = present.get(_header(name))
                if header and header not in taken:
                    chosen[model_field] = header
                    taken.add(header)
                    break
        return chosen


def _rows(path: Path, sheet: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row by header) from a CSV or the first (or named) sheet of an XLSX file."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path, sheet)
        return
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raw = path.read_bytes().decode("cp1252", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from None
    try:
        dialect: Any = csv.Sniffer().sniff(raw[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(raw), dialect=dialect)
    for row in reader:
        yield reader.line_num, {k: v for k, v in row.items() if k is not None}


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(f"not a readable XLSX workbook: {exc}", file=str(path)) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(f"no sheet '{sheet}' (sheets: {', '.join(book.sheetnames)})", file=str(path))
        rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        headers = [text(h) for h in next(rows, ())]
        for number, values in enumerate(rows, start=2):
            yield number, dict(zip(headers, values, strict=False))
    finally:
        book.close()


def _convert(model_field: str, value: Any) -> Any:
    if model_field in _LISTS:
        items = split_list(value)
        if model_field == "ips":
            bad = [i for i in items if normalize_ip(i) is None]
            if bad:
                raise ValueError(f"'{bad[0]}' is not an IP address")
        if model_field == "macs":
            bad = [i for i in items if normalize_mac(i) is None]
            if bad:
                raise ValueError(f"'{bad[0]}' is not a MAC address")
        return items
    if model_field.startswith("lifecycle."):
        return parse_date(value)
    if model_field.startswith("costs.") or model_field == "users":
        number = parse_number(value)
        return int(number) if model_field == "users" else number
    if model_field == "purdue_level":
        return parse_level(value)
    if model_field == "criticality":
        return parse_criticality(value)
    return text(value)


def _record(
    mapping: ColumnMapping, chosen: dict[str, str], row: dict[str, Any], where: tuple[str, int]
) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for model_field, header in chosen.items():
        cell = row.get(header)
        if text(cell) == "":
            continue
        translated = mapping.values.get(model_field, {}).get(text(cell), cell)
        try:
            record[model_field] = _convert(model_field, translated)
        except ValueError as exc:
            raise InputError(str(exc), file=where[0], line=where[1], field=header) from None
    return record


SYSTEM_ONLY = frozenset(SYSTEM_FIELDS - ASSET_FIELDS - {"product", "version"})
"""Columns an asset row cannot hold (owners, costs, lifecycle belong to the systems on it)."""


def _asset(record: dict[str, Any], where: tuple[str, int]) -> HostObservation:
    if not (record.get("name") or record.get("ips") or record.get("macs") or record.get("hostnames")):
        raise InputError(
            "an asset row needs a name, an IP, a MAC or a hostname", file=where[0], line=where[1]
        )
    names = list(record.pop("hostnames", []))
    name = record.get("name")
    if name and normalize_hostname(name) and " " not in name and name not in names:
        names.append(name)
    identity = {f: record.pop(f) for f in ("model", "serial", "firmware") if f in record}
    attributes = {k: v for k, v in record.items() if k in ASSET_FIELDS and k not in ("vendor", "os")}
    if "kind" in attributes:
        attributes["kind"] = str(attributes["kind"]).lower()
    return HostObservation(
        names=names,
        vendor=record.get("vendor"),
        os=record.get("os"),
        identity=identity,
        attributes=attributes,
    )


def _system(record: dict[str, Any], where: tuple[str, int], references: dict[str, dict[str, str]]) -> System:
    name = record.get("name")
    if not name:
        raise InputError("a system row needs a name", file=where[0], line=where[1])
    data: dict[str, Any] = {"key": record.get("key") or key_part(str(name)).lower(), "name": name}
    kind = parse_system_kind(record.get("kind") or name)
    data["kind"] = parse_system_kind(name) if kind == "other" else kind
    if "product" not in record and record.get("model"):
        data["product"] = record["model"]
    named = {f: str(record[f]) for f in ("location", "zone") if record.get(f)}
    if named:
        references[data["key"]] = named
    for model_field, value in record.items():
        if model_field in ("key", "name", "kind", "location", "zone") or model_field not in SYSTEM_FIELDS:
            continue
        head, _, rest = model_field.partition(".")
        if rest:
            data.setdefault(head, {})[rest] = value
        else:
            data[model_field] = value
    try:
        return System.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where_field = ".".join(str(p) for p in error["loc"])
        raise InputError(error["msg"], file=where[0], line=where[1], field=where_field) from None


def read_inventory(
    path: Path, *, kind: str | None = None, mapping: ColumnMapping | None = None
) -> ObservationBatch:
    """Read a CSV/XLSX inventory or CMDB export into observations (assets as hosts, systems as systems)."""
    if not path.is_file():
        raise InputError("no such inventory file", file=str(path))
    mapping = mapping or ColumnMapping()
    rows = _rows(path, mapping.sheet)
    first = next(rows, None)
    if first is None:
        return ObservationBatch(provenance=Provenance(source="inventory", reference=str(path)))
    headers = list(first[1])
    normalized = {_header(h) for h in headers}
    chosen_kind = kind or mapping.kind or ("cmdb" if {"sys class name", "sys id"} & normalized else "assets")
    if chosen_kind not in KINDS:
        raise InputError(f"--kind must be one of {', '.join(KINDS)}", field="kind")
    defaults = CMDB_COLUMNS | {k: v for k, v in DEFAULT_COLUMNS.items() if k not in CMDB_COLUMNS}
    chosen = mapping.resolve(headers, defaults if chosen_kind == "cmdb" else DEFAULT_COLUMNS)
    if "name" not in chosen and not {"ips", "macs", "hostnames"} & set(chosen):
        raise InputError(
            f"no column for the name (headers: {', '.join(h for h in headers if h)}); "
            "name it in a mapping file (--mapping)",
            file=str(path),
            line=1,
        )
    class_header = next((h for h in headers if _header(h) in ("sys class name", "class")), None)
    hosts: list[HostObservation] = []
    systems: list[System] = []
    skipped: dict[str, int] = {}
    references: dict[str, dict[str, str]] = {}
    for line, row in [first, *rows]:
        if not any(text(v) for v in row.values()):
            continue
        where = (str(path), line)
        record = _record(mapping, chosen, row, where)
        as_system = chosen_kind == "systems"
        if chosen_kind == "cmdb":
            reason = cmdb_skip_reason(row)
            if reason:
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            ci_class = text(row.get(class_header)) if class_header else ""
            as_system = cmdb_row_is_system(ci_class, record)
            if ci_class and "kind" not in record:
                record["kind"] = kind_from_class(ci_class, as_system) or ci_class
        if as_system:
            systems.append(_system(record, where, references))
        else:
            hosts.append(_asset(record, where))
    warnings = []
    unused = sorted(f for f in chosen if f in SYSTEM_ONLY) if hosts else []
    if unused:
        warnings.append(
            f"{path}: columns for {', '.join(unused)} are kept for systems only; asset rows ignore them "
            "(import them with --kind systems, or as CMDB application records)"
        )
    source = "cmdb" if chosen_kind == "cmdb" else "inventory"
    summary = {
        "file": str(path),
        "kind": chosen_kind,
        "columns": dict(sorted(chosen.items())),
        "ignored_columns": sorted(h for h in headers if h and h not in chosen.values()),
        "assets": len(hosts),
        "systems": len(systems),
        "skipped": skipped,
    }
    return ObservationBatch(
        provenance=Provenance(source=source, reference=str(path)),
        hosts=hosts,
        systems=systems,
        system_references=references,
        summary=summary,
        warnings=warnings,
    )


class InventorySource(DiscoverySource):
    """CSV / XLSX asset or system inventories and ServiceNow-style CMDB exports."""

    name: ClassVar[str] = "inventory"
    label: ClassVar[str] = "Inventory spreadsheet or CMDB export"
    parameters: ClassVar[dict[str, str]] = {
        "kind": "assets, systems or cmdb (default: cmdb when sys_class_name is a column, else assets).",
        "mapping": "Column-mapping YAML file (default: the built-in header names).",
    }
    trust: ClassVar[str] = "cmdb"

    def observe(self, target: str, **params: Any) -> ObservationBatch:
        """Read one inventory file."""
        mapping_file = params.get("mapping")
        mapping = ColumnMapping.load(Path(mapping_file)) if mapping_file else None
        return read_inventory(Path(target), kind=params.get("kind"), mapping=mapping)
