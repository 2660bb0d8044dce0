"""CLI commands: check, waive, unwaive, docs rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from plantarch.cli.common import (
    AuthorOption,
    DatabaseOption,
    WorkspaceOption,
    author_name,
    console,
    err_console,
    open_target,
)
from plantarch.cli.groups import docs_app
from plantarch.errors import InputError
from plantarch.standards import load_packs, rules_list, rules_markdown
from plantarch.standards.run import (
    FORMATS,
    check_packs_then_model,
    parse_threshold,
    record_waiver,
    render,
    revoke_waiver,
)
from plantarch.standards.waivers import parse_date

BaselineOpt = Annotated[
    bool, typer.Option("--baseline/--no-baseline", help="Include the built-in baseline pack.")
]
PackOpt = Annotated[
    list[Path] | None,
    typer.Option("--pack", help="A standards pack YAML file (repeatable); added to the baseline."),
]


def check(
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    model_dir: Annotated[
        Path | None,
        typer.Option("--model", help="Check an architecture-as-code YAML directory instead of the store."),
    ] = None,
    pack: PackOpt = None,
    baseline: BaselineOpt = True,
    fmt: Annotated[str, typer.Option("--format", help="text, json, junit or sarif.")] = "text",
    out: Annotated[Path | None, typer.Option("--out", help="Write the report to this file.")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on", help="Exit 1 on an open finding at or above: info, low, medium, high, critical."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--date", help="Check as of this date (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Check the model against the standards packs and report findings."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}' (use {', '.join(FORMATS)})", field="--format")
    threshold = parse_threshold(fail_on)
    today = parse_date(as_of, "--date") if as_of else None

    def load() -> object:
        if model_dir is not None:
            from plantarch.interchange.yaml_model import load_model_dir

            return load_model_dir(model_dir)
        with open_target(workspace, database) as store:
            return store.load_model()

    with Progress(
        TextColumn("checking {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} rules"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("the model", total=None)

        def advance(done: int, total: int, rule_id: str) -> None:
            bar.update(task, description=rule_id, completed=done, total=total)

        result = check_packs_then_model(
            load, list(pack or []), baseline=baseline, today=today, progress=advance
        )
    text = render(result, fmt, color=out is None and console.is_terminal)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        counts = result.counts()
        err_console.print(
            f"wrote {fmt} report to {out}: "
            + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
            + ("" if any(counts.values()) else "no findings")
        )
    elif fmt == "text":
        console.print(text, end="", markup=False, highlight=False, soft_wrap=True)
    else:
        typer.echo(text, nl=False)
    if threshold is not None and result.fails(threshold):
        raise typer.Exit(1)


def waive_command(
    rule: Annotated[str, typer.Argument(help="Rule id, e.g. SEG-005.")],
    object_key: Annotated[str, typer.Argument(metavar="OBJECT", help="Key of the waived object, or '*'.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the exception is acceptable.")],
    approver: Annotated[str, typer.Option("--approver", help="Who approved it.")],
    expires: Annotated[str, typer.Option("--expires", help="Expiry date, YYYY-MM-DD.")],
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    pack: PackOpt = None,
    author: AuthorOption = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Record a waiver: an approved, expiring exception to one rule on one object."""
    expiry = parse_date(expires, "--expires")
    with open_target(workspace, database) as store:
        waiver, revision = record_waiver(
            store,
            list(pack or []),
            rule=rule,
            object_key=object_key,
            reason=reason,
            approver=approver,
            expires=expiry,
            author=author_name(author),
            source="cli",
        )
    if fmt == "json":
        typer.echo(json.dumps({"waiver": waiver.model_dump(mode="json"), "revision": revision}, indent=2))
    else:
        console.print(
            f"waiver {waiver.key} recorded (revision {revision}): {rule} on {object_key} "
            f"until {expiry.isoformat()}",
            highlight=False,
        )


def unwaive_command(
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="Key of the waiver, RULE@OBJECT (RULE@all for '*').")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why it is revoked (for the audit log).")] = "",
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    author: AuthorOption = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Revoke a waiver before it expires: the findings it covered are open again."""
    with open_target(workspace, database) as store:
        waiver, revision = revoke_waiver(store, key, author=author_name(author), source="cli", reason=reason)
    if fmt == "json":
        typer.echo(json.dumps({"waiver": waiver.model_dump(mode="json"), "revision": revision}, indent=2))
    else:
        console.print(
            f"waiver {waiver.key} revoked (revision {revision}): {waiver.rule} on {waiver.object} "
            f"is no longer waived (it ran until {waiver.expires.isoformat()})",
            highlight=False,
        )


def docs_rules(
    pack: PackOpt = None,
    baseline: BaselineOpt = True,
    fmt: Annotated[str, typer.Option("--format", help="markdown or json.")] = "markdown",
) -> None:
    """List every rule with its severity, rationale, reference and fix."""
    packs = load_packs(list(pack or []), baseline=baseline)
    if fmt == "json":
        typer.echo(json.dumps(rules_list(packs), indent=2, ensure_ascii=False))
    elif fmt in ("markdown", "text"):
        typer.echo(rules_markdown(packs), nl=False)
    else:
        raise InputError(f"unknown format '{fmt}' (use markdown or json)", field="--format")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("check")(check)
    app.command("waive")(waive_command)
    app.command("unwaive")(unwaive_command)
    docs_app.command("rules")(docs_rules)
