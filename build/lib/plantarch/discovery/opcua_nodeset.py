"""OPC UA NodeSet2 XML: namespaces, models, node counts and the equipment hierarchy it instantiates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from plantarch.discovery.safe_xml import local_name, parse_xml
from plantarch.errors import InputError

UA_NAMESPACE = "http://opcfoundation.org/UA/"
EQUIPMENT_MODELS: dict[str, str] = {
    "http://opcfoundation.org/UA/DI/": "DI",
    "http://opcfoundation.org/UA/Machinery/": "Machinery",
    "http://www.OPCFoundation.org/UA/2013/01/ISA95": "ISA-95",
    "http://opcfoundation.org/UA/ISA95-JOBCONTROL_V2/": "ISA-95 Job Control",
    "http://opcfoundation.org/UA/IA/": "IA",
}
"""Companion specifications whose types mark equipment (devices, machines, ISA-95 equipment)."""

HIERARCHICAL = frozenset(
    {"Organizes", "HasComponent", "HasAddIn", "HasChild", "HasOrderedComponent", "Aggregates", "HasNotifier"}
)
_STANDARD_REFERENCES = {
    "i=35": "Organizes",
    "i=47": "HasComponent",
    "i=17604": "HasAddIn",
    "i=34": "HasChild",
    "i=49": "HasOrderedComponent",
    "i=44": "Aggregates",
    "i=48": "HasNotifier",
    "i=40": "HasTypeDefinition",
    "i=45": "HasSubtype",
    "i=37": "HasModellingRule",
    "i=46": "HasProperty",
}
NODE_CLASSES = (
    "UAObject",
    "UAVariable",
    "UAMethod",
    "UAView",
    "UAObjectType",
    "UAVariableType",
    "UADataType",
    "UAReferenceType",
)

UA_TYPES = {
    "i=58": "BaseObjectType",
    "i=61": "FolderType",
    "i=76": "DataTypeEncodingType",
    "i=2004": "ServerType",
    "i=11616": "NamespaceMetadataType",
    "i=2307": "StateType",
    "i=2309": "InitialStateType",
    "i=2310": "TransitionType",
}
"""Names of the base OPC UA types nodesets refer to most."""

GlobalId = tuple[str, str]
"""A node id made independent of the file: (namespace URI, identifier such as 'i=1002')."""


@dataclass
class UaNode:
    """One node of a nodeset, with the references the summary needs."""

    node_id: GlobalId
    node_class: str
    browse_name: str
    parent: GlobalId | None = None
    type_definition: GlobalId | None = None
    supertype: GlobalId | None = None
    modelling_rule: bool = False
    children: list[GlobalId] = field(default_factory=list)
    parents: list[GlobalId] = field(default_factory=list)


@dataclass
class NodeSet:
    """The nodes of one or more NodeSet2 files, addressed by global id."""

    namespaces: list[str] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    nodes: dict[GlobalId, UaNode] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    primary: set[GlobalId] = field(default_factory=set)
    """Nodes defined by the file asked about (not by the required models read to name types)."""


def _global(text: str | None, uris: list[str], aliases: dict[str, str]) -> GlobalId | None:
    if not text:
        return None
    text = aliases.get(text.strip(), text.strip())
    index = 0
    if text.startswith("ns="):
        head, _, text = text.partition(";")
        index = int(head[3:])
    if index == 0:
        return (UA_NAMESPACE, text)
    if index - 1 >= len(uris):
        return None
    return (uris[index - 1], text)


def _reference_name(text: str | None, aliases: dict[str, str]) -> str:
    raw = (text or "").strip()
    resolved = aliases.get(raw, raw)
    return _STANDARD_REFERENCES.get(resolved, raw)


def read_nodeset(path: Path, into: NodeSet | None = None) -> NodeSet:
    """Read a NodeSet2 file (parsed with defusedxml) into a NodeSet, adding to `into` if given."""
    root = parse_xml(path)
    if local_name(root.tag) != "UANodeSet":
        raise InputError("not an OPC UA NodeSet2 file (expected <UANodeSet>)", file=str(path))
    result = into or NodeSet()
    uris = [(u.text or "").strip() for u in _children(root, "NamespaceUris", "Uri")]
    aliases = {a.get("Alias", ""): (a.text or "").strip() for a in _children(root, "Aliases", "Alias")}
    if into is None:
        result.namespaces = uris
        for model in _children(root, "Models", "Model"):
            result.models.append(
                {
                    "uri": model.get("ModelUri"),
                    "version": model.get("Version"),
                    "publication_date": model.get("PublicationDate"),
                    "requires": [r.get("ModelUri") for r in model if local_name(r.tag) == "RequiredModel"],
                }
            )
    for element in root:
        node_class = local_name(element.tag)
        if node_class not in NODE_CLASSES:
            continue
        node_id = _global(element.get("NodeId"), uris, aliases)
        if node_id is None:
            continue
        if into is None:
            result.counts[node_class] += 1
        node = UaNode(
            node_id=node_id,
            node_class=node_class,
            browse_name=(element.get("BrowseName") or "").split(":", 1)[-1],
            parent=_global(element.get("ParentNodeId"), uris, aliases),
        )
        _references(node, element, uris, aliases)
        result.nodes.setdefault(node_id, node)
        if into is None:
            result.primary.add(node_id)
    return result


def _children(root: Element, container: str, item: str) -> list[Element]:
    for child in root:
        if local_name(child.tag) == container:
            return [e for e in child if local_name(e.tag) == item]
    return []


def _references(node: UaNode, element: Element, uris: list[str], aliases: dict[str, str]) -> None:
    for refs in element:
        if local_name(refs.tag) != "References":
            continue
        for ref in refs:
            kind = _reference_name(ref.get("ReferenceType"), aliases)
            target = _global(ref.text, uris, aliases)
            forward = ref.get("IsForward", "true").lower() != "false"
            if target is None:
                continue
            if kind == "HasTypeDefinition" and forward:
                node.type_definition = target
            elif kind == "HasSubtype" and not forward:
                node.supertype = target
            elif kind == "HasModellingRule":
                node.modelling_rule = True
            elif kind in HIERARCHICAL:
                (node.children if forward else node.parents).append(target)


def load_with_required(path: Path) -> NodeSet:
    """Read a NodeSet2 file and, to name its types, the files of its required models beside it."""
    nodeset = read_nodeset(path)
    required = {uri for m in nodeset.models for uri in m["requires"] if uri}
    for sibling in sorted(path.parent.glob("*.xml")):
        if sibling.resolve() == path.resolve() or not required:
            continue
        try:
            head = sibling.read_text(errors="replace")[:20000]
        except OSError:
            continue
        if "<UANodeSet" in head and any(f'ModelUri="{uri}"' in head for uri in required):
            read_nodeset(sibling, into=nodeset)
    return nodeset


def equipment_model(nodeset: NodeSet, type_id: GlobalId | None) -> str | None:
    """The companion model (DI, Machinery, ISA-95, ...) a type is or derives from, if any."""
    seen: set[GlobalId] = set()
    while type_id is not None and type_id not in seen:
        if type_id[0] in EQUIPMENT_MODELS:
            return EQUIPMENT_MODELS[type_id[0]]
        seen.add(type_id)
        node = nodeset.nodes.get(type_id)
        type_id = node.supertype if node else None
    return None


def type_name(nodeset: NodeSet, type_id: GlobalId | None) -> str | None:
    """A type's browse name when known, else its namespace-qualified id."""
    if type_id is None:
        return None
    node = nodeset.nodes.get(type_id)
    if node:
        return node.browse_name
    if type_id[0] == UA_NAMESPACE and type_id[1] in UA_TYPES:
        return UA_TYPES[type_id[1]]
    return f"{type_id[0]};{type_id[1]}"


