"""CLI commands: discover pcap, discover zeek, drift."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plantarch.cli.common import (
    AuthorOption,
    DatabaseOption,
    DryRunOption,
    FormatOption,
    OutputFormat,
    PushOption,
    TokenOption,
    WorkspaceOption,
    author_name,
    console,
    err_console,
    open_target,
    print_json,
)
from plantarch.cli.groups import discover_app
from plantarch.discovery.observation import ObservationBatch
from plantarch.model.vocabulary import format_level

if TYPE_CHECKING:
    from plantarch.analysis.drift import DriftReport

FilesArg = Annotated[list[Path], typer.Argument(help="Capture files: pcap, pcapng, optionally .gz.")]


def batch_json(batch: ObservationBatch, result: dict[str, Any] | None, dry_run: bool) -> dict[str, Any]:
    """The JSON document `discover pcap|zeek --format json` prints."""
    out: dict[str, Any] = {
        "packets": batch.summary.get("packets", 0),
        "bytes": batch.summary.get("bytes", 0),
        "hosts": [h.model_dump(mode="json") for h in batch.hosts],
        "flows": [f.model_dump(mode="json") for f in batch.flows],
        "summary": batch.summary,
        "warnings": batch.warnings,
        "dry_run": dry_run,
    }
    if result is not None:
        out["result"] = result
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
    shown = sorted(batch.hosts, key=lambda h: _address_order(h.ip or h.mac or ""))[:HOST_ROWS]
    more = len(batch.hosts) - len(shown)
    hosts = Table(
        title="Hosts (suggested Purdue level; reasons in --format json)",
        caption=f"… and {more:,} more hosts: --format json lists every host" if more else None,
    )
    for column in ("ip", "mac"):
        hosts.add_column(column, no_wrap=True)
    for column in ("vendor", "names", "roles", "level"):
        hosts.add_column(column)
    for h in shown:
        hosts.add_row(
            h.ip or "",
            h.mac or "",
            (h.vendor or "")[:24],
            ", ".join(h.names),
            ", ".join(h.roles),
            format_level(h.suggested_level),
        )
    console.print(hosts)
    _print_protocols(batch)
    top = sorted(batch.flows, key=lambda f: (-f.bytes, f.src, f.dst, f.port or 0))[:FLOW_ROWS]
    more = len(batch.flows) - len(top)
    title = f"Flows (the {len(top)} largest by bytes)" if more else "Flows"
    flows = Table(
        "src", "dst", "transport", "port", "protocol", "packets", "bytes", title=title,
        caption=f"… and {more:,} more flows: --format json lists every flow" if more else None,
    )  # fmt: skip
    for f in top:
        flows.add_row(
            f.src, f.dst, f.transport, str(f.port or ""), f.protocol or "", f"{f.packets:,}", f"{f.bytes:,}"
        )
    console.print(flows)
    for w in batch.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)


HOST_ROWS = 200
"""Hosts listed in the text output (all of them in --format json)."""
FLOW_ROWS = 25
"""Flows listed in the text output, the largest first (all of them in --format json)."""


def _address_order(address: str) -> tuple[int, int, str]:
    """Sort key putting addresses in numeric order (10.0.0.2 before 10.0.0.10), IPv4 before IPv6 and MACs."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return (2, 0, address)
    return (0 if ip.version == 4 else 1, int(ip), address)


def _print_protocols(batch: ObservationBatch) -> None:
    """Per protocol: flows, packets, bytes and the hosts taking part."""
    totals: dict[str, list[int]] = {}
    ends: dict[str, set[str]] = {}
    for f in batch.flows:
        name = f.protocol or (f"{f.transport}/{f.port}" if f.port else f.transport)
        row = totals.setdefault(name, [0, 0, 0])
        row[0] += 1
        row[1] += f.packets
        row[2] += f.bytes
        ends.setdefault(name, set()).update((f.src, f.dst))
    table = Table("protocol", "flows", "hosts", "packets", "bytes", title="Protocols")
    for name, (count, packets, size) in sorted(totals.items(), key=lambda kv: -kv[1][2]):
        table.add_row(name, f"{count:,}", f"{len(ends[name]):,}", f"{packets:,}", f"{size:,}")
    console.print(table)


