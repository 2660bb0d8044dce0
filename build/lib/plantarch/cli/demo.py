"""CLI command: demo (build a workspace from the demo plant and run the whole chain)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from plantarch.cli.common import (
    AuthorOption,
    DatabaseOption,
    FormatOption,
    OutputFormat,
    WorkspaceOption,
    console,
    err_console,
    open_target,
    print_json,
)
from plantarch.demo.run import DEMO_AUTHOR, DemoResult, run_demo

OutOption = Annotated[
    Path, typer.Option("--out", help="Directory for the demo's files (capture, findings, report).")
]


def demo(
    out: OutOption = Path("demo-out"),
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    author: AuthorOption = None,
) -> None:
    """Build a workspace from the Riverside Packaging demo plant and run the whole chain."""
    show = None if fmt is OutputFormat.JSON else (lambda title: err_console.print(f"[dim]… {title}[/]"))
    with open_target(workspace, database) as store:
        result = run_demo(store, out, author=author or DEMO_AUTHOR, progress=show)
    if fmt is OutputFormat.JSON:
        print_json(result.as_dict())
    else:
        print_summary(result)


def print_summary(result: DemoResult) -> None:
    """The demo's Rich summary: the plant's counts, then what each step did."""
    plant = Table(title="Riverside Packaging demo plant", show_header=False, title_justify="left")
    plant.min_width = 36
    plant.add_column("what")
    plant.add_column("count", justify="right")
    for name, value in result.counts.items():
        plant.add_row(name, str(value))
    console.print(plant)
    steps = Table(title="Steps", title_justify="left")
    steps.add_column("step")
    steps.add_column("result")
    steps.add_column("s", justify="right")
    for step in result.steps:
        counts = ", ".join(f"{k} {v}" for k, v in step.outcome.counts.items())
        text = "; ".join(part for part in (counts, step.outcome.detail) if part)
        steps.add_row(step.title, text, f"{step.seconds:.1f}")
    console.print(steps)
    files = [f for step in result.steps for f in step.outcome.files]
    for path in files:
        console.print(f"wrote {path}")
    console.print(f"workspace: {result.database}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("demo")(demo)
