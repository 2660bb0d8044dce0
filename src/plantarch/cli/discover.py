"""CLI commands: discover pcap, discover zeek, drift."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plantarch.analysis.drift import DriftReport
from plantarch.cli.groups import discover_app
from plantarch.discovery.observation import ObservationBatch
from plantarch.model.vocabulary import format_level

console = Console()
err_console = Console(stderr=True)

FilesArg = Annotated[list[Path], typer.Argument(help="Capture files: pcap, pcapng, optionally .gz.")]
FormatOpt = Annotated[str, typer.Option("--format", help="text or json.")]
WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", help="Workspace directory holding the SQLite store.")
]
DatabaseOpt = Annotated[str | None, typer.Option("--database", help="PostgreSQL URL instead of a workspace.")]
RecordOpt = Annotated[bool, typer.Option("--record/--no-record", help="Record observations in the store.")]
AuthorOpt = Annotated[str, typer.Option("--author", help="Author of the recorded change set.")]


def _check_format(fmt: str) -> None:
    if fmt not in ("text", "json"):
        from plantarch.errors import InputError

        raise InputError(f"unknown format '{fmt}': use text or json", field="--format")


def batch_json(batch: ObservationBatch, recorded: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON document `discover pcap|zeek --format json` prints."""
    out: dict[str, Any] = {
        "packets": batch.summary.get("packets", 0),
        "bytes": batch.summary.get("bytes", 0),
        "hosts": [h.model_dump(mode="json") for h in batch.hosts],
        "flows": [f.model_dump(mode="json") for f in batch.flows],
        "summary": batch.summary,
        "warnings": batch.warnings,
    }
    if recorded is not None:
        out["recorded"] = recorded
    return out


def _print_batch(batch: ObservationBatch) -> None:
    s = batch.summary
    console.print(
        f"[bold]{s.get('packets', 0):,}[/] packets, {s.get('bytes', 0):,} bytes, "
        f"[bold]{len(batch.hosts)}[/] hosts, [bold]{len(batch.flows)}[/] flows"
        + (
            f" in {s['seconds']} s ({s['packets_per_second']:,} packets/s)"
            if s.get("packets_per_second")
            else ""
        )
    )
    hosts = Table(title="Hosts (suggested Purdue level; reasons in --format json)")
    for column in ("ip", "mac"):
        hosts.add_column(column, no_wrap=True)
    for column in ("vendor", "names", "roles", "level"):
        hosts.add_column(column)
    for h in batch.hosts:
        hosts.add_row(
            h.ip or "",
            h.mac or "",
            (h.vendor or "")[:24],
            ", ".join(h.names),
            ", ".join(h.roles),
            format_level(h.suggested_level),
        )
    console.print(hosts)
    flows = Table("src", "dst", "transport", "port", "protocol", "packets", "bytes", title="Flows")
    for f in batch.flows:
        flows.add_row(
            f.src, f.dst, f.transport, str(f.port or ""), f.protocol or "", f"{f.packets:,}", f"{f.bytes:,}"
        )
    console.print(flows)
    for w in batch.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)


def _record(
    batch: ObservationBatch, workspace: Path, database: str | None, author: str
) -> dict[str, Any] | None:
    """Record the batch in the store through reconcile (one change set) and say what changed."""
    from plantarch.discovery.reconcile import reconcile
    from plantarch.store import open_store

    store = open_store(workspace=None if database else workspace, database=database)
    try:
        result = reconcile(store, batch, author=author)
    finally:
        store.close()
    return {
        "revision": result.revision,
        "counts": result.counts(),
        "conflicts": len(result.conflicts),
        "warnings": result.warnings,
    }


