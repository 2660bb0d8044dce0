"""The plant report: one self-contained HTML file (inline CSS and SVG, no scripts), and its PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from lxml import etree
from markupsafe import Markup

from plantarch import __version__
from plantarch.errors import InputError, PlantarchError
from plantarch.model import PlantModel
from plantarch.report.diagram import MAX_NODES, VIEWS, build_view
from plantarch.report.inputs import (
    TIME_COLOURS,
    architecture_analysis,
    consolidation_roadmap,
    quadrant_points,
    savings_curve,
    standards_findings,
)
from plantarch.report.metrics import key_metrics, level_text
from plantarch.report.render import GraphvizUnavailable, svg_fragment, to_mermaid

MAX_ROWS = 500
"""Inventory tables stop after this many rows (the exports hold everything)."""

REPORT_MAX_NODES = {"purdue": 60, "flows": 60}
"""A page is narrower than a poster: these views are aggregated sooner in the report."""

_VIEW_TITLES = {
    "purdue": "Purdue levels",
    "zones": "Zones and conduits",
    "flows": "Data flows",
    "capabilities": "Capabilities",
}


class ChromiumUnavailable(PlantarchError):
    """Headless Chromium is not installed or failed to print the PDF."""


@dataclass
class DiagramBlock:
    """One diagram of the report: inline SVG, or Mermaid text when Graphviz is missing."""

    view: str
    title: str
    svg: Markup | None
    mermaid: str
    aggregated: str
    legend: dict[str, str]


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("plantarch.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["level"] = level_text
    env.filters["money"] = lambda v: f"{v:,.0f}"
    return env


_UNSAFE_TAGS = {"script", "foreignObject", "iframe", "object", "embed"}


def safe_svg(svg: str) -> Markup:
    """An SVG fragment fit to inline: scripts, foreign objects, event handlers and URLs removed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    root = etree.fromstring(svg.encode("utf-8"), parser)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments and processing instructions
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
            continue
        if etree.QName(el).localname in _UNSAFE_TAGS:
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
            continue
        for attr in list(el.attrib):
            name = etree.QName(attr).localname.lower()
            if name.startswith("on") or name == "href":
                del el.attrib[attr]
    text = etree.tostring(root, encoding="unicode")
    return Markup(re.sub(r"\s+xmlns:xlink=\"[^\"]*\"", "", text, count=1))


def diagram_blocks(model: PlantModel, findings: Sequence[Any] | None) -> list[DiagramBlock]:
    """The four views of the model, drawn by Graphviz when it is installed."""
    blocks = []
    for view in VIEWS:
        diagram = build_view(model, view, findings, REPORT_MAX_NODES.get(view, MAX_NODES))
        if view == "capabilities" and not model.capabilities:
            continue
        try:
            svg: Markup | None = safe_svg(svg_fragment(diagram))
        except GraphvizUnavailable:
            svg = None
        blocks.append(
            DiagramBlock(
                view, _VIEW_TITLES[view], svg, to_mermaid(diagram), diagram.aggregated, diagram.legend
            )
        )
    return blocks


def render_report(
    model: PlantModel,
    *,
    title: str = "Plant architecture report",
    findings: Sequence[Any] | None = None,
    analysis: Any | None = None,
    roadmap: Any | None = None,
    use_standards: bool = True,
    use_analysis: bool = True,
    today: date | None = None,
    generated_at: datetime | None = None,
) -> str:
    """The report as one HTML document: metrics, diagrams, findings, analyses and roadmap when known.

    Findings, analysis and roadmap are computed from the model (when their libraries are installed)
    unless given, or unless `use_standards` / `use_analysis` turn them off.
    """
    if findings is None and use_standards:
        findings = standards_findings(model, today)
    if analysis is None and use_analysis:
        analysis = architecture_analysis(model, today)
    if roadmap is None and use_analysis:
        roadmap = consolidation_roadmap(model, today, analysis)
    metrics = key_metrics(model, today=today)
    zone_names = {z.key: z.name for z in model.zones}
    systems = sorted(model.systems, key=lambda s: (-(s.purdue_level or -1), s.key))
    unknown = sorted((a for a in model.assets if not a.declared), key=lambda a: a.key)
    curve, marks, zero = savings_curve(roadmap) if roadmap is not None else ("", [], 0.0)
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title,
        version=__version__,
        generated=(generated_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        model=model,
        metrics=metrics,
        findings=list(findings) if findings is not None else None,
        severities=_severity_counts(findings),
        analysis=analysis,
        roadmap=roadmap,
        quadrant=quadrant_points(roadmap) if roadmap is not None else [],
        time_colours=TIME_COLOURS,
        curve=curve,
        curve_marks=marks,
        curve_zero=zero,
        names={s.key: s.name for s in model.systems},
        diagrams=diagram_blocks(model, findings),
        systems=systems[:MAX_ROWS],
        hidden_systems=max(0, len(systems) - MAX_ROWS),
        unknown_hosts=unknown[:MAX_ROWS],
        hidden_hosts=max(0, len(unknown) - MAX_ROWS),
        zones=model.zones,
        conduits=model.conduits,
        zone_names=zone_names,
        max_rows=MAX_ROWS,
    )


def _severity_counts(findings: Sequence[Any] | None) -> list[tuple[str, int]]:
    if not findings:
        return []
    counts: dict[str, int] = {}
    for f in findings:
        counts[str(f.severity)] = counts.get(str(f.severity), 0) + 1
    order = ["critical", "high", "medium", "low", "info"]
    return sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 9)


def chromium_executable() -> str | None:
    """Path of headless-capable Chromium, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def html_to_pdf(html_path: Path, pdf_path: Path, *, timeout: float = 180) -> None:
    """Print an HTML file to PDF with headless Chromium (no network, a throw-away profile)."""
    exe = chromium_executable()
    if exe is None:
        raise ChromiumUnavailable("Chromium is not installed (Debian package chromium); write .html instead")
    with tempfile.TemporaryDirectory(prefix="plantarch-chromium-") as profile:
        args = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
            "--print-to-pdf-no-header",  # the same, for Chromium before 111
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path.resolve()}",
            html_path.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ChromiumUnavailable(f"Chromium did not finish printing within {timeout:.0f} s") from exc
    if done.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        raise ChromiumUnavailable(f"Chromium could not print the PDF: {detail[0][:300]}")


def write_report(model: PlantModel, out: Path, **options: Any) -> Path:
    """Write the report as .html, or as .pdf (the HTML printed by headless Chromium)."""
    suffix = out.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise InputError(f"the report is written as .html or .pdf, not '{suffix or out.name}'", field="out")
    html = render_report(model, **options)
    if suffix != ".pdf":
        out.write_text(html, encoding="utf-8")
        return out
    with tempfile.TemporaryDirectory(prefix="plantarch-report-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        html_to_pdf(page, out)
    return out
