"""`discover ... --push URL`: send observation batches to a plantarch server instead of a local store."""

from __future__ import annotations

import os
from typing import Any

import httpx

from plantarch.discovery.observation import ObservationBatch
from plantarch.errors import InputError

TOKEN_ENV = "PLANTARCH_TOKEN"
"""Environment variable holding the API token `--push` sends when `--token` is not given."""
PUSH_TIMEOUT = 300.0
"""Seconds to wait for the server: reconciling a large site's batch takes a while."""


def observations_url(url: str) -> str:
    """The server's observations endpoint: URL/api/observations (URL may already end in it)."""
    base = url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise InputError(f"'{url}' is not an http:// or https:// server address", field="--push")
    return base if base.endswith("/api/observations") else f"{base}/api/observations"


def _located(error: Any) -> str:
    """One of FastAPI's 422 errors as `body.flows.0.port: message`."""
    if not isinstance(error, dict):
        return str(error)
    return f"{'.'.join(str(p) for p in error.get('loc', []))}: {error.get('msg', '')}"


def _refusal(url: str, response: httpx.Response) -> InputError:
    """The server's refusal as one message naming the status and what the server said."""
    try:
        detail: Any = response.json().get("detail", response.text)
    except ValueError:
        detail = response.text[:500]
    if isinstance(detail, list):  # FastAPI's 422: [{loc, msg, type}, ...]
        detail = "; ".join(
            f"{'.'.join(str(p) for p in d.get('loc', []))}: {d.get('msg', '')}"
            if isinstance(d, dict)
            else str(d)
            for d in detail[:10]
        )
    hint = {401: f" (give --token or ${TOKEN_ENV})", 403: " (pushing needs the editor role)"}
    return InputError(f"{url} answered {response.status_code}: {detail}{hint.get(response.status_code, '')}")


def push_batch(url: str, batch: ObservationBatch, token: str | None) -> dict[str, Any]:
    """POST one batch to the server: its answer (revision, counts, created, ...) or an InputError why not."""
    endpoint = observations_url(url)
    token = token or os.environ.get(TOKEN_ENV) or None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.post(
            endpoint, json=batch.model_dump(mode="json"), headers=headers, timeout=PUSH_TIMEOUT
        )
    except httpx.HTTPError as exc:
        raise InputError(f"cannot push to {endpoint}: {exc}") from exc
    if response.status_code != 200:
        raise _refusal(endpoint, response)
    answer: dict[str, Any] = response.json()
    return answer


def pushed_lines(url: str, answer: dict[str, Any]) -> list[str]:
    """What the server did with one pushed batch, for people."""
    if answer.get("revision") is None:
        return [f"pushed to {url}: nothing changed, the server already holds everything observed"]
    parts = [
        f"{kind}s {n['created']} created, {n['updated']} updated, {n['unchanged']} unchanged"
        for kind, n in answer.get("counts", {}).items()
    ]
    return [f"pushed to {url}: revision {answer['revision']}: " + "; ".join(parts)]


def check_push_target(
    push: str | None, *, dry_run: bool, author: str | None, workspace: object, database: object
) -> None:
    """Refuse --push with --dry-run, --author, --workspace or --database (the server decides those)."""
    if push is None:
        return
    for given, name in (
        (dry_run, "--dry-run"),
        (author, "--author (the server records the token's user)"),
        (workspace, "--workspace"),
        (database, "--database"),
    ):
        if given:
            raise InputError(f"--push sends the observations to a server; it cannot be combined with {name}")
