"""Open-loop HTTP load against a running `plantarch serve`: a fixed request rate, latency percentiles.

Requests are sent on a fixed schedule (not one after another), and latency is measured from each
request's scheduled start, so a slow server cannot hide its queueing (no coordinated omission).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections import defaultdict

import httpx

SITES = 50
ASSETS_PER_SITE = 5000


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


async def run(url: str, token: str, rate: float, seconds: float, seed: int) -> dict[str, object]:
    """Send `rate` requests per second for `seconds`; return percentiles overall and per request kind."""
    rng = random.Random(seed)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, limits=limits, timeout=30
    ) as client:

        async def one(label: str, path: str, params: dict[str, str | int], scheduled: float) -> None:
            try:
                answer = await client.get(path, params=params)
                if answer.status_code != 200:
                    errors[f"{label}: HTTP {answer.status_code}"] += 1
            except httpx.HTTPError as exc:
                errors[f"{label}: {type(exc).__name__}"] += 1
            latencies[label].append(time.perf_counter() - scheduled)

        total = int(rate * seconds)
        start = time.perf_counter() + 0.5
        tasks = []
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(*request_mix(rng), scheduled)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
        return {
            "count": len(ordered),
            "p50_ms": round(pick(0.50), 1),
            "p95_ms": round(pick(0.95), 1),
            "p99_ms": round(pick(0.99), 1),
            "max_ms": round(ordered[-1] * 1000, 1),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
        }

    everything = [v for values in latencies.values() for v in values]
    return {
        "target_rate": rate,
        "achieved_rate": round(len(everything) / elapsed, 1),
        "seconds": round(elapsed, 1),
        "overall": summary(everything),
        "by_request": {label: summary(values) for label, values in sorted(latencies.items())},
        "errors": dict(errors),
    }


def main() -> None:
    """Parse arguments, run the load, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--token", required=True)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.url, args.token, args.rate, args.seconds, args.seed)), indent=2))


if __name__ == "__main__":
    main()
