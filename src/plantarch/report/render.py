"""Render a diagram: Graphviz DOT (laid out by `dot` into SVG or PNG) and Mermaid flowchart text."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from plantarch.errors import InputError, PlantarchError
from plantarch.interchange.fields import xml_text
from plantarch.model import PlantModel
from plantarch.report.compliance import FindingLike
from plantarch.report.diagram import VIEWS, Diagram, build_view

ROW = 10
"""Nodes per row inside a Purdue band before the band wraps onto another row."""

FORMATS = ("svg", "png", "mmd", "dot")


class GraphvizUnavailable(PlantarchError):
    """Graphviz `dot` is not installed or failed; Mermaid output still works."""


def _q(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as \\n, no control chars."""
    clean = xml_text(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + clean.replace("\r", "").replace("\n", "\\n") + '"'


def _title(d: Diagram) -> str:
    return d.title + (f" (aggregated {d.aggregated})" if d.aggregated else "")


def to_dot(d: Diagram) -> str:
    """The diagram as Graphviz DOT; Purdue bands are kept in order top to bottom."""
    lines = [
        f"digraph {_q(d.view)} {{",
        f"  graph [label={_q(_title(d))}, labelloc=t, fontname=Helvetica, fontsize=16,",
        "    newrank=true, compound=true, pad=0.3, nodesep=0.3, ranksep=0.45];",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, fillcolor="#ffffff"];',
        '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.6];',
    ]
    index = {c.id: i for i, c in enumerate(d.clusters)}
    row_heads: list[str] = []
    for cluster in d.clusters:
        lines.append(f"  subgraph cluster_{index[cluster.id]} {{")
        lines.append(f'    label={_q(cluster.label)}; style="filled,rounded"; fillcolor={_q(cluster.fill)};')
        lines.append('    color="#9e9e9e"; fontname="Helvetica"; fontsize=12; labeljust=l;')
        members = d.cluster_nodes(cluster.id)
        for node in members:
            lines.append(f"    {_node(node.id, node.label, node.shape, node.fill)}")
        if d.ranked:
            for start in range(0, len(members), ROW):
                row = members[start : start + ROW]
                lines.append("    { rank=same; " + " ".join(_q(n.id) for n in row) + " }")
                row_heads.append(row[0].id)
        lines.append("  }")
    loose = d.cluster_nodes(None)
    for node in loose:
        lines.append(f"  {_node(node.id, node.label, node.shape, node.fill)}")
    if d.ranked:  # nodes outside any box wrap onto rows too, instead of one endless line
        for start in range(0, len(loose), ROW):
            row = loose[start : start + ROW]
            lines.append("  { rank=same; " + " ".join(_q(n.id) for n in row) + " }")
            row_heads.append(row[0].id)
    for upper, lower in itertools.pairwise(row_heads):
        lines.append(f"  {_q(upper)} -> {_q(lower)} [style=invis, weight=100];")
    cluster_of = {n.id: n.cluster for n in d.nodes}
    for e in d.edges:
        attrs = [f"color={_q(e.colour)}", f"style={e.style}", f"penwidth={e.width:.1f}"]
        if e.label:
            attrs.append(f"label={_q(e.label)}")
            attrs.append(f"fontcolor={_q(e.colour)}")
        if e.between_clusters:
            attrs += ["dir=none"]
            for end, node_id in (("ltail", e.source), ("lhead", e.target)):
                cluster_id = cluster_of.get(node_id)
                if cluster_id is not None:
                    attrs.append(f"{end}=cluster_{index[cluster_id]}")
        lines.append(f"  {_q(e.source)} -> {_q(e.target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node(ident: str, label: str, shape: str, fill: str) -> str:
    style = (
        "" if shape == "plaintext" else ', style="rounded,filled"' if shape == "box" else ', style="filled"'
    )
    return f"{_q(ident)} [label={_q(label)}, shape={shape}{style}, fillcolor={_q(fill)}];"


_MERMAID_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}


def _m(text: str) -> str:
    """Mermaid label text: markup characters as entity codes, newlines as <br/>."""
    clean = xml_text(text)
    escaped = "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in clean)
    return re.sub(r"\r?\n", "<br/>", escaped)