def summarize_nodeset(nodeset: NodeSet, *, depth: int = 6) -> dict[str, Any]:
    """Namespaces, models, node counts, types defined and the equipment hierarchy of a nodeset."""
    mine = {nid: n for nid, n in nodeset.nodes.items() if nid in nodeset.primary}
    instances = {nid: n for nid, n in mine.items() if n.node_class == "UAObject" and _is_instance(nodeset, n)}
    children: dict[GlobalId, list[GlobalId]] = {nid: [] for nid in instances}
    has_parent: set[GlobalId] = set()
    for nid, node in instances.items():
        for child in node.children:
            if child in instances and child not in children[nid]:
                children[nid].append(child)
                has_parent.add(child)
        for parent in node.parents + ([node.parent] if node.parent else []):
            if parent in instances and nid not in children[parent]:
                children[parent].append(nid)
                has_parent.add(nid)

    def tree(nid: GlobalId, level: int, path: frozenset[GlobalId]) -> dict[str, Any]:
        node = instances[nid]
        entry: dict[str, Any] = {
            "name": node.browse_name,
            "type": type_name(nodeset, node.type_definition),
            "model": equipment_model(nodeset, node.type_definition),
        }
        kids = [c for c in children[nid] if c not in path]
        if kids and level < depth:
            entry["children"] = [tree(c, level + 1, path | {c}) for c in kids]
        return entry

    roots = [nid for nid in instances if nid not in has_parent]
    hierarchy = [
        tree(nid, 1, frozenset({nid}))
        for nid in roots
        if _has_equipment(nodeset, nid, instances, children, set())
    ]
    object_types = sorted(n.browse_name for n in mine.values() if n.node_class == "UAObjectType")
    by_model = Counter(equipment_model(nodeset, n.type_definition) or "other" for n in instances.values())
    return {
        "namespaces": nodeset.namespaces,
        "models": nodeset.models,
        "node_counts": dict(sorted(nodeset.counts.items())),
        "object_types": object_types,
        "object_instances": len(instances),
        "instances_by_model": dict(sorted(by_model.items())),
        "equipment_hierarchy": hierarchy,
    }


def _is_instance(nodeset: NodeSet, node: UaNode) -> bool:
    """An object that is not part of a type definition (no modelling rule, no type ancestor)."""
    if node.modelling_rule:
        return False
    seen: set[GlobalId] = set()
    parent = node.parent
    while parent is not None and parent not in seen:
        seen.add(parent)
        owner = nodeset.nodes.get(parent)
        if owner is None:
            return True
        if owner.node_class.endswith("Type"):
            return False
        parent = owner.parent
    return True


def _has_equipment(
    nodeset: NodeSet,
    nid: GlobalId,
    instances: dict[GlobalId, UaNode],
    children: dict[GlobalId, list[GlobalId]],
    seen: set[GlobalId],
) -> bool:
    if nid in seen:
        return False
    seen.add(nid)
    if equipment_model(nodeset, instances[nid].type_definition):
        return True
    return any(_has_equipment(nodeset, c, instances, children, seen) for c in children[nid])
