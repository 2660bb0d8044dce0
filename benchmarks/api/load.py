"""Open-loop HTTP load against a running `plantarch serve`: a fixed request rate, latency percentiles.

Requests are sent on a fixed schedule (not one after another), and latency is measured from each
request's scheduled start, so a slow server cannot hide its queueing (no coordinated omission).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import statistics
import time
from collections import defaultdict

import httpx

SITES = 50
ASSETS_PER_SITE = 5000
CONCURRENCY = 64
"""Requests in flight per load process; later ones wait, and their wait counts in their latency."""


def request_mix(rng: random.Random) -> tuple[str, str, dict[str, str | int]]:
    """One request: (label, path, query) drawn from the list/get mix."""
    site = f"site-{rng.randrange(SITES):02d}"
    draw = rng.random()
    if draw < 0.40:
        return "get asset", f"/api/assets/{site}-asset-{rng.randrange(ASSETS_PER_SITE):05d}", {}
    if draw < 0.55:
        return "get system", f"/api/systems/{site}-sys-{rng.randrange(20):03d}", {}
    if draw < 0.75:
        zone = f"{site}-{rng.choice(('operations', 'cell'))}"
        return (
            "list assets by zone",
            "/api/assets",
            {"zone": zone, "limit": 50, "offset": rng.randrange(0, 1000, 50)},
        )
    if draw < 0.90:
        return "list assets", "/api/assets", {"limit": 50, "offset": rng.randrange(0, 5000, 50)}
    return "list systems by site", "/api/systems", {"location": site, "limit": 50}


async def _drive(
    url: str, token: str, rate: float, seconds: float, seed: int, start_at: float
) -> list[tuple[str, float, str]]:
    """One process's share: `rate` requests/s on a fixed schedule; (label, latency s, error) per request."""
    rng = random.Random(seed)
    results: list[tuple[str, float, str]] = []
    gate = asyncio.Semaphore(CONCURRENCY)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, limits=limits, timeout=30
    ) as client:

        async def one(label: str, path: str, params: dict[str, str | int], scheduled: float) -> None:
            error = ""
            async with gate:
                try:
                    answer = await client.get(path, params=params)
                    if answer.status_code != 200:
                        error = f"HTTP {answer.status_code}"
                except httpx.HTTPError as exc:
                    error = type(exc).__name__
            results.append((label, time.time() - scheduled, error))

        tasks = []
        for i in range(int(rate * seconds)):
            scheduled = start_at + i / rate
            delay = scheduled - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(*request_mix(rng), scheduled)))
        await asyncio.gather(*tasks)
    return results


def _process(args: tuple[str, str, float, float, int, float]) -> list[tuple[str, float, str]]:
    return asyncio.run(_drive(*args))


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {
        "count": len(ordered),
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
    }


def run(url: str, token: str, rate: float, seconds: float, seed: int, processes: int) -> dict[str, object]:
    """Spread `rate` over `processes` load processes; percentiles overall and per request kind."""
    start_at = time.time() + 2.0
    jobs = [(url, token, rate / processes, seconds, seed + i, start_at + i / rate) for i in range(processes)]
    with multiprocessing.Pool(processes) as pool:
        parts = pool.map(_process, jobs)
    elapsed = time.time() - start_at
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for label, latency, error in (r for part in parts for r in part):
        latencies[label].append(latency)
        if error:
            errors[f"{label}: {error}"] += 1
    everything = [v for values in latencies.values() for v in values]
    return {
        "target_rate": rate,
        "achieved_rate": round(len(everything) / elapsed, 1),
        "seconds": round(elapsed, 1),
        "overall": _summary(everything),
        "by_request": {label: _summary(values) for label, values in sorted(latencies.items())},
        "errors": dict(errors),
    }


def main() -> None:
    """Parse arguments, run the load, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--token", required=True)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--processes", type=int, default=2, help="load processes sharing the rate")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = run(args.url, args.token, args.rate, args.seconds, args.seed, args.processes)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
