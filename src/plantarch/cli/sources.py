"""CLI commands: discover nmap|opcua|mqtt, import inventory, provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
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
from plantarch.cli.groups import discover_app, import_app
from plantarch.cli.push import check_push_target, observations_url, push_batch, pushed_lines
from plantarch.discovery.observation import ObservationBatch
from plantarch.discovery.precedence import explain_object
from plantarch.discovery.reconcile import ReconcileResult, reconcile
from plantarch.discovery.registry import get_source
from plantarch.errors import InputError

UsernameOption = Annotated[str | None, typer.Option("--username", help="User name for the session.")]
TimeoutOption = Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds to wait for an answer.")]


def _password_option(envvar: str) -> Any:
    return typer.Option(
        "--password",
        envvar=envvar,
        help=f"Password (or ${envvar}); never stored in the workspace or printed.",
        show_default=False,
        show_envvar=True,
    )


def observe(source: str, targets: list[str], **params: Any) -> list[ObservationBatch]:
    """Run one discovery source over every target (nothing is written yet)."""
    plugin = get_source(source)
    wanted = {k: v for k, v in params.items() if v is not None}
    return [plugin.observe(target, **wanted) for target in targets]


def _say(text: str) -> None:
    console.print(text, soft_wrap=True, markup=False, highlight=False)


def _report(
    batches: list[ObservationBatch], result: ReconcileResult | None, fmt: OutputFormat, dry_run: bool
) -> None:
    warnings = [w for b in batches for w in b.warnings] + (result.warnings if result else [])
    if fmt is OutputFormat.JSON:
        document: dict[str, Any] = {
            "sources": [b.provenance.model_dump(mode="json") for b in batches],
            "summary": [b.summary for b in batches],
            "observed": {
                "hosts": sum(len(b.hosts) for b in batches),
                "systems": sum(len(b.systems) for b in batches),
                "flows": sum(len(b.flows) for b in batches),
            },
            "dry_run": dry_run,
        }
        if dry_run:
            document["observations"] = [b.model_dump(mode="json", exclude={"summary"}) for b in batches]
        if result is not None:
            document["result"] = result.model_dump(mode="json") | {"counts": result.counts()}
        print_json(document)
        return
    for batch in batches:
        summary = {k: v for k, v in batch.summary.items() if not isinstance(v, list | dict)}
        _say(f"{batch.provenance.source} {batch.provenance.reference}")
        for name, value in summary.items():
            _say(f"  {name}: {value}")
        _say(f"  observed: {len(batch.hosts)} hosts, {len(batch.systems)} systems, {len(batch.flows)} flows")
    for warning in warnings:
        err_console.print(f"warning: {warning}", markup=False, soft_wrap=True)
    if result is None:
        _say("dry run: nothing written")
    elif not any(b.hosts or b.systems or b.flows for b in batches):
        _say("nothing to record: the source describes no hosts, systems or flows (see the summary)")
    else:
        for line in result.outcome_lines():
            _say(line)


def _push(batches: list[ObservationBatch], url: str, token: str | None, fmt: OutputFormat) -> None:
    """Send each batch to the server (one change set each) and report what the server did."""
    endpoint = observations_url(url)
    answers = [push_batch(url, b, token) for b in batches]
    if fmt is OutputFormat.JSON:
        print_json(
            {
                "sources": [b.provenance.model_dump(mode="json") for b in batches],
                "summary": [b.summary for b in batches],
                "pushed_to": endpoint,
                "results": answers,
            }
        )
        return
    for batch, answer in zip(batches, answers, strict=True):
        _say(f"{batch.provenance.source} {batch.provenance.reference}")
        _say(f"  observed: {len(batch.hosts)} hosts, {len(batch.systems)} systems, {len(batch.flows)} flows")
        for line in pushed_lines(endpoint, answer):
            _say(f"  {line}")
        for warning in answer.get("warnings", []):
            err_console.print(f"warning: {warning}", markup=False, soft_wrap=True)


def _discover(
    source: str,
    targets: list[str],
    params: dict[str, Any],
    *,
    author: str | None,
    workspace: Path | None,
    database: str | None,
    fmt: OutputFormat,
    dry_run: bool,
    push: str | None = None,
    token: str | None = None,
) -> None:
    check_push_target(push, dry_run=dry_run, author=author, workspace=workspace, database=database)
    batches = observe(source, targets, **params)  # unreachable or bad input fails before the store opens
    if push is not None:
        _push(batches, push, token, fmt)
        return
    result = None
    if not dry_run:
        with open_target(workspace, database) as store:
            result = reconcile(store, batches, author=author_name(author))
    _report(batches, result, fmt, dry_run)


def discover_nmap(
    files: Annotated[list[Path], typer.Argument(help="nmap -oX XML files.")],
    dry_run: DryRunOption = False,
    author: AuthorOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
    push: PushOption = None,
    token: TokenOption = None,
) -> None:
    """Read nmap XML scans (incl. ICS NSE scripts) into the inventory, as one change set."""
    _discover(
        "nmap",
        [str(f) for f in files],
        {},
        author=author,
        workspace=workspace,
        database=database,
        fmt=fmt,
        dry_run=dry_run,
        push=push,
        token=token,
    )


def discover_opcua(
    target: Annotated[str, typer.Argument(help="opc.tcp://host:port URL or a NodeSet2 XML file.")],
    depth: Annotated[int, typer.Option("--depth", min=1, help="Levels to browse below Objects.")] = 6,
    username: UsernameOption = None,
    password: Annotated[str | None, _password_option("PLANTARCH_OPCUA_PASSWORD")] = None,
    timeout: TimeoutOption = 10.0,
    dry_run: DryRunOption = False,
    author: AuthorOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Survey an OPC UA server (endpoints, security, identity, address space) or a NodeSet2 file."""
    params = {"depth": depth, "username": username, "password": password, "timeout": timeout}
    _discover(
        "opcua",
        [target],
        params,
        author=author,
        workspace=workspace,
        database=database,
        fmt=fmt,
        dry_run=dry_run,
    )


