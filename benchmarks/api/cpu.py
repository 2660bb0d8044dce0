"""CPU per request of each request kind of the load mix, in-process: the ASGI app called directly (no
network, no HTTP client, no uvicorn), so the figure is the app's own work plus its database round trips.

Usage: python benchmarks/api/cpu.py --database postgresql://.../plantarch_bench_api [--requests 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from typing import Any
from urllib.parse import urlencode

from load import request_mix

from plantarch.api.app import create_app
from plantarch.api.auth import create_token
from plantarch.api.settings import ApiSettings
from plantarch.store import open_store


async def _call(app: Any, path: str, query: str, token: str) -> tuple[int, bytes]:
    """One GET through the ASGI interface; (status, body)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    status = 0
    body = bytearray()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, bytes(body)


async def _measure(app: Any, token: str, requests: int) -> dict[str, dict[str, float]]:
    rng = random.Random(11)
    cpu: dict[str, list[float]] = {}
    for i in range(requests + 50):
        label, path, params = request_mix(rng)
        started = time.process_time()
        status, body = await _call(app, path, urlencode(params), token)
        spent = time.process_time() - started
        if status != 200:
            raise SystemExit(f"{path}?{urlencode(params)}: HTTP {status} {body[:200]!r}")
        if i >= 50:  # the first requests warm caches and the connection pool
            cpu.setdefault(label, []).append(spent)
    return {
        label: {"requests": len(v), "cpu_ms_mean": round(sum(v) / len(v) * 1000, 3)}
        for label, v in sorted(cpu.items())
    }


def main() -> None:
    """Open the store, make a viewer token, and time each request kind."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with open_store(database=args.database) as store:
        _, token = create_token(store, "bench-cpu", "viewer", by="bench")
        app = create_app(store, ApiSettings())
        print(json.dumps(asyncio.run(_measure(app, token, args.requests)), indent=2))


if __name__ == "__main__":
    main()