def to_mermaid(d: Diagram) -> str:
    """The diagram as a Mermaid flowchart (subgraphs for bands and zones) for Markdown docs."""
    ids = {n.id: f"n{i}" for i, n in enumerate(d.nodes)}
    cids = {c.id: f"c{i}" for i, c in enumerate(d.clusters)}
    lines = ["---", f"title: {_m(_title(d))}", "---", "flowchart TB"]
    for cluster in d.clusters:
        lines.append(f'  subgraph {cids[cluster.id]}["{_m(cluster.label)}"]')
        lines.append("    direction LR")
        for node in d.cluster_nodes(cluster.id):
            lines.append(f"    {_mnode(ids[node.id], node.label, node.shape)}")
        lines.append("  end")
        lines.append(f"  style {cids[cluster.id]} fill:{cluster.fill}")
    for node in d.cluster_nodes(None):
        lines.append(f"  {_mnode(ids[node.id], node.label, node.shape)}")
    cluster_of = {n.id: n.cluster for n in d.nodes}
    for n, e in enumerate(d.edges):
        source, target = ids[e.source], ids[e.target]
        if e.between_clusters:
            source = cids.get(cluster_of.get(e.source) or "", source)
            target = cids.get(cluster_of.get(e.target) or "", target)
        arrow = "---" if e.between_clusters else "-.->" if e.style in ("dashed", "dotted") else "-->"
        label = f'|"{_m(e.label)}"|' if e.label else ""
        lines.append(f"  {source} {arrow}{label} {target}")
        lines.append(f"  linkStyle {n} stroke:{e.colour},stroke-width:{max(1, round(e.width))}px")
    return "\n".join(lines) + "\n"


def _mnode(ident: str, label: str, shape: str) -> str:
    if shape == "ellipse":
        return f'{ident}(["{_m(label)}"])'
    return f'{ident}["{_m(label)}"]'


def dot_executable() -> str | None:
    """Path of Graphviz `dot`, or None when it is not installed."""
    return shutil.which("dot")


def run_dot(dot_text: str, fmt: str) -> bytes:
    """Lay out DOT text with Graphviz into 'svg' or 'png' bytes."""
    exe = dot_executable()
    if exe is None:
        raise GraphvizUnavailable(
            "Graphviz 'dot' is not installed (Debian package graphviz, `make system-deps`); "
            "write a .mmd Mermaid diagram instead"
        )
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"], input=dot_text.encode(), capture_output=True, timeout=300, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise GraphvizUnavailable("Graphviz took more than 300 s; draw an aggregated view") from exc
    if done.returncode != 0:
        raise GraphvizUnavailable(f"Graphviz failed: {done.stderr.decode(errors='replace').strip()[:300]}")
    return done.stdout


def svg_fragment(d: Diagram) -> str:
    """The diagram as an inline `<svg>` element (no XML prolog or DOCTYPE), for HTML pages."""
    svg = run_dot(to_dot(d), "svg").decode("utf-8")
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def render(d: Diagram, fmt: str) -> bytes:
    """The diagram in one output format: 'svg', 'png' (Graphviz), 'mmd' (Mermaid) or 'dot'."""
    if fmt == "mmd":
        return to_mermaid(d).encode()
    if fmt == "dot":
        return to_dot(d).encode()
    if fmt in ("svg", "png"):
        return run_dot(to_dot(d), fmt)
    raise InputError(f"unknown diagram format '{fmt}'; use .svg, .png, .mmd or .dot", field="out")


def write_diagram(d: Diagram, path: Path) -> None:
    """Write the diagram in the format its file suffix names (.svg, .png, .mmd, .dot)."""
    path.write_bytes(render(d, path.suffix.lower().lstrip(".")))


def write_views(
    model: PlantModel,
    directory: Path,
    findings: Sequence[FindingLike] | None = None,
    formats: Sequence[str] = ("svg", "mmd"),
) -> list[Path]:
    """Draw every view into `directory` as `<view>.<format>`; SVG/PNG are skipped when Graphviz is missing."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = [f for f in formats if f not in ("svg", "png") or dot_executable() is not None]
    written = []
    for view in VIEWS:
        diagram = build_view(model, view, findings)
        for fmt in wanted:
            path = directory / f"{view}.{fmt}"
            write_diagram(diagram, path)
            written.append(path)
    return written
