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
import subprocess
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

SITES = 50
ASSETS_PER_SITE = 5000
CONCURRENCY = 32
"""Connections per load process; a request waits for a free one, and the wait counts in its latency."""

Job = tuple[str, str, float]
Result = tuple[str, float, float, float, str]
"""(label, scheduled, sent, done, error): wall-clock times, so the timeline shows when slow requests were."""


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


async def _connection(
    host: str, port: int, token: str, queue: asyncio.Queue[Job | None], out: list[Result]
) -> None:
    """One keep-alive HTTP/1.1 connection taking scheduled requests from the queue (a tiny, cheap client:
    httpx costs more CPU per request than the server under test)."""
    reader, writer = await asyncio.open_connection(host, port)
    while (job := await queue.get()) is not None:
        label, target, scheduled = job
        sent = time.time()
        writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        out.append((label, scheduled, sent, time.time(), "" if status == 200 else f"HTTP {status}"))
    writer.close()


async def _drive(
    url: str, token: str, rate: float, seconds: float, seed: int, start_at: float
) -> list[Result]:
    """One process's share: `rate` requests/s on a fixed schedule over CONCURRENCY connections."""
    rng = random.Random(seed)
    parsed = urlsplit(url)
    results: list[Result] = []
    queue: asyncio.Queue[Job | None] = asyncio.Queue()
    workers = [
        asyncio.create_task(
            _connection(parsed.hostname or "127.0.0.1", parsed.port or 80, token, queue, results)
        )
        for _ in range(CONCURRENCY)
    ]
    for i in range(int(rate * seconds)):
        scheduled = start_at + i / rate
        delay = scheduled - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        label, path, params = request_mix(rng)
        queue.put_nowait((label, f"{path}?{urlencode(params)}" if params else path, scheduled))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return results


def _ready(_: int) -> None:
    """Nothing: lets the pool start its processes before the schedule is fixed."""


def _process(args: tuple[str, str, float, float, int, float]) -> list[Result]:
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


def _tail(results: list[Result], start_at: float) -> dict[str, object]:
    """Where the slowest 1 % were: which second of the run, and whether their send was late."""
    ordered = sorted(results, key=lambda r: r[3] - r[1])
    slow = ordered[int(0.99 * len(ordered)) :]
    seconds: dict[int, int] = defaultdict(int)
    for r in slow:
        seconds[int(r[1] - start_at)] += 1
    return {
        "count": len(slow),
        "by_second": dict(sorted(seconds.items())),
        "send_lag_p50_ms": round(statistics.median(r[2] - r[1] for r in slow) * 1000, 1) if slow else 0,
    }


C_KINDS = ("get asset", "get system", "list assets by zone", "list assets", "list systems by site")
"""The request kinds of openloop.c, by the number it prints."""


def _python_engine(
    url: str, token: str, rate: float, seconds: float, seed: int, processes: int
) -> tuple[float, list[Result]]:
    """Spread `rate` over `processes` asyncio load processes; (start, results)."""
    with multiprocessing.Pool(processes) as pool:
        pool.map(_ready, range(processes))  # start (and import in) every process before the clock starts
        start_at = time.time() + 0.5
        jobs = [
            (url, token, rate / processes, seconds, seed + i, start_at + i / rate) for i in range(processes)
        ]
        parts = pool.map(_process, jobs)
    return start_at, [r for part in parts for r in part]


def _c_engine(url: str, token: str, rate: float, seconds: float, seed: int) -> tuple[float, list[Result]]:
    """The same schedule and mix from openloop.c (built here with cc on first use); (start, results)."""
    source = Path(__file__).with_name("openloop.c")
    binary = Path(tempfile.gettempdir()) / f"plantarch-openloop-{source.stat().st_mtime_ns}"
    if not binary.exists():
        subprocess.run(["cc", "-O2", "-o", str(binary), str(source)], check=True)
    parsed = urlsplit(url)
    start_at = time.time() + 0.5
    command = [str(binary), parsed.hostname or "127.0.0.1", str(parsed.port or 80), token, str(rate)]
    command += [str(seconds), str(CONCURRENCY * 2), str(seed), f"{start_at:.6f}"]
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    results: list[Result] = []
    for line in output.splitlines():
        due, lag_ms, latency_ms, kind, status = line.split()
        scheduled = start_at + float(due)
        error = "" if status == "200" else f"HTTP {status}"
        results.append(
            (
                C_KINDS[int(kind)],
                scheduled,
                scheduled + float(lag_ms) / 1000,
                scheduled + float(latency_ms) / 1000,
                error,
            )
        )
    return start_at, results


def run(
    url: str,
    token: str,
    rate: float,
    seconds: float,
    seed: int,
    processes: int,
    timeline: str | None = None,
    engine: str = "python",
) -> dict[str, object]:
    """Load at `rate` with the chosen engine; percentiles overall and per request kind."""
    if engine == "c":
        start_at, results = _c_engine(url, token, rate, seconds, seed)
    else:
        start_at, results = _python_engine(url, token, rate, seconds, seed, processes)
    elapsed = time.time() - start_at
    everything = sorted(results, key=lambda r: r[1])
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for label, scheduled, _sent, done, error in everything:
        latencies[label].append(done - scheduled)
        if error:
            errors[f"{label}: {error}"] += 1
    if timeline:
        with open(timeline, "w") as out:
            out.write("scheduled_s,send_lag_ms,latency_ms,request,error\n")
            for label, scheduled, sent, done, error in everything:
                out.write(
                    f"{scheduled - start_at:.4f},{(sent - scheduled) * 1000:.2f},"
                    f"{(done - scheduled) * 1000:.2f},{label},{error}\n"
                )
    return {
        "engine": engine,
        "started_utc": datetime.fromtimestamp(start_at, UTC).isoformat(timespec="milliseconds"),
        "target_rate": rate,
        "achieved_rate": round(len(everything) / elapsed, 1),
        "seconds": round(elapsed, 1),
        "overall": _summary([r[3] - r[1] for r in everything]),
        "send_lag": _summary([r[2] - r[1] for r in everything]),
        "by_request": {label: _summary(values) for label, values in sorted(latencies.items())},
        "slowest_1_percent": _tail(everything, start_at),
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
    parser.add_argument("--timeline", help="CSV file: one line per request (schedule, send lag, latency)")
    parser.add_argument(
        "--engine",
        choices=("python", "c"),
        default="python",
        help="python: asyncio processes; c: openloop.c, one process using far less CPU (needs cc)",
    )
    args = parser.parse_args()
    result = run(
        args.url, args.token, args.rate, args.seconds, args.seed, args.processes, args.timeline, args.engine
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