def _record(batch: ObservationBatch, workspace: Path | None, database: str | None, author: str | None) -> Any:
    """Record the batch in the store through reconcile, as one change set."""
    from plantarch.discovery.reconcile import reconcile

    with open_target(workspace, database) as store:
        return reconcile(store, batch, author=author_name(author))


def _record_or_push(
    batch: ObservationBatch,
    *,
    dry_run: bool,
    author: str | None,
    fmt: OutputFormat,
    workspace: Path | None,
    database: str | None,
    push: str | None,
    token: str | None,
) -> None:
    """Reconcile the batch into the local store (unless a dry run) or push it to a server; report."""
    if push is None:
        result = None if dry_run else _record(batch, workspace, database, author)
        _report(batch, result, fmt, dry_run)
        return
    from plantarch.cli.push import observations_url, push_batch, pushed_lines

    answer = push_batch(push, batch, token)
    if fmt is OutputFormat.JSON:
        print_json(batch_json(batch, answer | {"pushed_to": observations_url(push)}, False))
        return
    _print_batch(batch)
    for line in pushed_lines(observations_url(push), answer):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def _report(batch: ObservationBatch, result: Any, fmt: OutputFormat, dry_run: bool) -> None:
    if fmt is OutputFormat.JSON:
        summary = None if result is None else result.model_dump(mode="json") | {"counts": result.counts()}
        print_json(batch_json(batch, summary, dry_run))
        return
    _print_batch(batch)
    if result is None:
        console.print("dry run: nothing written")
    else:
        for line in result.outcome_lines():
            console.print(line, markup=False, highlight=False, soft_wrap=True)


def discover_pcap_command(
    files: FilesArg,
    dry_run: DryRunOption = False,
    author: AuthorOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    push: PushOption = None,
    token: TokenOption = None,
) -> None:
    """Passive discovery from packet captures: hosts, flows, protocols, identity, Purdue levels."""
    from plantarch.cli.push import check_push_target
    from plantarch.discovery.pcap.source import discover_pcap, raise_if_partial
    from plantarch.errors import InputError

    check_push_target(push, dry_run=dry_run, author=author, workspace=workspace, database=database)

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
    # A damaged capture is still recorded (everything before the damage), then reported as partial.
    _record_or_push(
        batch, dry_run=dry_run, author=author, fmt=fmt, workspace=workspace, database=database, push=push,
        token=token,
    )  # fmt: skip
    raise_if_partial(batch)


def discover_zeek_command(
    directories: Annotated[list[Path], typer.Argument(help="Directories (or files) of Zeek / ICSNPP logs.")],
    dry_run: DryRunOption = False,
    author: AuthorOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    push: PushOption = None,
    token: TokenOption = None,
) -> None:
    """Hosts and flows from Zeek TSV/JSON logs, including the ICSNPP industrial protocol logs."""
    from plantarch.cli.push import check_push_target
    from plantarch.discovery.zeek import discover_zeek

    check_push_target(push, dry_run=dry_run, author=author, workspace=workspace, database=database)
    batch = discover_zeek(directories)
    _record_or_push(
        batch, dry_run=dry_run, author=author, fmt=fmt, workspace=workspace, database=database, push=push,
        token=token,
    )  # fmt: skip


def drift_command(
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Declared vs observed: hidden flows, undeclared assets, stale assets and flows."""
    from plantarch.analysis.drift import detect_drift

    with open_target(workspace, database) as store:
        report = detect_drift(store.load_model())
    if fmt is OutputFormat.JSON:
        print_json({"summary": report.summary(), **report.model_dump(mode="json")})
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
