"""CLI commands: init, import model, export model, show, history, diff."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from plantarch.cli.common import (
    AuthorOption,
    DatabaseOption,
    FormatOption,
    OutputFormat,
    WorkspaceOption,
    author_name,
    console,
    open_target,
    print_json,
)
from plantarch.cli.groups import docs_app, export_app, import_app
from plantarch.errors import InputError
from plantarch.filters import list_objects
from plantarch.interchange.model_io import export_model, import_model
from plantarch.interchange.model_reference import model_reference_markdown
from plantarch.interchange.yaml_emit import dump_mapping
from plantarch.model import OBJECT_TYPES, PLURALS, ModelObject, format_level
from plantarch.store import Change

COLUMNS: dict[str, tuple[str, ...]] = {
    "location": ("key", "name", "kind", "parent"),
    "capability": ("key", "name", "category", "parent"),
    "zone": ("key", "name", "site", "purdue_levels", "security_level_target", "security_level_achieved"),
    "conduit": ("key", "name", "zones", "enforcement", "security_level_target"),
    "system": ("key", "name", "kind", "purdue_level", "zone", "location", "vendor", "product", "criticality"),
    "asset": ("key", "name", "kind", "ips", "zone", "systems", "declared"),
    "flow": ("key", "source", "target", "protocol", "port", "pattern", "origin"),
    "waiver": ("key", "rule", "object", "approver", "expires"),
}
"""Fields `plantarch show KIND` prints as table columns."""

KIND_NAMES = {**{kind: kind for kind in OBJECT_TYPES}, **{plural: kind for kind, plural in PLURALS.items()}}


def init(
    workspace: WorkspaceOption = None, database: DatabaseOption = None, fmt: FormatOption = OutputFormat.TEXT
) -> None:
    """Create or migrate the workspace / database."""
    with open_target(workspace, database) as store:
        revision = store.revision
        if fmt is OutputFormat.JSON:
            print_json({"database": store.url, "revision": revision, "counts": store.counts()})
        else:
            console.print(f"store ready: {store.url} (revision {revision})")


def import_model_command(
    path: Annotated[Path, typer.Argument(help="Model directory (or one YAML file).")],
    model_format: Annotated[
        str, typer.Option("--format", help="Model format: yaml or archimate (plugins add others).")
    ] = "yaml",
    reason: Annotated[str | None, typer.Option("--reason", help="Why; recorded in the change set.")] = None,
    author: AuthorOption = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Make the stored declared model equal to a model directory, as one change set."""
    with open_target(workspace, database) as store:
        result = import_model(store, path, fmt=model_format, author=author_name(author), reason=reason)
    if result.revision is None:
        console.print("nothing changed: the store already matches the model")
        return
    parts = [
        f"{verb} {_counts(bucket)}"
        for verb, bucket in (
            ("added", result.added),
            ("updated", result.updated),
            ("deleted", result.deleted),
        )
        if bucket
    ]
    console.print(f"revision {result.revision}: " + "; ".join(parts))


def _counts(bucket: dict[str, int]) -> str:
    return ", ".join(f"{n} {PLURALS[kind] if n != 1 else kind}" for kind, n in bucket.items())


