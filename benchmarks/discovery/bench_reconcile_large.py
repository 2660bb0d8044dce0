"""Reconcile one site's capture into the target-size model (250,000 assets, 2,000,000 flows, 50 sites).

The model is the one `benchmarks/model/generate.py` describes, written straight into a store (no YAML)
once as a *base*; every measurement runs on a fresh copy of it (a file copy on SQLite, a
`CREATE DATABASE ... TEMPLATE` on PostgreSQL), so runs before and after a change start from the same
model. Each step runs in its own process so its peak RSS is its own.

    nice .venv/bin/python benchmarks/discovery/bench_reconcile_large.py build [--scale 1] [--postgres URL]
    nice .venv/bin/python benchmarks/discovery/bench_reconcile_large.py run [--postgres URL]

`--postgres` is the server's admin URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres); the
databases are `plantarch_bench_recon_base` and `plantarch_bench_recon`. Without it: SQLite under
`--work` (default /tmp/plantarch-bench-recon).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "model"))

from generate import ASSETS_PER_SITE, SITES, plant_objects, site_objects  # noqa: E402

from plantarch.discovery.observation import FlowObservation, HostObservation, ObservationBatch  # noqa: E402
from plantarch.discovery.reconcile import reconcile  # noqa: E402
from plantarch.model import Provenance  # noqa: E402
from plantarch.store import open_store  # noqa: E402

BASE_DB = "plantarch_bench_recon_base"
RUN_DB = "plantarch_bench_recon"
SITE = 7
"""The site whose capture is pushed: its hosts are in the model (10.7.x.y, MACs 02:00:07:...)."""


def site_capture(
    reference: str, *, known: int = 1800, new: int = 200, flows: int = 15_791, seed: int = 7
) -> ObservationBatch:
    """One capture of site 7: `known` of its modelled hosts, `new` unknown ones, multicast and broadcast."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    hosts: list[HostObservation] = []
    for i in range(known + new):
        n = i if i < known else ASSETS_PER_SITE + i  # beyond the modelled hosts: new devices
        ip = f"10.{SITE}.{n // 250}.{n % 250 + 1}"
        mac = f"02:00:{SITE:02x}:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}"
        hosts.append(
            HostObservation(
                ip=ip,
                mac=mac,
                roles=["modbus-slave"] if i % 5 == 0 else [],
                first_seen=start,
                last_seen=start + timedelta(hours=1),
            )
        )
    ips = [h.ip for h in hosts if h.ip]
    groups = ["224.0.0.251", "239.255.255.250", "255.255.255.255", f"10.{SITE}.255.255"]
    seen: set[tuple[str, str, int]] = set()
    conversations: list[FlowObservation] = []
    while len(conversations) < flows:
        src = rng.choice(ips)
        dst = rng.choice(groups) if rng.random() < 0.01 else rng.choice(ips)
        port = rng.choice((502, 102, 44818, 443, 1883, 4840, 20000, 2404))
        if src == dst or (src, dst, port) in seen:
            continue
        seen.add((src, dst, port))
        conversations.append(
            FlowObservation(
                src=src,
                dst=dst,
                transport="udp" if dst in groups else "tcp",
                port=port,
                packets=rng.randint(1, 10_000),
                bytes=rng.randint(60, 10**7),
                first_seen=start,
                last_seen=start + timedelta(hours=1),
            )
        )
    provenance = Provenance(source="pcap", reference=reference, observed_at=start)
    return ObservationBatch(provenance=provenance, hosts=hosts, flows=conversations)


def _database(admin: str, name: str) -> str:
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def build(args: argparse.Namespace) -> dict[str, Any]:
    """Write the base model (skipped when it is already there)."""
    if args.postgres:
        engine = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": BASE_DB})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{BASE_DB}"'))
        engine.dispose()
        store = open_store(database=_database(args.postgres, BASE_DB))
    else:
        store = open_store(workspace=args.work / "base")
    with store:
        if store.count("asset") >= round(SITES * ASSETS_PER_SITE * args.scale):
            return {"already": store.counts()}
        locations, zones = plant_objects(SITES)
        with store.change(author="bench", reason="plant", source="benchmark") as cs:
            cs.put_many([*locations, *zones])
        for s in range(1, SITES + 1):
            systems, assets, flows = site_objects(s, args.scale)
            with store.change(author="bench", reason=f"site {s}", source="benchmark") as cs:
                cs.put_many([*systems, *assets, *flows])
        if store.dialect == "postgresql":
            with store.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        return {"counts": store.counts()}


def fresh_copy(args: argparse.Namespace) -> str:
    """A copy of the base model to reconcile into; returns its database URL."""
    if args.postgres:
        engine = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{RUN_DB}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{RUN_DB}" TEMPLATE "{BASE_DB}"'))
        engine.dispose()
        return _database(args.postgres, RUN_DB)
    run = args.work / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    shutil.copy(args.work / "base" / "plantarch.db", run / "plantarch.db")
    return f"sqlite:///{run / 'plantarch.db'}"


def measure(database: str, label: str) -> dict[str, Any]:
    """One reconcile of one batch (in this process): wall, CPU and peak RSS."""
    batch = {
        "first import": site_capture("day1.pcap"),
        "same batch again": site_capture("day1.pcap"),
        "second capture": site_capture("day2.pcap", seed=8),
    }[label]
    opened = time.perf_counter()
    store = open_store(database=database)  # migrates the copy first if the schema is newer
    opened = time.perf_counter() - opened
    with store:
        store.count("asset")
        cpu, started = time.process_time(), time.perf_counter()
        result = reconcile(store, batch, author="bench")
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = result.counts()
        assets = store.count("asset")
    return {
        "step": label,
        "open_s": round(opened, 1),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "counts": counts,
        "assets_after": assets,
    }


def run(args: argparse.Namespace) -> None:
    """Copy the base, then the three reconciles, each in its own process."""
    started = time.perf_counter()
    database = fresh_copy(args)
    print(f"# fresh copy of the base model in {time.perf_counter() - started:.0f} s", flush=True)
    for label in ("first import", "same batch again", "second capture"):
        load = Path("/proc/loadavg").read_text().split()[:3]
        out = subprocess.run(
            [sys.executable, __file__, "measure", "--database", database, "--step", label],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        figures["load"] = " ".join(load)
        print(json.dumps(figures), flush=True)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("build", "run", "measure"))
    parser.add_argument("--postgres", default=None, help="PostgreSQL admin URL (default: SQLite)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/plantarch-bench-recon"))
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the per-site counts")
    parser.add_argument("--database", help="(measure) the copy to reconcile into")
    parser.add_argument("--step", help="(measure) first import | same batch again | second capture")
    args = parser.parse_args()
    if args.action == "build":
        started = time.perf_counter()
        figures = build(args)
        figures["seconds"] = round(time.perf_counter() - started)
        print(json.dumps(figures))
    elif args.action == "run":
        run(args)
    else:
        print(json.dumps(measure(args.database, args.step)))


if __name__ == "__main__":
    main()
