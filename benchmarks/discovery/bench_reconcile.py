"""Reconcile at plant scale: a capture-sized batch into an empty and a populated store (SQLite, PostgreSQL).

Run:  .venv/bin/python benchmarks/discovery/bench_reconcile.py [--hosts N] [--flows N] [--postgres ADMIN_URL]
With --postgres a throw-away database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from plantarch.discovery.observation import FlowObservation, HostObservation, ObservationBatch
from plantarch.discovery.reconcile import reconcile
from plantarch.model import Provenance
from plantarch.store import Store, open_store


def capture_batch(hosts: int, flows: int, reference: str, seed: int = 7) -> ObservationBatch:
    """A synthetic capture: `hosts` devices in a /16 and `flows` conversations between them."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    ips = [f"10.{20 + i // 250}.{i % 250}.{1 + (i * 7) % 250}" for i in range(hosts)]
    found = [
        HostObservation(
            ip=ip,
            mac=f"02:00:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}:01",
            roles=["modbus-slave"] if i % 5 == 0 else [],
            first_seen=start,
            last_seen=start + timedelta(hours=1),
        )
        for i, ip in enumerate(ips)
    ]
    seen: set[tuple[str, str, int]] = set()
    conversations = []
    while len(conversations) < flows:
        src, dst = rng.sample(ips, 2)
        port = rng.choice((502, 102, 44818, 443, 1883, 4840, 20000, 2404))
        if (src, dst, port) in seen:
            continue
        seen.add((src, dst, port))
        conversations.append(
            FlowObservation(
                src=src,
                dst=dst,
                transport="tcp",
                port=port,
                packets=rng.randint(1, 10_000),
                bytes=rng.randint(60, 10**7),
            )
        )
    provenance = Provenance(source="pcap", reference=reference, observed_at=start)
    return ObservationBatch(provenance=provenance, hosts=found, flows=conversations)


@contextmanager
def bench_store(postgres: str | None) -> Iterator[Store]:
    """A fresh store: SQLite in a temporary directory, or a throw-away PostgreSQL database."""
    if postgres is None:
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(workspace=Path(tmp) / "ws")
            yield store
            store.close()
        return
    name = f"plantarch_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        store = open_store(
            database=make_url(postgres).set(database=name).render_as_string(hide_password=False)
        )
        yield store
        store.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    """Time the first import, the identical re-import, and a second capture of the same plant."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=2000)
    parser.add_argument("--flows", type=int, default=15791)
    parser.add_argument(
        "--postgres", default=None, help="PostgreSQL admin URL (default: SQLite in a temp dir)"
    )
    args = parser.parse_args()
    first = capture_batch(args.hosts, args.flows, "day1.pcap")
    second = capture_batch(args.hosts, args.flows, "day2.pcap", seed=8)
    with bench_store(args.postgres) as store:
        for label, batch in (
            ("first import", first),
            ("same batch again", first),
            ("second capture", second),
        ):
            started, cpu = time.perf_counter(), time.process_time()
            result = reconcile(store, batch, author="bench")
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(f"{label:18s} {elapsed:7.2f} s wall {cpu:7.2f} s CPU  {result.counts()}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
