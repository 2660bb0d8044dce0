"""GraphML for yEd, Gephi and networkx: systems and assets as nodes, flows and hosting as edges.

Written incrementally with lxml's `xmlfile`, so a 250,000-asset model streams to disk instead of
being built in memory first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from plantarch.interchange.fields import xml_text
from plantarch.model import PlantModel

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"

NODE_KEYS: tuple[tuple[str, str], ...] = (
    ("object", "string"),
    ("name", "string"),
    ("kind", "string"),
    ("purdue_level", "double"),
    ("zone", "string"),
    ("location", "string"),
    ("criticality", "string"),
    ("vendor", "string"),
    ("ips", "string"),
    ("declared", "boolean"),
)
EDGE_KEYS: tuple[tuple[str, str], ...] = (
    ("relation", "string"),
    ("flow", "string"),
    ("protocol", "string"),
    ("port", "int"),
    ("transport", "string"),
    ("encrypted", "boolean"),
    ("origin", "string"),
    ("information", "string"),
)


def _text(value: Any) -> str | None:
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return xml_text(str(value))


def _element(tag: str, attrs: dict[str, str], data: dict[str, Any]) -> etree._Element:
    el = etree.Element(f"{{{GRAPHML_NS}}}{tag}", attrs, nsmap={None: GRAPHML_NS})
    for key, value in data.items():
        text = _text(value)
        if text is not None:
            d = etree.SubElement(el, f"{{{GRAPHML_NS}}}data", key=key)
            d.text = text
    return el


def write_graphml(model: PlantModel, path: Path) -> tuple[int, int]:
    """Write the model's endpoint graph as GraphML; returns (nodes, edges) written."""
    nodes = edges = 0
    with etree.xmlfile(str(path), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{GRAPHML_NS}}}graphml", nsmap={None: GRAPHML_NS}):
            for scope, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
                for name, kind in keys:
                    attrs = {"id": name, "for": scope, "attr.name": name, "attr.type": kind}
                    xf.write(etree.Element(f"{{{GRAPHML_NS}}}key", attrs, nsmap={None: GRAPHML_NS}))
            with xf.element(f"{{{GRAPHML_NS}}}graph", id="plant", edgedefault="directed"):
                for system in model.systems:
                    data = {"object": "system", **system.model_dump(include={k for k, _ in NODE_KEYS})}
                    xf.write(_element("node", {"id": system.key}, data))
                    nodes += 1
                for asset in model.assets:
                    level = asset.purdue_level
                    if level is None and asset.suggested_level is not None:
                        level = asset.suggested_level.level
                    data = {"object": "asset", **asset.model_dump(include={k for k, _ in NODE_KEYS})}
                    data["purdue_level"] = level
                    xf.write(_element("node", {"id": asset.key}, data))
                    nodes += 1
                endpoints = model.endpoint_keys()
                for flow in model.flows:
                    if flow.source in endpoints and flow.target in endpoints:
                        data = {"relation": "flow", "flow": flow.key}
                        data |= flow.model_dump(include={k for k, _ in EDGE_KEYS})
                        xf.write(_element("edge", {"source": flow.source, "target": flow.target}, data))
                        edges += 1
                for asset in model.assets:
                    for system_key in asset.systems:
                        if system_key in endpoints:
                            xf.write(
                                _element(
                                    "edge", {"source": asset.key, "target": system_key}, {"relation": "hosts"}
                                )
                            )
                            edges += 1
    return nodes, edges
