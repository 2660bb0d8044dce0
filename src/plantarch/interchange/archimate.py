"""ArchiMate 3.1 Open Exchange XML: elements, relationships, properties and the Purdue and zone views.

Every plantarch object becomes one element (a flow becomes one Flow relationship) carrying all of
its fields as properties (`plantarch.kind`, `plantarch.key`, `purdue_level`, `zone`, `costs.licence`,
`lifecycle.end_of_support`, ...), so `read_archimate` rebuilds the model exactly. The relationships
(aggregation into locations and zones, realization of capabilities, serving/assignment of hosted
systems, association of conduits with zones) make the file meaningful in Archi and other tools.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from plantarch.interchange.archimate_views import NS, XML_NS, XSI, Link, views_element
from plantarch.interchange.fields import flatten, xml_text
from plantarch.model import ModelObject, PlantModel, System

SCHEMA_LOCATION = f"{NS} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"

KIND_PROPERTY = "plantarch.kind"
KEY_PROPERTY = "plantarch.key"

_DEVICE_KINDS = {"plc", "safety-plc", "rtu", "drive", "sensor", "robot", "firewall", "switch", "router"}
_SOFTWARE_KINDS = {"database", "virtualization", "domain-controller", "broker", "middleware", "opc-server"}
_NODE_KINDS = {
    "dcs",
    "edge-gateway",
    "jump-host",
    "remote-access",
    "engineering-workstation",
    "patch-server",
    "backup",
    "file-server",
    "internet",
    "vendor",
}
_ASSET_DEVICE_KINDS = _DEVICE_KINDS | {"hmi", "io", "gateway"}


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def system_element_type(kind: str) -> str:
    """The ArchiMate element type a system of this kind is drawn as."""
    if kind in _DEVICE_KINDS:
        return "Device"
    if kind in _SOFTWARE_KINDS:
        return "SystemSoftware"
    if kind in _NODE_KINDS:
        return "Node"
    return "ApplicationComponent"


def asset_element_type(kind: str) -> str:
    """The ArchiMate element type an asset of this kind is drawn as."""
    return "Device" if kind in _ASSET_DEVICE_KINDS else "Node"


def identifier(prefix: str, key: str) -> str:
    """A stable xs:ID for an object: readable when the key is, made unique by a hash when not."""
    safe = _ID_UNSAFE.sub("_", key)
    if safe != key:
        safe += "-" + hashlib.sha1(key.encode()).hexdigest()[:8]
    return f"{prefix}-{safe}"


_PREFIX = {
    "location": "loc",
    "capability": "cap",
    "zone": "zone",
    "conduit": "cdt",
    "system": "sys",
    "asset": "ast",
    "flow": "flow",
    "waiver": "wvr",
}


NSMAP = {None: NS, "xsi": XSI}
_DECLARATIONS = (f' xmlns="{NS}"', f' xmlns:xsi="{XSI}"')


class _Out:
    """Writes the document piece by piece, so a model of any size never sits in memory as XML."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.open: str | None = None
        self.written: dict[str, int] = {}

    def section(self, name: str | None) -> None:
        """Close the open container (elements, relationships, ...) and open `name`, if any."""
        if self.open == name:
            return
        if self.open is not None:
            self.stream.write(f"  </{self.open}>\n".encode())
        if name is not None:
            self.stream.write(f"  <{name}>\n".encode())
        self.open = name

    def write(self, section: str | None, el: etree._Element) -> None:
        """Write one element into a container (None: directly under <model>); namespaces stay on <model>."""
        self.section(section)
        text = etree.tostring(el, encoding="unicode", pretty_print=True)
        head, sep, rest = text.partition(">")
        for declaration in _DECLARATIONS:
            head = head.replace(declaration, "", 1)
        self.stream.write((head + sep + rest).encode("utf-8"))
        key = section or etree.QName(el).localname
        self.written[key] = self.written.get(key, 0) + 1


def _text(parent: etree._Element, name: str, text: str, lang: bool = False) -> None:
    child = etree.SubElement(parent, f"{{{NS}}}{name}")
    if lang:
        child.set(f"{{{XML_NS}}}lang", "en")
    child.text = xml_text(text)