def export_model_command(
    directory: Annotated[Path, typer.Argument(help="Directory to write plant.yaml and sites/*.yaml into.")],
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Write the model as architecture-as-code YAML (stable, sorted, round-trippable)."""
    with open_target(workspace, database) as store:
        files = export_model(store, directory)
    console.print(f"wrote {len(files)} files to {directory}")


def _kind(name: str) -> str:
    if name not in KIND_NAMES:
        raise InputError(
            f"unknown object kind '{name}'; expected one of {', '.join(OBJECT_TYPES)}", field="KIND"
        )
    return KIND_NAMES[name]


def _filters(items: list[str]) -> dict[str, str]:
    filters: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(f"filter '{item}' is not FIELD=VALUE", field="--filter")
        filters[name] = value
    return filters


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return format_level(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def show(
    kind: Annotated[str, typer.Argument(help="Object kind: system(s), asset(s), flow(s), zone(s), ...")],
    key: Annotated[str | None, typer.Argument(help="Key of one object to show in full.")] = None,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter", help="NAME=VALUE, a filter of plantarch.filters (as in the API); repeatable."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most objects to list.")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Objects to skip.")] = 0,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """List objects of one kind, or show one object in full."""
    kind = _kind(kind)
    with open_target(workspace, database) as store:
        if key is not None:
            obj = store.get(kind, key)
            if obj is None:
                raise InputError(f"no {kind} with key '{key}'", field="KEY")
            if fmt is OutputFormat.JSON:
                print_json(obj.model_dump(mode="json"))
            else:
                console.print(dump_mapping(obj.model_dump(mode="json", exclude_defaults=True)), end="")
            return
        page = list_objects(store, kind, _filters(filters or []), limit=limit, offset=offset)
        total, objects = page.total, page.items
    if fmt is OutputFormat.JSON:
        print_json(
            {
                "kind": kind,
                "total": total,
                "offset": offset,
                "limit": limit,
                "objects": [obj.model_dump(mode="json") for obj in objects],
            }
        )
        return
    _print_objects(kind, objects, total, offset)


def _print_objects(kind: str, objects: list[ModelObject], total: int, offset: int) -> None:
    table = Table(*COLUMNS[kind], title=f"{PLURALS[kind]} ({total})")
    for obj in objects:
        table.add_row(*(_cell(getattr(obj, column)) for column in COLUMNS[kind]))
    console.print(table)
    if offset + len(objects) < total:
        console.print(
            f"showing {offset + 1}–{offset + len(objects)} of {total}; use --limit / --offset for more"
        )


def history(
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most change sets to list.")] = 50,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """List change sets, newest first: revision, time, author, source, reason, changes."""
    with open_target(workspace, database) as store:
        change_sets = store.history(limit=limit)
    if fmt is OutputFormat.JSON:
        print_json([info.as_dict() for info in change_sets])
        return
    table = Table("revision", "at (UTC)", "author", "source", "reason", "changes", title="History")
    for info in change_sets:
        table.add_row(
            str(info.revision),
            info.at.strftime("%Y-%m-%d %H:%M:%S"),
            info.author,
            info.source,
            info.reason,
            str(info.changes),
        )
    console.print(table)


def diff(
    rev1: Annotated[int, typer.Argument(help="Older revision (0 is the empty model).")],
    rev2: Annotated[int, typer.Argument(help="Newer revision.")],
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Show which objects were added, changed (with the fields) or removed between two revisions."""
    with open_target(workspace, database) as store:
        changes = store.diff(rev1, rev2)
    if fmt is OutputFormat.JSON:
        print_json({"from": rev1, "to": rev2, "changes": [change.as_dict() for change in changes]})
        return
    for change in changes:
        _print_change(change)
    ops = {op: sum(1 for c in changes if c.op == op) for op in ("add", "update", "delete")}
    console.print(
        f"{len(changes)} objects differ between revision {rev1} and {rev2}: "
        f"{ops['add']} added, {ops['update']} changed, {ops['delete']} removed"
    )


def _print_change(change: Change) -> None:
    if change.op == "add":
        console.print(f"[green]+ {change.kind} {change.key}[/]")
    elif change.op == "delete":
        console.print(f"[red]- {change.kind} {change.key}[/]")
    else:
        console.print(f"[yellow]~ {change.kind} {change.key}[/] ({', '.join(change.fields)})")
        before, after = change.before or {}, change.after or {}
        for name in change.fields:
            console.print(f"    {name}: {_shown(before.get(name))} → {_shown(after.get(name))}", markup=False)


def _shown(value: Any) -> str:
    return "(default)" if value is None else repr(value)


def docs_model() -> None:
    """Print the field reference of the YAML model format (Markdown, as in docs/model.md)."""
    typer.echo(model_reference_markdown(), nl=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("init")(init)
    app.command("show")(show)
    app.command("history")(history)
    app.command("diff")(diff)
    import_app.command("model")(import_model_command)
    export_app.command("model")(export_model_command)
    docs_app.command("model")(docs_model)
