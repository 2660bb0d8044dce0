"""CycloneDX 1.6: systems as services (with trust zones and data flows), assets as device components.

The document is written directly as JSON, in one pass over the model, and checked in the tests by
cyclonedx-python-lib's strict CycloneDX 1.6 JSON validator (`validate_cyclonedx`). Building it through
the library's object model was tried first: version 11 cannot express a service's `trustZone` nor the
`source`/`destination` of CycloneDX 1.5+ service data, and registering dependencies costs quadratic
time (about 70 s for 5,000 assets, hours for 250,000).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from plantarch import __version__
from plantarch.interchange.fields import flatten
from plantarch.model import Asset, Flow, PlantModel, System

PROPERTY_PREFIX = "plantarch:"
SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"


def bom_ref(kind: str, key: str) -> str:
    """The bom-ref of a system ('system:mes') or an asset ('asset:plc-1')."""
    return f"{kind}:{key}"


def _properties(obj: System | Asset, skip: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"name": PROPERTY_PREFIX + k, "value": v} for k, v in flatten(obj, skip=skip).items()]


def _serial(model: PlantModel) -> uuid.UUID:
    """A serial number derived from the content, so an unchanged model exports the same BOM identity."""
    digest = hashlib.sha256(model.model_dump_json().encode()).hexdigest()
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:plantarch:{digest}")


def _drop_empty(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if v not in (None, "", [], {})}


def _component(asset: Asset) -> dict[str, Any]:
    return _drop_empty(
        {
            "type": "device",
            "bom-ref": bom_ref("asset", asset.key),
            "name": asset.name,
            "manufacturer": {"name": asset.vendor} if asset.vendor else None,
            "version": asset.firmware,
            "description": asset.description,
            "properties": _properties(asset, skip=("name", "description", "vendor", "firmware")),
        }
    )


def _service(system: System, zone_names: dict[str, str]) -> dict[str, Any]:
    return _drop_empty(
        {
            "bom-ref": bom_ref("system", system.key),
            "provider": {"name": system.vendor} if system.vendor else None,
            "group": system.product,
            "name": system.name,
            "version": system.version,
            "description": system.description,
            "trustZone": zone_names.get(system.zone, system.zone) if system.zone else None,
            "properties": _properties(system, skip=("name", "description", "vendor", "product", "version")),
        }
    )


def _link(serial: str, ref: str) -> str:
    """A BOM-Link to an element of this BOM: urn:cdx:<serial uuid>/<version>#<bom-ref>."""
    return f"urn:cdx:{serial.removeprefix('urn:uuid:')}/1#{quote(ref, safe='')}"


def _flow_data(flow: Flow, direction: str, serial: str, peer: str) -> dict[str, Any]:
    classification = ", ".join(flow.information) or flow.protocol or "unclassified"
    name = " ".join(p for p in (flow.protocol, str(flow.port) if flow.port else None) if p) or flow.key
    entry: dict[str, Any] = {
        "flow": "bi-directional" if flow.direction == "bidirectional" else direction,
        "classification": classification,
        "name": name,
        "description": flow.description or f"flow {flow.key}",
    }
    entry["source" if direction == "inbound" else "destination"] = [_link(serial, peer)]
    return entry


@dataclass
class _Sections:
    """The parts of a BOM; components and services are generated one at a time, for streaming."""

    head: dict[str, Any]
    components: Iterator[dict[str, Any]]
    services: Iterator[dict[str, Any]]
    dependencies: list[dict[str, Any]]


def _sections(model: PlantModel, timestamp: datetime | None) -> _Sections:
    serial = f"urn:uuid:{_serial(model)}"
    zone_names = {z.key: z.name for z in model.zones}
    zone_of: dict[str, str | None] = {s.key: s.zone for s in model.systems}
    zone_of.update({a.key: a.zone for a in model.assets})
    ref_of = {s.key: bom_ref("system", s.key) for s in model.systems}
    ref_of.update({a.key: bom_ref("asset", a.key) for a in model.assets})
    flows_of: dict[str, list[tuple[Flow, str, str]]] = {}
    crossing: set[str] = set()
    for flow in model.flows:
        src, dst = ref_of.get(flow.source), ref_of.get(flow.target)
        if src is None or dst is None:
            continue
        flows_of.setdefault(src, []).append((flow, "outbound", dst))
        flows_of.setdefault(dst, []).append((flow, "inbound", src))
        if zone_of.get(flow.source) != zone_of.get(flow.target):
            crossing.update((src, dst))

    def services() -> Iterator[dict[str, Any]]:
        for system in model.systems:
            service = _service(system, zone_names)
            ref = service["bom-ref"]
            if ref in crossing:
                service["x-trust-boundary"] = True
            if ref in flows_of:
                service["data"] = [_flow_data(f, way, serial, peer) for f, way, peer in flows_of[ref]]
            yield service

    hosts: dict[str, list[str]] = {}
    for asset in model.assets:
        for key in asset.systems:  # a hosted system depends on the asset it runs on
            if key in ref_of:
                hosts.setdefault(ref_of[key], []).append(bom_ref("asset", asset.key))
    when = (timestamp or datetime.now(UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    head: dict[str, Any] = {
        "$schema": SCHEMA,
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial,
        "version": 1,
        "metadata": {
            "timestamp": when,
            "tools": {"components": [{"type": "application", "name": "plantarch", "version": __version__}]},
        },
    }
    return _Sections(
        head,
        (_component(a) for a in model.assets),
        services(),
        [{"ref": ref, "dependsOn": sorted(set(on))} for ref, on in sorted(hosts.items())],
    )


def cyclonedx_document(model: PlantModel, *, timestamp: datetime | None = None) -> dict[str, Any]:
    """The model as a CycloneDX 1.6 document: device components, services with trust zones and data."""
    parts = _sections(model, timestamp)
    document = dict(parts.head)
    for name, items in (
        ("components", list(parts.components)),
        ("services", list(parts.services)),
        ("dependencies", parts.dependencies),
    ):
        if items:
            document[name] = items
    return document


def cyclonedx_json(model: PlantModel) -> str:
    """The model as CycloneDX 1.6 JSON text."""
    return json.dumps(cyclonedx_document(model), indent=2, ensure_ascii=False)


def write_cyclonedx(model: PlantModel, path: Path, *, timestamp: datetime | None = None) -> int:
    """Stream the model to a CycloneDX 1.6 JSON file, one component or service at a time.

    Returns the number of services written.
    """
    parts = _sections(model, timestamp)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(parts.head, ensure_ascii=False)[:-1])  # the head without its closing brace
        for name, items, present in (
            ("components", parts.components, bool(model.assets)),
            ("services", parts.services, bool(model.systems)),
            ("dependencies", iter(parts.dependencies), bool(parts.dependencies)),
        ):
            if not present:
                continue
            fh.write(f',\n "{name}": [')
            for n, item in enumerate(items):
                fh.write((",\n  " if n else "\n  ") + json.dumps(item, ensure_ascii=False))
            fh.write("\n ]")
        fh.write("\n}\n")
    return len(model.systems)


def validate_cyclonedx(text: str) -> list[str]:
    """Schema errors of a CycloneDX 1.6 JSON document (empty when valid), from the library's validator."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    return [] if error is None else [str(error)]
