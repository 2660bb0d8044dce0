"""CLI commands: analyze (silos, redundancy, gaps, complexity, resilience, lifecycle, cost) and roadmap."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from plantarch.cli.common import DatabaseOption, WorkspaceOption, err_console, open_target
from plantarch.errors import InputError
from plantarch.model import PlantModel

ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Analyse an architecture-as-code YAML directory instead of the store."),
]
DateOption = Annotated[
    str | None,
    typer.Option("--date", help="Judge end-of-support as of this date (YYYY-MM-DD); default today."),
]


class AnalyzeFormat(StrEnum):
    """Output formats of `plantarch analyze`."""

    TEXT = "text"
    JSON = "json"


class RoadmapFormat(StrEnum):
    """Output formats of `plantarch roadmap`."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"


def _today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{value}' is not a date (expected YYYY-MM-DD)", field="--date") from None


@contextmanager
def _working(message: str) -> Iterator[None]:
    """A spinner on standard error while long work runs (only on a terminal)."""
    if err_console.is_terminal:
        with err_console.status(message):
            yield
    else:
        yield


def _load(workspace: Path | None, database: str | None, model_dir: Path | None) -> PlantModel:
    if model_dir is not None:
        from plantarch.interchange.yaml_model import load_model_dir

        return load_model_dir(model_dir)
    with open_target(workspace, database) as store:
        return store.load_model()


def analyze_command(
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    model_dir: ModelOption = None,
    fmt: Annotated[AnalyzeFormat, typer.Option("--format", help="Output format.")] = AnalyzeFormat.TEXT,
    as_of: DateOption = None,
) -> None:
    """Silos, redundancy, gaps, complexity, resilience, lifecycle and cost, per site and overall."""
    from plantarch.analysis import analyze, render_text

    today = _today(as_of)
    with _working("loading the model"):
        model = _load(workspace, database, model_dir)
    with _working(f"analysing {len(model.systems):,} systems and {len(model.flows):,} flows"):
        report = analyze(model, today)
    if fmt is AnalyzeFormat.JSON:
        typer.echo(report.model_dump_json(indent=2))
    else:
        typer.echo(render_text(report), nl=False)


def roadmap_command(
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    model_dir: ModelOption = None,
    fmt: Annotated[RoadmapFormat, typer.Option("--format", help="Output format.")] = RoadmapFormat.TEXT,
    settings_file: Annotated[
        Path | None,
        typer.Option("--settings", help="Roadmap settings YAML (docs/roadmap.md); defaults otherwise."),
    ] = None,
    as_of: DateOption = None,
) -> None:
    """TIME classes, consolidation targets and a phased plan with costs, savings, payback and NPV."""
    from plantarch.roadmap import build_roadmap, load_settings, render_csv, render_text

    settings = load_settings(settings_file)
    today = _today(as_of)
    with _working("loading the model"):
        model = _load(workspace, database, model_dir)
    with _working(f"planning over {len(model.systems):,} systems"):
        roadmap = build_roadmap(model, settings, today)
    if fmt is RoadmapFormat.JSON:
        typer.echo(roadmap.model_dump_json(indent=2))
    elif fmt is RoadmapFormat.CSV:
        typer.echo(render_csv(roadmap), nl=False)
    else:
        typer.echo(render_text(roadmap), nl=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("analyze")(analyze_command)
    app.command("roadmap")(roadmap_command)
