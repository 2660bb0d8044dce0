"""The two diagrams of an ArchiMate export: systems in Purdue bands, and zones with their conduits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from plantarch.interchange.fields import xml_text
from plantarch.model import PlantModel
from plantarch.report.bands import PURDUE_ORDER, level_label

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"

VIEW_NODE_LIMIT = 400
"""At most this many element nodes per view; the rest of a band is summarised in a label."""

NODE_W, NODE_H, GAP, PAD, HEADER, COLUMNS = 150, 55, 20, 20, 35, 8


@dataclass(frozen=True)
class Link:
    """A relationship a view may draw: its id and the ids of the elements it joins."""

    relationship: str
    source: str
    target: str


def _t(name: str) -> str:
    return f"{{{NS}}}{name}"


def _label(parent: etree._Element, text: str) -> None:
    label = etree.SubElement(parent, _t("label"))
    label.set(f"{{{XML_NS}}}lang", "en")
    label.text = xml_text(text)


def _style(parent: etree._Element, rgb: tuple[int, int, int]) -> None:
    style = etree.SubElement(parent, _t("style"))
    etree.SubElement(style, _t("fillColor"), r=str(rgb[0]), g=str(rgb[1]), b=str(rgb[2]))


class _View:
    """One diagram being laid out: nodes on a simple grid, then connections between drawn elements."""

    def __init__(self, diagrams: etree._Element, ident: str, name: str, viewpoint: str) -> None:
        self.ident = ident
        self.el = etree.SubElement(diagrams, _t("view"), identifier=ident, viewpoint=viewpoint)
        self.el.set(f"{{{XSI}}}type", "Diagram")
        name_el = etree.SubElement(self.el, _t("name"))
        name_el.set(f"{{{XML_NS}}}lang", "en")
        name_el.text = name
        self.node_of: dict[str, str] = {}
        self.drawn = 0
        self.y = PAD

    def box(
        self,
        members: Sequence[str],
        *,
        element: str | None = None,
        label: str = "",
        fill: tuple[int, int, int] = (240, 240, 240),
        x: int = PAD,
    ) -> etree._Element:
        """A container (band or zone) with member element nodes in a grid; returns the container."""
        room = max(0, VIEW_NODE_LIMIT - self.drawn)
        shown, hidden = list(members[:room]), len(members) - min(len(members), room)
        cells = len(shown) + (1 if hidden else 0)
        rows = max(1, -(-cells // COLUMNS))
        width = max(4, min(cells, COLUMNS)) * (NODE_W + GAP) + GAP
        height = HEADER + rows * (NODE_H + GAP)
        box = etree.SubElement(self.el, _t("node"), identifier=f"{self.ident}-box{len(self.el)}")
        box.set(f"{{{XSI}}}type", "Element" if element else "Container")
        if element:
            box.set("elementRef", element)
            self.node_of[element] = box.get("identifier", "")
        if label:
            _label(box, label)
        _style(box, fill)
        for attr, value in (("x", x), ("y", self.y), ("w", width), ("h", height)):
            box.set(attr, str(value))
        for i, member in enumerate(shown):
            node = etree.SubElement(box, _t("node"), identifier=f"{self.ident}-{member}")
            node.set(f"{{{XSI}}}type", "Element")
            node.set("elementRef", member)
            self._place(node, x, i)
            self.node_of[member] = node.get("identifier", "")
        if hidden:
            more = etree.SubElement(box, _t("node"), identifier=f"{self.ident}-more{len(self.el)}")
            more.set(f"{{{XSI}}}type", "Label")
            _label(more, f"… and {hidden} more")
            self._place(more, x, len(shown))
        self.drawn += len(shown)
        self.y += height + GAP
        return box

    def _place(self, node: etree._Element, x: int, i: int) -> None:
        row, col = divmod(i, COLUMNS)
        node.set("x", str(x + GAP + col * (NODE_W + GAP)))
        node.set("y", str(self.y + HEADER + row * (NODE_H + GAP)))
        node.set("w", str(NODE_W))
        node.set("h", str(NODE_H))

    def connect(self, links: Sequence[Link]) -> None:
        """Draw every link whose two ends are on this view (connections come after all nodes)."""
        for n, link in enumerate(links):
            source, target = self.node_of.get(link.source), self.node_of.get(link.target)
            if source and target and source != target:
                conn = etree.SubElement(self.el, _t("connection"), identifier=f"{self.ident}-c{n}")
                conn.set(f"{{{XSI}}}type", "Relationship")
                conn.set("relationshipRef", link.relationship)
                conn.set("source", source)
                conn.set("target", target)


_BAND_FILL: dict[float | None, tuple[int, int, int]] = {
    5.0: (222, 235, 247),
    4.0: (222, 235, 247),
    3.5: (255, 242, 204),
    3.0: (226, 239, 218),
    2.0: (252, 228, 214),
    1.0: (252, 228, 214),
    0.0: (242, 242, 242),
    None: (255, 255, 255),
}


def views_element(
    model: PlantModel,
    element_of: dict[tuple[str, str], str],
    flows: Sequence[Link],
    conduit_links: Sequence[Link],
) -> etree._Element:
    """The `<views>` element: the Purdue diagram and the zones-and-conduits diagram."""
    views = etree.Element(_t("views"), nsmap={None: NS, "xsi": XSI})
    diagrams = etree.SubElement(views, _t("diagrams"))

    by_level: dict[float | None, list[str]] = {}
    for system in model.systems:
        by_level.setdefault(system.purdue_level, []).append(element_of[("system", system.key)])
    for asset in model.assets:
        if not asset.systems:  # an asset hosting systems is shown through them
            level = asset.purdue_level
            if level is None and asset.suggested_level is not None:
                level = asset.suggested_level.level
            by_level.setdefault(level, []).append(element_of[("asset", asset.key)])
    purdue = _View(diagrams, "view-purdue", "Purdue levels", "Technology Usage")
    for level in (*PURDUE_ORDER, None):
        if by_level.get(level):
            purdue.box(by_level[level], label=level_label(level), fill=_BAND_FILL[level])
    purdue.connect(flows)

    zones = _View(diagrams, "view-zones", "Zones and conduits", "Technology")
    members: dict[str | None, list[str]] = {}
    for system in model.systems:
        members.setdefault(system.zone, []).append(element_of[("system", system.key)])

    def top_level(zone_key: str) -> float:
        zone = next(z for z in model.zones if z.key == zone_key)
        return -max(zone.purdue_levels, default=-1.0)

    for zone in sorted(model.zones, key=lambda z: (not z.untrusted, top_level(z.key), z.key)):
        fill = (255, 242, 204) if zone.dmz else (255, 230, 230) if zone.untrusted else (226, 239, 218)
        zones.box(members.get(zone.key, []), element=element_of[("zone", zone.key)], fill=fill)
    if members.get(None):
        zones.box(members[None], label="No zone", fill=(255, 255, 255))
    conduit_elements = [element_of[("conduit", c.key)] for c in model.conduits]
    if conduit_elements:
        zones.box(conduit_elements, label="Conduits", fill=(230, 230, 250))
    zones.connect([*conduit_links, *flows])
    return views
