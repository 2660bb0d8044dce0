"""Options every command shares (--workspace, --database, --format, --author) and opening the store."""

from __future__ import annotations

import getpass
import json
import os
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from plantarch.store import Store, open_store

DEFAULT_WORKSPACE = Path(".plantarch")

console = Console(highlight=False)
"""Standard output for reports."""
err_console = Console(stderr=True, highlight=False)
"""Standard error for progress and warnings."""


class OutputFormat(StrEnum):
    """How a reporting command prints: text for people, json for machines."""

    TEXT = "text"
    JSON = "json"


WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        help="Workspace directory holding the SQLite store (default ./.plantarch; env PLANTARCH_WORKSPACE).",
        show_default=False,
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Database URL instead of a workspace: postgresql://user@host/plant (env PLANTARCH_DATABASE).",
        show_default=False,
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
AuthorOption = Annotated[
    str | None,
    typer.Option(
        "--author",
        help="Author recorded in the change set (default $PLANTARCH_AUTHOR or your login).",
        show_default=False,
    ),
]
PushOption = Annotated[
    str | None,
    typer.Option(
        "--push",
        metavar="<url>",
        help="Send the observations to the plantarch server at URL (POST URL/api/observations) "
        "instead of writing a local workspace; the server reconciles them as the token's user.",
        show_default=False,
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="PLANTARCH_TOKEN",
        help="API token for --push (editor role or above); never printed.",
        show_default=False,
        show_envvar=True,
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what the source sees without writing to the store.")
]


@dataclass(frozen=True)
class Target:
    """Where the store lives, as given before the command name (plantarch --workspace DIR demo)."""

    workspace: Path | None = None
    database: str | None = None


_global_target: ContextVar[Target | None] = ContextVar("plantarch_global_target", default=None)


def global_options(workspace: WorkspaceOption = None, database: DatabaseOption = None) -> None:
    """Options given before the command name: where the store lives, for every command."""
    _global_target.set(Target(workspace=workspace, database=database))


def resolve_target(workspace: Path | None = None, database: str | None = None) -> Target:
    """Where to open the store: command options, then options before the command, then environment."""
    root = _global_target.get() or Target()
    for level in (
        Target(workspace, database),
        root,
        Target(
            Path(os.environ["PLANTARCH_WORKSPACE"]) if os.environ.get("PLANTARCH_WORKSPACE") else None,
            os.environ.get("PLANTARCH_DATABASE") or None,
        ),
    ):
        if level.database:
            return Target(database=level.database)
        if level.workspace:
            return Target(workspace=level.workspace)
    return Target(workspace=DEFAULT_WORKSPACE)


def open_target(workspace: Path | None = None, database: str | None = None) -> Store:
    """Open the store the options point at (creating and migrating it); raises StoreUnavailable."""
    target = resolve_target(workspace, database)
    return open_store(workspace=target.workspace, database=target.database)


def author_name(author: str | None = None) -> str:
    """Who a change set is recorded for: --author, $PLANTARCH_AUTHOR, or the login name."""
    if author:
        return author
    if os.environ.get("PLANTARCH_AUTHOR"):
        return os.environ["PLANTARCH_AUTHOR"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def print_json(data: Any) -> None:
    """Print a JSON document on standard output (dates and paths as strings)."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
