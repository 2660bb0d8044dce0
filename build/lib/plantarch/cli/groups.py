"""Command groups shared by several CLI modules (import, export, discover, docs)."""

from __future__ import annotations

import typer

import_app = typer.Typer(help="Import a model or an inventory into the workspace.", no_args_is_help=True)
export_app = typer.Typer(help="Export the model to files other tools read.", no_args_is_help=True)
discover_app = typer.Typer(
    help="Discover what is on the plant network and in its systems.", no_args_is_help=True
)
docs_app = typer.Typer(help="Reference documentation generated from the code.", no_args_is_help=True)
