"""CLI commands: serve (the REST API with uvicorn) and token create|list|revoke."""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Annotated

import typer
from rich.table import Table

from plantarch.api.auth import Role, auth_configured, create_token, list_tokens, revoke_token
from plantarch.cli.common import (
    DatabaseOption,
    FormatOption,
    OutputFormat,
    WorkspaceOption,
    author_name,
    console,
    err_console,
    open_target,
    print_json,
    resolve_target,
)
from plantarch.errors import InputError

token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)


def is_loopback(host: str) -> bool:
    """Whether `host` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(
                ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None)
            )
        except (OSError, ValueError):
            return False


WORKER_STARTUP_SECONDS = 60
"""How long `serve --workers N` waits for a worker to answer before it restarts it."""


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = True,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the web UI; a non-loopback host needs API tokens."""
    import uvicorn

    from plantarch.api.app import SETTINGS_ENV, create_app
    from plantarch.api.settings import ApiSettings
    from plantarch.governance import GovernanceSettings

    target = resolve_target(workspace, database)
    with open_target(workspace, database) as store:
        secured = auth_configured(store)
    if not secured and not is_loopback(host):
        raise InputError(
            f"refusing to serve on {host} without authentication: create a token first "
            "(plantarch token create USER --role admin) or listen on 127.0.0.1",
            field="--host",
        )
    settings = ApiSettings(
        workspace=target.workspace,
        database=target.database,
        anonymous_role=None if secured else Role.ADMIN,
        governance=GovernanceSettings.from_env(),
    )
    if not secured:
        err_console.print(
            f"no API tokens exist: requests from this machine act as 'local' (admin) on {host}:{port}"
        )
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=access_log)
        return
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    uvicorn.run(
        "plantarch.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        # A worker answers uvicorn's health check only once it has imported plantarch; on a busy machine
        # that took more than uvicorn's 5 s, and the workers were killed and restarted in a loop (#7).
        timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
    )


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Argument(help="Who the token is for (recorded on every write).")],
    role: Annotated[Role, typer.Option("--role", help="viewer, editor, reviewer or admin.")] = Role.VIEWER,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Create a token and print it once; only its hash is stored."""
    with open_target(workspace, database) as store:
        info, token = create_token(store, user, role, by=author_name(None))
    if fmt is OutputFormat.JSON:
        print_json({**info.model_dump(mode="json"), "token": token})
        return
    err_console.print(f"token {info.id} for {info.user} ({info.role.value}); it is shown only now:")
    typer.echo(token)


@token_app.command("list")
def token_list(
    include_revoked: Annotated[bool, typer.Option("--all", help="Include revoked tokens.")] = False,
    fmt: FormatOption = OutputFormat.TEXT,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """List tokens (their first characters, never the token)."""
    with open_target(workspace, database) as store:
        tokens = list_tokens(store, include_revoked=include_revoked)
    if fmt is OutputFormat.JSON:
        print_json([t.model_dump(mode="json") for t in tokens])
        return
    table = Table("id", "user", "role", "starts with", "created", "revoked", title=f"tokens ({len(tokens)})")
    for t in tokens:
        table.add_row(
            str(t.id),
            t.user,
            t.role.value,
            t.prefix + "…",
            f"{t.created_at:%Y-%m-%d %H:%M}",
            f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "",
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="Token id (see `plantarch token list`).")],
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Revoke a token at once."""
    with open_target(workspace, database) as store:
        info = revoke_token(store, token_id, by=author_name(None))
    console.print(f"token {info.id} of {info.user} revoked")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")