def discover_mqtt(
    url: Annotated[str, typer.Argument(help="Broker URL: mqtt://host:1883 or mqtts://host:8883.")],
    duration: Annotated[float, typer.Option("--duration", min=0.1, help="Seconds to listen.")] = 10.0,
    username: UsernameOption = None,
    password: Annotated[str | None, _password_option("PLANTARCH_MQTT_PASSWORD")] = None,
    timeout: TimeoutOption = 5.0,
    dry_run: DryRunOption = False,
    author: AuthorOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Survey an MQTT broker's topic tree for a bounded time (Sparkplug B births decoded)."""
    params = {"duration": duration, "username": username, "password": password, "timeout": timeout}
    _discover(
        "mqtt", [url], params, author=author, workspace=workspace, database=database, fmt=fmt, dry_run=dry_run
    )


def import_inventory(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX inventory, or a ServiceNow cmdb_ci CSV export.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Column-mapping YAML (see docs/discovery-sources.md).")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="assets, systems or cmdb (default: detected).")
    ] = None,
    dry_run: DryRunOption = False,
    author: AuthorOption = None,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Import an asset/system inventory or CMDB export: owners, costs, lifecycle, criticality."""
    params = {"kind": kind, "mapping": str(mapping) if mapping else None}
    _discover(
        "inventory",
        [str(file)],
        params,
        author=author,
        workspace=workspace,
        database=database,
        fmt=fmt,
        dry_run=dry_run,
    )


def provenance(
    kind: Annotated[str, typer.Argument(help="asset, system or flow.")],
    key: Annotated[str, typer.Argument(help="Key of the object.")],
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Show each value of an object with the source it came from and what other sources said."""
    kind = kind.rstrip("s") if kind in ("assets", "systems", "flows") else kind
    if kind not in ("asset", "system", "flow"):
        raise InputError("provenance is kept for assets, systems and flows", field="KIND")
    with open_target(workspace, database) as store:
        obj = store.get(kind, key)
    if obj is None:
        raise InputError(f"no {kind} with key '{key}'", field="KEY")
    rows = explain_object(obj)
    if fmt is OutputFormat.JSON:
        print_json({"kind": kind, "key": key, "fields": [r.model_dump(mode="json") for r in rows]})
        return
    table = Table("field", "value", "source", "reference", "other sources", title=f"{kind} {key}")
    for row in rows:
        others = "; ".join(f"{a.source}: {a.value}" for a in row.alternatives)
        table.add_row(row.field, str(row.value), row.source, row.reference, others)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    discover_app.command("nmap")(discover_nmap)
    discover_app.command("opcua")(discover_opcua)
    discover_app.command("mqtt")(discover_mqtt)
    import_app.command("inventory")(import_inventory)
    app.command("provenance")(provenance)
