"""Measure the model store at scale: YAML load, import into SQLite and PostgreSQL, re-import, export.

Every step runs in its own process so its peak memory (max RSS) is its own.

    nice python benchmarks/model/run.py [--scale 1.0] [--work /tmp/plantarch-bench]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def step(name: str, work: Path, database: str | None) -> dict[str, Any]:
    """Run one step in this process and return its figures."""
    from plantarch.interchange.model_io import export_model, import_model
    from plantarch.interchange.yaml_model import load_model_dir
    from plantarch.store import open_store

    sys.path.insert(0, str(HERE))
    from generate import generate

    model_dir = work / "model"
    store_args: dict[str, Any] = {"database": database} if database else {"workspace": work / "workspace"}
    started = time.perf_counter()
    result: dict[str, Any] = {}
    if name == "generate":
        result["counts"] = generate(model_dir, float(os.environ.get("BENCH_SCALE", "1")))
    elif name == "load":
        result["counts"] = load_model_dir(model_dir).counts()
    elif name in ("import", "reimport"):
        with open_store(**store_args) as store:
            sync = import_model(store, model_dir, author="benchmark")
            result["revision"] = sync.revision
            result["added"] = sum(sync.added.values())
    elif name == "export":
        with open_store(**store_args) as store:
            result["files"] = len(export_model(store, work / "export"))
    elif name == "query":
        with open_store(**store_args) as store:
            result.update(_queries(store))
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def _timed(samples: list[float], call: Any, *args: Any) -> None:
    started = time.perf_counter()
    call(*args)
    samples.append((time.perf_counter() - started) * 1000)


def _queries(store: Any) -> dict[str, Any]:
    """Median latency of indexed lookups a user or the API makes."""
    by_source: list[float] = []
    by_ip: list[float] = []
    by_key: list[float] = []
    for i in range(50):
        site, host = i % 50 + 1, i * 97 % 2500
        _timed(by_source, store.list, "flow", {"source": f"site-{site:02d}.host-{host:05d}"})
        _timed(by_ip, store.list, "asset", {"ip": f"10.{site}.{host // 250}.{host % 250 + 1}"})
        _timed(by_key, store.get, "flow", f"site-{site:02d}.flow-{i * 13:06d}")
    median = {
        name: round(sorted(values)[len(values) // 2], 2)
        for name, values in (
            ("flows_from_asset_ms", by_source),
            ("asset_by_ip_ms", by_ip),
            ("get_flow_ms", by_key),
        )
    }
    return median


def _run(name: str, work: Path, database: str | None, scale: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--step", name, "--work", str(work)]
    if database:
        command += ["--database", database]
    env = {**os.environ, "BENCH_SCALE": str(scale)}
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    figures: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    print(f"{name:<10} {'postgresql' if database else 'sqlite':<10} {figures}", flush=True)
    return figures


def _postgres_database(admin_url: str) -> tuple[str, str] | None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    name = f"plantarch_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        print(f"PostgreSQL skipped: {str(exc.orig).splitlines()[0]}")
        return None
    finally:
        engine.dispose()
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_postgres(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.yaml"))
    files_b = sorted(p.relative_to(b) for p in b.rglob("*.yaml"))
    return files_a == files_b and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files_a)


def main() -> None:
    """Run every step and print a summary (JSON at the end)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/plantarch-bench"))
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--step")
    parser.add_argument("--database")
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.work, args.database)))
        return

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    print(f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    results: dict[str, Any] = {"scale": args.scale}
    results["generate"] = _run("generate", args.work, None, args.scale)
    for backend in ("sqlite", "postgresql"):
        database = None
        created = None
        if backend == "postgresql":
            created = _postgres_database(args.postgres)
            if created is None:
                continue
            database = created[1]
        try:
            for name in ("import", "reimport", "query", "export"):
                results[f"{name}_{backend}"] = _run(name, args.work, database, args.scale)
            results[f"export_identical_{backend}"] = _same_tree(args.work / "model", args.work / "export")
            print(
                f"export identical to the generated files ({backend}):",
                results[f"export_identical_{backend}"],
            )
            shutil.rmtree(args.work / "export", ignore_errors=True)
        finally:
            if created:
                _drop_postgres(args.postgres, created[0])
    results["load"] = _run("load", args.work, None, args.scale)  # the whole model in memory, last
    db = args.work / "workspace" / "plantarch.db"
    results["sqlite_file_mb"] = round(db.stat().st_size / 2**20) if db.exists() else None
    results["yaml_mb"] = round(sum(p.stat().st_size for p in (args.work / "model").rglob("*.yaml")) / 2**20)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
