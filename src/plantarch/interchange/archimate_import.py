"""Read an ArchiMate 3.x Open Exchange file back into a plant model.

Elements written by plantarch carry `plantarch.kind`/`plantarch.key` and every field as a property,
so they come back exactly. Elements drawn by hand in Archi or another tool are mapped by type
(application components, nodes, devices and system software → systems; Capability; Location;
Grouping → zone; a CommunicationNetwork/Path associated with two zones → conduit) and their
references come from relationships (aggregation into a location or zone, realization of a
capability, Flow/Triggering/Serving between systems → flows). Anything else is skipped with a warning.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as safe_iterparse

from plantarch.errors import InputError
from plantarch.interchange.archimate import KEY_PROPERTY, KIND_PROPERTY
from plantarch.interchange.archimate_views import NS, XSI
from plantarch.interchange.fields import unflatten
from plantarch.model import OBJECT_TYPES, PLURALS, Flow, ModelObject, PlantModel

_FOREIGN_KINDS: dict[str, str] = {
    "ApplicationComponent": "system",
    "Node": "system",
    "Device": "system",
    "SystemSoftware": "system",
    "Equipment": "system",
    "Capability": "capability",
    "Location": "location",
    "Grouping": "zone",
    "CommunicationNetwork": "conduit",
    "Path": "conduit",
}
_FOREIGN_DEFAULTS: dict[str, dict[str, str]] = {
    "system": {"kind": "other"},
    "capability": {"category": "business"},
    "location": {"kind": "site"},
    "zone": {},
    "conduit": {},
}
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._:@/+-]+")


@dataclass
class _Concept:
    """One element or relationship as read from the file."""

    ident: str
    type: str
    name: str
    documentation: str
    properties: dict[str, str]
    source: str = ""
    target: str = ""


@dataclass
class ArchimateImport:
    """What an ArchiMate file yielded: the model, and what was skipped or guessed."""

    model: PlantModel
    warnings: list[str] = field(default_factory=list)


def _t(name: str) -> str:
    return f"{{{NS}}}{name}"


def _concept(el: ET.Element) -> _Concept:
    """An element or relationship; its properties keyed by definition id until the names are known."""
    props: dict[str, str] = {}
    for prop in el.iterfind(f"{_t('properties')}/{_t('property')}"):
        value = prop.find(_t("value"))
        props[prop.get("propertyDefinitionRef", "")] = (
            "" if value is None or value.text is None else value.text
        )
    return _Concept(
        ident=el.get("identifier", ""),
        type=el.get(f"{{{XSI}}}type", ""),
        name=el.findtext(_t("name"), default=""),
        documentation=el.findtext(_t("documentation"), default=""),
        properties=props,
        source=el.get("source", ""),
        target=el.get("target", ""),
    )


def _read(path: Path) -> tuple[list[_Concept], list[_Concept]]:
    """Elements and relationships of the file, streamed so that big files need little memory."""
    elements: list[_Concept] = []
    relationships: list[_Concept] = []
    names: dict[str, str] = {}
    stack: list[ET.Element] = []
    try:
        for event, el in safe_iterparse(str(path), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                if not stack and el.tag != _t("model"):
                    raise InputError(
                        f"not an ArchiMate exchange file: root element is {el.tag!r}, "
                        f"expected <model> in {NS}",
                        file=str(path),
                    )
                stack.append(el)
                continue
            stack.pop()
            if el.tag == _t("element") and len(stack) == 2:
                elements.append(_concept(el))
            elif el.tag == _t("relationship") and len(stack) == 2:
                relationships.append(_concept(el))
            elif el.tag == _t("propertyDefinition"):
                names[el.get("identifier", "")] = el.findtext(_t("name"), default="")
            elif len(stack) != 1:
                continue
            stack[-1].remove(el)  # done with this child of <elements>, <relationships>, <model>
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(f"not well-formed XML: {exc}", file=str(path), line=line, offset=column) from exc
    except DefusedXmlException as exc:
        raise InputError(
            f"refused unsafe XML ({exc}); DTDs and entities are not allowed", file=str(path)
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from exc
    for concept in (*elements, *relationships):
        concept.properties = {names[r]: v for r, v in concept.properties.items() if names.get(r)}
    return elements, relationships


def _slug(text: str, fallback: str) -> str:
    slug = _KEY_UNSAFE.sub("-", text.strip().lower()).strip("-._:@/+")
    return slug[:200] or fallback


def import_archimate(path: Path) -> ArchimateImport:
    """Read an ArchiMate exchange file (parsed safely: no DTDs, entities or network) into a model."""
    elements, relationships = _read(path)
    warnings: list[str] = []
    where = str(path)

    kind_of: dict[str, str] = {}
    key_of: dict[str, str] = {}
    fields_of: dict[str, dict[str, str]] = {}
    foreign: set[str] = set()
    used: set[tuple[str, str]] = set()
    for el in elements:
        kind = el.properties.get(KIND_PROPERTY) or _FOREIGN_KINDS.get(el.type)
        if kind is None or kind not in OBJECT_TYPES or kind == "flow":
            warnings.append(
                f"skipped element '{el.ident}' of type {el.type} (nothing in plantarch to map it to)"
            )
            continue
        fields = {k: v for k, v in el.properties.items() if k not in (KIND_PROPERTY, KEY_PROPERTY)}
        model_fields = OBJECT_TYPES[kind].model_fields
        if KIND_PROPERTY not in el.properties:
            foreign.add(el.ident)
            fields = {k: v for k, v in fields.items() if k.partition(".")[0] in model_fields}
            for name, default in _FOREIGN_DEFAULTS.get(kind, {}).items():
                fields.setdefault(name, default)
        namespace = "endpoint" if kind in ("system", "asset") else kind
        key = el.properties.get(KEY_PROPERTY) or _slug(el.name, el.ident)
        base, n = key, 1
        while (namespace, key) in used:
            n += 1
            key = f"{base}-{n}"
        used.add((namespace, key))
        if "name" in model_fields:
            fields["name"] = el.name
        if "description" in model_fields and el.documentation:
            fields["description"] = el.documentation
        kind_of[el.ident], key_of[el.ident], fields_of[el.ident] = kind, key, fields

    flows: list[Flow] = []
    _apply_relationships(relationships, kind_of, key_of, fields_of, foreign, flows, warnings, where)

    model_lists: dict[str, list[ModelObject]] = {plural: [] for plural in PLURALS.values()}
    for el in elements:
        if el.ident not in kind_of:
            continue
        kind = kind_of[el.ident]
        if kind == "conduit" and el.ident in foreign and "zones" not in fields_of[el.ident]:
            warnings.append(f"skipped {el.type} '{el.name}': a conduit needs two associated zones")
            continue
        fields = {"key": key_of[el.ident], **fields_of[el.ident]}
        try:
            obj = unflatten(kind, fields, where=where)
        except InputError as exc:
            raise InputError(f"element '{el.ident}': {exc.message}", file=where, field=exc.field) from exc
        model_lists[PLURALS[kind]].append(obj)
    model_lists["flows"] = list(flows)
    return ArchimateImport(model=PlantModel.model_validate(model_lists), warnings=warnings)


def read_archimate(path: Path) -> PlantModel:
    """The plant model in an ArchiMate exchange file (see `import_archimate` for the warnings)."""
    return import_archimate(path).model


def _apply_relationships(
    relationships: list[_Concept],
    kind_of: dict[str, str],
    key_of: dict[str, str],
    fields_of: dict[str, dict[str, str]],
    foreign: set[str],
    flows: list[Flow],
    warnings: list[str],
    where: str,
) -> None:
    """Flows from Flow relationships; references of hand-drawn elements from structural relationships."""
    conduit_zones: dict[str, list[str]] = {}
    flow_keys: set[str] = set()
    for rel in relationships:
        src_kind, tgt_kind = kind_of.get(rel.source), kind_of.get(rel.target)
        src_key, tgt_key = key_of.get(rel.source), key_of.get(rel.target)
        if src_key is None or tgt_key is None or src_kind is None or tgt_kind is None:
            continue
        endpoints = src_kind in ("system", "asset") and tgt_kind in ("system", "asset")
        drawn_flow = rel.type in ("Flow", "Triggering") or (
            rel.type == "Serving" and src_kind == tgt_kind == "system"
        )
        if rel.properties.get(KIND_PROPERTY) == "flow" or (
            endpoints and drawn_flow and KIND_PROPERTY not in rel.properties
        ):
            source, target = (tgt_key, src_key) if rel.type == "Serving" else (src_key, tgt_key)
            key = rel.properties.get(KEY_PROPERTY) or f"{source}-to-{target}"
            base, n = key, 1
            while key in flow_keys:
                n += 1
                key = f"{base}-{n}"
            flow_keys.add(key)
            fields = {k: v for k, v in rel.properties.items() if k not in (KIND_PROPERTY, KEY_PROPERTY)}
            if KIND_PROPERTY not in rel.properties:
                fields = {k: v for k, v in fields.items() if k in Flow.model_fields}
            fields |= {"key": key, "source": source, "target": target}
            if rel.documentation:
                fields["description"] = rel.documentation
            try:
                flow = unflatten("flow", fields, where=where)
            except InputError as exc:
                raise InputError(
                    f"relationship '{rel.ident}': {exc.message}", file=where, field=exc.field
                ) from exc
            assert isinstance(flow, Flow)
            flows.append(flow)
            continue
        if rel.type in ("Aggregation", "Composition") and rel.target in foreign:
            child = fields_of[rel.target]
            if src_kind == "location" and tgt_kind in ("location",):
                child.setdefault("parent", src_key)
            elif src_kind == "location" and tgt_kind in ("system", "asset"):
                child.setdefault("location", src_key)
            elif src_kind == "location" and tgt_kind == "zone":
                child.setdefault("site", src_key)
            elif src_kind == "zone" and tgt_kind in ("system", "asset"):
                child.setdefault("zone", src_key)
            elif src_kind == tgt_kind == "capability":
                child.setdefault("parent", src_key)
        elif rel.type == "Realization" and src_kind == "system" and tgt_kind == "capability":
            if rel.source in foreign:
                caps = json.loads(fields_of[rel.source].get("capabilities", "[]"))
                fields_of[rel.source]["capabilities"] = json.dumps([*caps, tgt_key])
        elif (
            rel.type == "Association"
            and rel.source in foreign
            and src_kind == "conduit"
            and tgt_kind == "zone"
        ):
            conduit_zones.setdefault(rel.source, []).append(tgt_key)
    for ident, zones in conduit_zones.items():
        if len(zones) == 2:
            fields_of[ident]["zones"] = json.dumps(zones)
        else:
            warnings.append(f"conduit element '{ident}' is associated with {len(zones)} zones, expected 2")
