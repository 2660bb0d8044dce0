"""The plantarch command line: a Typer app assembled from one module per command group."""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

from plantarch.cli.common import global_options
from plantarch.cli.groups import discover_app, docs_app, export_app, import_app
from plantarch.errors import PlantarchError

COMMAND_MODULES: tuple[str, ...] = (
    "plantarch.cli.workspace",  # init, import model, export model, show, history, diff
    "plantarch.cli.demo",  # demo
    "plantarch.cli.discover",  # discover pcap|zeek, drift
    "plantarch.cli.sources",  # discover nmap|opcua|mqtt, import inventory
    "plantarch.cli.check",  # check, waive, docs rules
    "plantarch.cli.analyze",  # analyze, roadmap
    "plantarch.cli.governance",  # propose, review, approve, reject, ...
    "plantarch.cli.output",  # report, diagram, export archimate|cyclonedx|graphml|csv
    "plantarch.cli.serve",  # serve, token
)

app = typer.Typer(
    name="plantarch",
    help="One source of truth for a plant's IT/OT architecture: discover, model, check, analyse, plan.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.callback()(global_options)  # --workspace / --database before the command name
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(discover_app, name="discover")
app.add_typer(docs_app, name="docs")

err_console = Console(stderr=True)


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(app)


_load_commands()


def main() -> None:
    """Entry point: run the CLI, turning plantarch errors into a one-line message and exit code."""
    try:
        # Without standalone mode, click returns (not raises) the code of a `typer.Exit(n)`.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except PlantarchError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors from Typer's bundled click
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"error: {exc}", highlight=False)
        sys.exit(2)