@dataclass
class _Writer:
    """Writes elements and relationships, remembering identifiers and property definitions."""

    out: _Out
    property_ids: dict[str, str] = field(default_factory=dict)
    element_of: dict[tuple[str, str], str] = field(default_factory=dict)
    relationship_count: int = 0
    flow_links: list[Link] = field(default_factory=list)
    conduit_links: list[Link] = field(default_factory=list)

    def _properties(self, parent: etree._Element, values: dict[str, str]) -> None:
        if not values:
            return
        props = etree.SubElement(parent, f"{{{NS}}}properties")
        for name, value in values.items():
            ref = self.property_ids.setdefault(name, identifier("pd", name))
            prop = etree.SubElement(props, f"{{{NS}}}property", propertyDefinitionRef=ref)
            _text(prop, "value", value)

    def element(
        self, kind: str, obj: ModelObject, archimate_type: str, name: str, description: str = ""
    ) -> str:
        ident = identifier(_PREFIX[kind], obj.key)
        el = etree.Element(f"{{{NS}}}element", nsmap=NSMAP, identifier=ident)
        el.set(f"{{{XSI}}}type", archimate_type)
        _text(el, "name", name, lang=True)
        if description:
            _text(el, "documentation", description, lang=True)
        values = {KIND_PROPERTY: kind, KEY_PROPERTY: obj.key}
        values.update(flatten(obj, skip=("key", "name", "description")))
        self._properties(el, values)
        self.out.write("elements", el)
        self.element_of[(kind, obj.key)] = ident
        return ident

    def relationship(
        self,
        archimate_type: str,
        source: str | None,
        target: str | None,
        *,
        ident: str | None = None,
        name: str = "",
        description: str = "",
        values: dict[str, str] | None = None,
    ) -> str | None:
        if source is None or target is None:
            return None
        self.relationship_count += 1
        ident = ident or f"rel-{self.relationship_count}"
        rel = etree.Element(f"{{{NS}}}relationship", nsmap=NSMAP, identifier=ident)
        rel.set("source", source)
        rel.set("target", target)
        rel.set(f"{{{XSI}}}type", archimate_type)
        if name:
            _text(rel, "name", name, lang=True)
        if description:
            _text(rel, "documentation", description, lang=True)
        self._properties(rel, values or {})
        self.out.write("relationships", rel)
        return ident

    def endpoint(self, key: str | None) -> str | None:
        if key is None:
            return None
        return self.element_of.get(("system", key)) or self.element_of.get(("asset", key))


def write_archimate_stream(model: PlantModel, stream: BinaryIO, *, name: str = "plantarch model") -> int:
    """Write the model as an ArchiMate exchange document to a binary stream; returns elements written."""
    stream.write(b"<?xml version='1.0' encoding='UTF-8'?>\n")
    head = etree.Element(f"{{{NS}}}model", nsmap=NSMAP, identifier="id-plantarch-model")
    head.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    opening = etree.tostring(head, encoding="unicode").replace("/>", ">")
    stream.write((opening + "\n").encode())
    title = etree.Element(f"{{{NS}}}name", nsmap=NSMAP)
    title.set(f"{{{XML_NS}}}lang", "en")
    title.text = xml_text(name)
    out = _Out(stream)
    out.write(None, title)
    w = _Writer(out)

    for loc in model.locations:
        w.element("location", loc, "Location", loc.name, loc.description)
    for cap in model.capabilities:
        w.element("capability", cap, "Capability", cap.name, cap.description)
    for zone in model.zones:
        w.element("zone", zone, "Grouping", zone.name, zone.description)
    for system in model.systems:
        w.element("system", system, system_element_type(system.kind), system.name, system.description)
    for asset in model.assets:
        w.element("asset", asset, asset_element_type(asset.kind), asset.name, asset.description)
    for conduit in model.conduits:
        w.element("conduit", conduit, "CommunicationNetwork", conduit.name, conduit.description)
    for waiver in model.waivers:
        w.element("waiver", waiver, "Constraint", f"waiver {waiver.rule} on {waiver.object}", waiver.reason)

    _structure_relationships(w, model)
    for flow in model.flows:
        label = " ".join(p for p in (flow.protocol, str(flow.port) if flow.port else None) if p)
        source, target = w.endpoint(flow.source), w.endpoint(flow.target)
        rel = w.relationship(
            "Flow",
            source,
            target,
            ident=identifier("flow", flow.key),
            name=label,
            description=flow.description,
            values={KIND_PROPERTY: "flow", KEY_PROPERTY: flow.key}
            | flatten(flow, skip=("key", "source", "target", "description")),
        )
        if rel and source and target:
            w.flow_links.append(Link(rel, source, target))
    out.section(None)
    if w.property_ids:
        defs = etree.Element(f"{{{NS}}}propertyDefinitions", nsmap=NSMAP)
        for prop_name, ref in w.property_ids.items():
            pd = etree.SubElement(defs, f"{{{NS}}}propertyDefinition", identifier=ref, type="string")
            _text(pd, "name", prop_name, lang=True)
        out.write(None, defs)
    if model.systems or model.zones or model.assets:
        out.write(None, views_element(model, w.element_of, w.flow_links, w.conduit_links))
    stream.write(b"</model>\n")
    return out.written.get("elements", 0)