def discover_pcap_command(
    files: FilesArg,
    fmt: FormatOpt = "text",
    workspace: WorkspaceOpt = Path(".plantarch"),
    database: DatabaseOpt = None,
    record: RecordOpt = True,
    author: AuthorOpt = "discovery",
) -> None:
    """Passive discovery from packet captures: hosts, flows, protocols, identity, Purdue levels."""
    from plantarch.discovery.pcap.source import discover_pcap, raise_if_partial
    from plantarch.errors import InputError

    _check_format(fmt)
    for f in files:
        if not f.is_file():
            raise InputError("capture file not found or not a file", file=str(f))
    progress = Progress(
        TextColumn("[bold]reading"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[packets]:>12,} packets"),
        TextColumn("{task.fields[rate]:>10,} packets/s"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    with progress:
        task = progress.add_task("read", total=1, packets=0, rate=0)

        def update(done: int, total: int, packets: int) -> None:
            elapsed = progress.tasks[0].elapsed or 0.0
            rate = int(packets / elapsed) if elapsed > 0 else 0
            progress.update(task, completed=done, total=max(total, 1), packets=packets, rate=rate)

        batch = discover_pcap(files, progress=update)
    recorded = _record(batch, workspace, database, author) if record else None
    if fmt == "json":
        typer.echo(json.dumps(batch_json(batch, recorded), indent=2))
    else:
        _print_batch(batch)
    raise_if_partial(batch)


def discover_zeek_command(
    directories: Annotated[list[Path], typer.Argument(help="Directories (or files) of Zeek / ICSNPP logs.")],
    fmt: FormatOpt = "text",
    workspace: WorkspaceOpt = Path(".plantarch"),
    database: DatabaseOpt = None,
    record: RecordOpt = True,
    author: AuthorOpt = "discovery",
) -> None:
    """Hosts and flows from Zeek TSV/JSON logs, including the ICSNPP industrial protocol logs."""
    from plantarch.discovery.zeek import discover_zeek

    _check_format(fmt)
    batch = discover_zeek(directories)
    recorded = _record(batch, workspace, database, author) if record else None
    if fmt == "json":
        typer.echo(json.dumps(batch_json(batch, recorded), indent=2))
    else:
        _print_batch(batch)


def drift_command(
    fmt: FormatOpt = "text",
    workspace: WorkspaceOpt = Path(".plantarch"),
    database: DatabaseOpt = None,
) -> None:
    """Declared vs observed: hidden flows, undeclared assets, stale assets and flows."""
    from plantarch.analysis.drift import detect_drift
    from plantarch.store import open_store

    _check_format(fmt)
    store = open_store(workspace=None if database else workspace, database=database)
    try:
        report = detect_drift(store.load_model())
    finally:
        store.close()
    if fmt == "json":
        doc = {"summary": report.summary(), **report.model_dump(mode="json")}
        typer.echo(json.dumps(doc, indent=2))
        return
    _print_drift(report)


def _print_drift(report: DriftReport) -> None:
    counts = report.summary()
    console.print(
        f"[bold]{counts['hidden_flows']}[/] hidden flows, [bold]{counts['undeclared_assets']}[/] undeclared "
        f"assets, [bold]{counts['stale_assets']}[/] stale assets, "
        f"[bold]{counts['stale_flows']}[/] stale flows"
        f" ({counts['unverifiable_flows']} declared flows cannot be checked: no source saw their endpoints)"
    )
    sections = (
        ("Observed, never declared: flows (hidden dependencies)", report.hidden_flows),
        ("Observed, never declared: assets", report.undeclared_assets),
        ("Declared, never observed: assets (stale documentation)", report.stale_assets),
        ("Declared, never observed: flows (stale documentation)", report.stale_flows),
    )
    for title, items in sections:
        if not items:
            continue
        if items[0].kind == "flow":
            table = Table("source", "target", "protocol", "port", "first seen", "last seen", title=title)
            for item in items:
                table.add_row(
                    item.source or "", item.target or "", item.protocol or "", str(item.port or ""),
                    _when(item.first_seen), _when(item.last_seen),
                )  # fmt: skip
        else:
            table = Table("key", "name", "first seen", "last seen", "sources", title=title)
            for item in items:
                table.add_row(
                    item.key,
                    item.name,
                    _when(item.first_seen),
                    _when(item.last_seen),
                    ", ".join(item.sources),
                )
        console.print(table)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app (discover pcap|zeek live on the shared discover group)."""
    discover_app.command("pcap")(discover_pcap_command)
    discover_app.command("zeek")(discover_zeek_command)
    app.command("drift")(drift_command)
