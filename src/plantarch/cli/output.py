"""CLI commands: report, diagram, export archimate|cyclonedx|graphml|csv."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from plantarch.cli.common import (
    DatabaseOption,
    FormatOption,
    OutputFormat,
    WorkspaceOption,
    console,
    open_target,
    print_json,
)
from plantarch.cli.groups import export_app
from plantarch.errors import InputError
from plantarch.model import PlantModel


class DiagramView(StrEnum):
    """The views `plantarch diagram` can draw."""

    PURDUE = "purdue"
    ZONES = "zones"
    FLOWS = "flows"
    CAPABILITIES = "capabilities"


class CsvKind(StrEnum):
    """What `export csv` writes: every kind into a directory, or one kind into one file."""

    ALL = "all"
    SYSTEMS = "systems"
    ASSETS = "assets"
    FLOWS = "flows"


OutFile = Annotated[Path, typer.Argument(help="File to write.", dir_okay=False, show_default=False)]


SiteOption = Annotated[
    str | None,
    typer.Option("--site", help="Only this site (a location key): its zones, systems, assets and flows."),
]


def _model(workspace: Path | None, database: str | None, site: str | None = None) -> PlantModel:
    with open_target(workspace, database) as store:
        model = store.load_model()
    if site is None:
        return model
    from plantarch.report.scope import site_scope

    return site_scope(model, site)


def _done(fmt: OutputFormat, summary: Mapping[str, object], text: str) -> None:
    if fmt is OutputFormat.JSON:
        print_json(summary)
    else:
        console.print(text, soft_wrap=True)


def report(
    out: Annotated[Path, typer.Option("--out", help="Report file: .html (self-contained) or .pdf.")] = Path(
        "plant.html"
    ),
    title: Annotated[
        str, typer.Option("--title", help="Title on the first page.")
    ] = "Plant architecture report",
    standards: Annotated[
        bool,
        typer.Option(
            "--standards/--no-standards", help="Run the baseline standards for the findings section."
        ),
    ] = True,
    analysis: Annotated[
        bool, typer.Option("--analysis/--no-analysis", help="Run the analyses and plan the roadmap.")
    ] = True,
    site: SiteOption = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Write the plant report: key metrics, diagrams, findings, analysis, roadmap, inventory."""
    from plantarch.report.html import write_report

    model = _model(workspace, database, site)
    path = write_report(model, out, title=title, use_standards=standards, use_analysis=analysis)
    size = path.stat().st_size
    _done(fmt, {"out": str(path), "bytes": size, **model.counts()}, f"wrote {path} ({size:,} bytes)")


def diagram(
    view: Annotated[DiagramView, typer.Option("--view", help="What to draw.")] = DiagramView.PURDUE,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file: .svg, .png (Graphviz), .mmd (Mermaid) or .dot.")
    ] = None,
    max_nodes: Annotated[
        int,
        typer.Option("--max-nodes", min=1, help="Aggregate by zone, site and level above this many nodes."),
    ] = 150,
    standards: Annotated[
        bool,
        typer.Option("--standards/--no-standards", help="Colour conduits and flows by standards findings."),
    ] = True,
    site: SiteOption = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Draw the Purdue, zones, flows or capabilities view of the model."""
    from plantarch.report.diagram import build_view
    from plantarch.report.inputs import standards_findings
    from plantarch.report.render import write_diagram

    out = out or Path(f"{view.value}.svg")
    if out.suffix.lower() not in (".svg", ".png", ".mmd", ".dot"):
        raise InputError(f"cannot draw into '{out.name}': use .svg, .png, .mmd or .dot", field="--out")
    model = _model(workspace, database, site)
    findings = standards_findings(model) if standards else None
    drawn = build_view(model, view.value, findings, max_nodes)
    write_diagram(drawn, out)
    summary = {
        "out": str(out),
        "view": view.value,
        "nodes": len(drawn.nodes),
        "edges": len(drawn.edges),
        "aggregated": drawn.aggregated or None,
    }
    how = f", aggregated {drawn.aggregated}" if drawn.aggregated else ""
    _done(fmt, summary, f"wrote {out}: {len(drawn.nodes)} nodes, {len(drawn.edges)} edges{how}")


def export_archimate(
    file: OutFile,
    name: Annotated[str, typer.Option("--name", help="Model name shown in Archi.")] = "plantarch model",
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Write ArchiMate 3.1 Open Exchange XML (elements, relationships, Purdue and zone views)."""
    from plantarch.interchange.archimate import write_archimate

    count = write_archimate(_model(workspace, database), file, name=name)
    _done(fmt, {"out": str(file), "elements": count}, f"wrote {file}: {count} ArchiMate elements")


def export_cyclonedx(
    file: OutFile,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Write CycloneDX 1.6 JSON: systems as services with trust zones and data flows, assets as devices."""
    from plantarch.interchange.cyclonedx import write_cyclonedx

    count = write_cyclonedx(_model(workspace, database), file)
    _done(fmt, {"out": str(file), "services": count}, f"wrote {file}: {count} services")


def export_graphml(
    file: OutFile,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Write GraphML (yEd, Gephi, networkx): systems and assets, flows and hosting edges."""
    from plantarch.interchange.graphml import write_graphml

    nodes, edges = write_graphml(_model(workspace, database), file)
    _done(
        fmt, {"out": str(file), "nodes": nodes, "edges": edges}, f"wrote {file}: {nodes} nodes, {edges} edges"
    )


def export_csv(
    path: Annotated[
        Path,
        typer.Argument(help="Directory for systems.csv, assets.csv, flows.csv; or a .csv file with --kind."),
    ],
    kind: Annotated[
        CsvKind, typer.Option("--kind", help="Write only this kind, into PATH as one file.")
    ] = CsvKind.ALL,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
) -> None:
    """Write CSV for spreadsheets (cells that would start a formula are prefixed with an apostrophe)."""
    from plantarch.interchange.csv_export import write_csv, write_csv_dir

    model = _model(workspace, database)
    if kind is CsvKind.ALL:
        if path.suffix.lower() == ".csv":
            raise InputError(
                "PATH is a directory when every kind is written; "
                "add --kind systems|assets|flows to write one file",
                field="PATH",
            )
        rows = write_csv_dir(model, path)
    else:
        rows = {path.name: write_csv(model, kind.value, path)}
    text = ", ".join(f"{name} ({n} rows)" for name, n in rows.items())
    _done(
        fmt,
        {"out": str(path), "rows": rows},
        f"wrote {text} in {path if kind is CsvKind.ALL else path.parent}",
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("report")(report)
    app.command("diagram")(diagram)
    export_app.command("archimate")(export_archimate)
    export_app.command("cyclonedx")(export_cyclonedx)
    export_app.command("graphml")(export_graphml)
    export_app.command("csv")(export_csv)
