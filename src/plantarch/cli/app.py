"""The plantarch command line: a Typer app assembled from one module per command group."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

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
    "plantarch.cli.check",  # check, waive, unwaive, docs rules
    "plantarch.cli.analyze",  # analyze, roadmap
    "plantarch.cli.governance",  # propose, review, approve, reject, ...
    "plantarch.cli.output",  # report, diagram, export archimate|cyclonedx|graphml|csv
    "plantarch.cli.serve",  # serve, token
)
COMMANDS: dict[str, str] = {
    "analyze": "analyze", "roadmap": "analyze",
    "approve": "governance", "audit": "governance", "comment": "governance", "decisions": "governance",
    "proposals": "governance", "propose": "governance", "reject": "governance", "review": "governance",
    "vote": "governance", "withdraw": "governance",
    "check": "check", "waive": "check", "unwaive": "check", "docs rules": "check",
    "demo": "demo",
    "diagram": "output", "report": "output", "export archimate": "output", "export csv": "output",
    "export cyclonedx": "output", "export graphml": "output",
    "diff": "workspace", "history": "workspace", "init": "workspace", "show": "workspace",
    "docs model": "workspace", "export model": "workspace", "import model": "workspace",
    "discover pcap": "discover", "discover zeek": "discover", "drift": "discover",
    "discover mqtt": "sources", "discover nmap": "sources", "discover opcua": "sources",
    "import inventory": "sources", "provenance": "sources",
    "serve": "serve", "token": "serve",
}  # fmt: skip
"""The module (under plantarch.cli) that registers each command ("group name" inside a shared group).
`main` imports only the one a command line runs: every module pulls in its own library (the API and
FastAPI, CEL, the analyses...), ~1 CPU s that `plantarch discover pcap` does not need.
tests/test_cli_smoke.py checks this table against what the modules register."""
SHARED_GROUPS = frozenset({"import", "export", "discover", "docs"})
_GLOBAL_OPTIONS_WITH_VALUE = frozenset({"--workspace", "--database"})

_app = typer.Typer(
    name="plantarch",
    help="One source of truth for a plant's IT/OT architecture: discover, model, check, analyse, plan.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
_app.callback()(global_options)  # --workspace / --database before the command name
_app.add_typer(import_app, name="import")
_app.add_typer(export_app, name="export")
_app.add_typer(discover_app, name="discover")
_app.add_typer(docs_app, name="docs")

err_console = Console(stderr=True)
_loaded: set[str] = set()


def _load_commands(modules: Sequence[str] = COMMAND_MODULES) -> None:
    for name in modules:
        if name not in _loaded:
            _loaded.add(name)
            importlib.import_module(name).register(_app)


def modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The command modules a command line needs: the one registering its command, else all of them
    (top-level help, a shared group's help, an unknown command: Typer then lists or rejects it)."""
    words: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
            if len(words) == 2:
                break
    if not words or (words[0] in SHARED_GROUPS and len(words) < 2):
        return COMMAND_MODULES
    module = COMMANDS.get(" ".join(words[:2]) if words[0] in SHARED_GROUPS else words[0])
    return (f"plantarch.cli.{module}",) if module else COMMAND_MODULES


def __getattr__(name: str) -> typer.Typer:
    """`app`: the whole command line (every command registered), for tests and documentation."""
    if name == "app":
        _load_commands()
        return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point: run the CLI, turning plantarch errors into a one-line message and exit code."""
    try:
        _load_commands(modules_for(sys.argv[1:]))
        # Without standalone mode, click returns (not raises) the code of a `typer.Exit(n)`.
        code = _app(standalone_mode=False)
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