def archimate_bytes(model: PlantModel, *, name: str = "plantarch model") -> bytes:
    """The whole exchange document as bytes (for tests and small models; files are streamed)."""
    buffer = io.BytesIO()
    write_archimate_stream(model, buffer, name=name)
    return buffer.getvalue()


def archimate_document(model: PlantModel, *, name: str = "plantarch model") -> etree._Element:
    """The exchange document parsed into an lxml tree (for inspection and tests)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(archimate_bytes(model, name=name), parser)


def _structure_relationships(w: _Writer, model: PlantModel) -> None:
    """Relationships that mirror the references: hierarchy, zones, capabilities, hosting, conduits."""
    el = w.element_of
    for loc in model.locations:
        w.relationship("Aggregation", el.get(("location", loc.parent or "")), el.get(("location", loc.key)))
    for cap in model.capabilities:
        w.relationship(
            "Composition", el.get(("capability", cap.parent or "")), el.get(("capability", cap.key))
        )
    for zone in model.zones:
        w.relationship("Aggregation", el.get(("location", zone.site or "")), el.get(("zone", zone.key)))
    for kind, members in (("system", model.systems), ("asset", model.assets)):
        for member in members:
            me = el.get((kind, member.key))
            w.relationship("Aggregation", el.get(("location", member.location or "")), me)
            w.relationship("Aggregation", el.get(("zone", member.zone or "")), me)
    for system in model.systems:
        for cap_key in system.capabilities:
            w.relationship("Realization", el.get(("system", system.key)), el.get(("capability", cap_key)))
    systems = {s.key: s for s in model.systems}
    for asset in model.assets:
        for system_key in asset.systems:
            hosted = systems.get(system_key)
            kind = "Serving" if hosted and _is_application(hosted) else "Assignment"
            w.relationship(kind, el.get(("asset", asset.key)), el.get(("system", system_key)))
    for conduit in model.conduits:
        ce = el.get(("conduit", conduit.key))
        for zone_key in conduit.zones:
            ze = el.get(("zone", zone_key))
            rel = w.relationship("Association", ce, ze)
            if rel and ce and ze:
                w.conduit_links.append(Link(rel, ce, ze))
        w.relationship("Association", w.endpoint(conduit.enforcement), ce, name="enforces")
    for waiver in model.waivers:
        target = next(
            (
                el[(k, waiver.object)]
                for k in ("system", "asset", "zone", "conduit")
                if (k, waiver.object) in el
            ),
            None,
        )
        w.relationship("Association", el.get(("waiver", waiver.key)), target)


def _is_application(system: System) -> bool:
    return system_element_type(system.kind) == "ApplicationComponent"


def to_bytes(root: etree._Element) -> bytes:
    """Serialise a document as pretty-printed UTF-8 XML with a declaration."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def write_archimate(model: PlantModel, path: Path, *, name: str = "plantarch model") -> int:
    """Write the model as an ArchiMate exchange file; returns the number of elements written."""
    with path.open("wb") as stream:
        return write_archimate_stream(model, stream, name=name)


def shared_dir() -> Path:
    """The shared reference folder: $PLANTARCH_SHARED, else `<repo>/../shared`."""
    env = os.environ.get("PLANTARCH_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / ".." / "shared"


def archimate_xsd_dir() -> Path:
    """Where the Open Group ArchiMate 3.1 schemas are kept (reference/archimate-xsd)."""
    return shared_dir() / "reference" / "archimate-xsd"


class _LocalXsdResolver(etree.Resolver):  # type: ignore[misc]
    """Resolves the schemas' remote xml.xsd import to the local copy; nothing is fetched."""

    def __init__(self, xsd_dir: Path) -> None:
        super().__init__()
        self.xsd_dir = xsd_dir

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        local = self.xsd_dir / Path(system_url).name
        if local.is_file():
            return self.resolve_filename(str(local), context)
        return None


def archimate_schema(xsd_dir: Path) -> etree.XMLSchema:
    """The ArchiMate 3.1 exchange schema (Diagram entry point) loaded from local files only."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalXsdResolver(xsd_dir))
    doc = etree.parse(str(xsd_dir / "archimate3_Diagram.xsd"), parser)
    return etree.XMLSchema(doc)


def validate_archimate(data: bytes, xsd_dir: Path) -> list[str]:
    """Schema errors of an exchange document, as 'line N: message' strings (empty when valid)."""
    schema = archimate_schema(xsd_dir)
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    doc = etree.fromstring(data, parser)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
