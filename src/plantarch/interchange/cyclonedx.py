"""CycloneDX 1.6: systems as services (with trust zones and data flows), assets as device components.

cyclonedx-python-lib builds the BOM (metadata, services, components, properties, dependencies).
Version 11 of the library cannot yet express a service's `trustZone` or the CycloneDX 1.5+ `data`
entries with `source`/`destination`, so `cyclonedx_json` adds those two to the JSON the library
writes; `validate_cyclonedx` checks the result with the library's own strict 1.6 JSON validator.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.service import Service
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from plantarch.interchange.fields import flatten
from plantarch.model import Asset, Flow, PlantModel, System

PROPERTY_PREFIX = "plantarch:"


def bom_ref(kind: str, key: str) -> str:
    """The bom-ref of a system ('system:mes') or an asset ('asset:plc-1')."""
    return f"{kind}:{key}"


def _properties(obj: System | Asset, skip: tuple[str, ...]) -> list[Property]:
    return [Property(name=PROPERTY_PREFIX + k, value=v) for k, v in flatten(obj, skip=skip).items()]


def _serial(model: PlantModel) -> uuid.UUID:
    """A serial number derived from the content, so an unchanged model exports the same BOM identity."""
    digest = hashlib.sha256(model.model_dump_json().encode()).hexdigest()
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:plantarch:{digest}")


def build_bom(model: PlantModel) -> Bom:
    """A CycloneDX BOM of the model as cyclonedx-python-lib objects (without trust zones and flows)."""
    bom = Bom(serial_number=_serial(model))
    services: dict[str, Service] = {}
    for system in model.systems:
        service = Service(
            name=system.name,
            bom_ref=bom_ref("system", system.key),
            provider=OrganizationalEntity(name=system.vendor) if system.vendor else None,
            group=system.product,
            version=system.version,
            description=system.description or None,
            properties=_properties(system, skip=("name", "description", "vendor", "product", "version")),
        )
        services[system.key] = service
        bom.services.add(service)
    for asset in model.assets:
        component = Component(
            name=asset.name,
            type=ComponentType.DEVICE,
            bom_ref=bom_ref("asset", asset.key),
            manufacturer=OrganizationalEntity(name=asset.vendor) if asset.vendor else None,
            version=asset.firmware,
            description=asset.description or None,
            properties=_properties(asset, skip=("name", "description", "vendor", "firmware")),
        )
        bom.components.add(component)
        for key in asset.systems:  # a hosted system depends on the asset it runs on
            if key in services:
                bom.register_dependency(services[key], [component])
    return bom


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


def cyclonedx_json(model: PlantModel) -> str:
    """The model as CycloneDX 1.6 JSON: services with trust zones and data flows, device components."""
    bom = build_bom(model)
    document: dict[str, Any] = json.loads(JsonV1Dot6(bom).output_as_string())
    serial = str(document.get("serialNumber", ""))
    zone_names = {z.key: z.name for z in model.zones}
    zone_of: dict[str, str | None] = {s.key: s.zone for s in model.systems}
    zone_of.update({a.key: a.zone for a in model.assets})
    ref_of = {s.key: bom_ref("system", s.key) for s in model.systems}
    ref_of.update({a.key: bom_ref("asset", a.key) for a in model.assets})
    data: dict[str, list[dict[str, Any]]] = {}
    crossing: set[str] = set()
    for flow in model.flows:
        src, dst = ref_of.get(flow.source), ref_of.get(flow.target)
        if src is None or dst is None:
            continue
        data.setdefault(src, []).append(_flow_data(flow, "outbound", serial, dst))
        data.setdefault(dst, []).append(_flow_data(flow, "inbound", serial, src))
        if zone_of.get(flow.source) != zone_of.get(flow.target):
            crossing.update((src, dst))
    systems = {bom_ref("system", s.key): s for s in model.systems}
    for service in document.get("services", []):
        ref = service.get("bom-ref", "")
        system = systems.get(ref)
        if system is not None and system.zone:
            service["trustZone"] = zone_names.get(system.zone, system.zone)
        if ref in crossing:
            service["x-trust-boundary"] = True
        if data.get(ref):
            service["data"] = data[ref]
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)


def write_cyclonedx(model: PlantModel, path: Path) -> int:
    """Write the model as CycloneDX 1.6 JSON; returns the number of services written."""
    text = cyclonedx_json(model)
    path.write_text(text, encoding="utf-8")
    return len(model.systems)


def validate_cyclonedx(text: str) -> list[str]:
    """Schema errors of a CycloneDX 1.6 JSON document (empty when valid), from the library's validator."""
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    return [] if error is None else [str(error)]
