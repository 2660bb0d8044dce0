"""Measure the outputs at scale: diagrams, the HTML report and every export of a 250,000-asset plant.

At scale 1 the synthetic plant has 50 sites, 10,000 systems, 250,000 assets and 2,000,000 flows.
One process builds the model once and times each output in turn; peak memory is the process's
max RSS after each step.

    nice python benchmarks/outputs/bench_outputs.py [--scale 1.0] [--out /tmp/plantarch-outputs]
        [--skip cyclonedx,archimate,...]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plantarch.interchange.archimate import write_archimate
from plantarch.interchange.archimate_import import read_archimate
from plantarch.interchange.csv_export import write_csv_dir
from plantarch.interchange.cyclonedx import write_cyclonedx
from plantarch.interchange.graphml import write_graphml
from plantarch.model import Asset, Conduit, Flow, Location, PlantModel, System, Zone
from plantarch.report.diagram import VIEWS, build_view
from plantarch.report.html import write_report
from plantarch.report.metrics import key_metrics
from plantarch.report.render import run_dot, to_dot

SITES = 50
SYSTEMS_PER_SITE = 200
ASSETS_PER_SITE = 5_000
FLOWS_PER_SITE = 40_000
ZONES = (("ent", [4.0, 5.0]), ("dmz", [3.5]), ("ops", [3.0]), ("cell-a", [1.0, 2.0]), ("cell-b", [1.0, 2.0]))
SYSTEM_KINDS = (("erp", 4.0, "ent"), ("mes", 3.0, "ops"), ("historian", 3.0, "ops"), ("scada", 2.0, "cell-a"))
ASSET_KINDS = (("plc", 1.0), ("hmi", 2.0), ("server", 3.0), ("drive", 0.0))
PROTOCOLS = (("modbus", 502), ("s7comm", 102), ("opcua", 4840), ("enip", 44818), ("https", 443))


def build_plant(scale: float) -> PlantModel:
    """The synthetic plant at `scale` (1.0 = 250,000 assets, 2,000,000 flows)."""
    n_sys = max(4, int(SYSTEMS_PER_SITE * scale))
    n_assets = max(10, int(ASSETS_PER_SITE * scale))
    n_flows = max(10, int(FLOWS_PER_SITE * scale))
    locations = [Location(key="acme", name="ACME", kind="enterprise")]
    zones, conduits, systems, assets, flows = [], [], [], [], []
    for s in range(SITES):
        site = f"site-{s:02d}"
        locations.append(Location(key=site, name=f"Plant {s}", kind="site", parent="acme"))
        for z, levels in ZONES:
            zones.append(Zone(key=f"{site}.{z}", name=f"Plant {s} {z}", site=site, purdue_levels=levels))
        for a, b in (("ent", "dmz"), ("dmz", "ops"), ("ops", "cell-a"), ("ops", "cell-b")):
            conduits.append(
                Conduit(key=f"{site}.{a}-{b}", name=f"{a} to {b}", zones=[f"{site}.{a}", f"{site}.{b}"])
            )
        for i in range(n_sys):
            kind, level, zone = SYSTEM_KINDS[i % len(SYSTEM_KINDS)]
            systems.append(
                System(
                    key=f"{site}.sys-{i}",
                    name=f"{kind} {i}",
                    kind=kind,
                    purdue_level=level,
                    zone=f"{site}.{zone}",
                    location=site,
                )
            )
        for i in range(n_assets):
            kind, level = ASSET_KINDS[i % len(ASSET_KINDS)]
            zone = "ops" if level >= 3 else ("cell-a" if i % 2 else "cell-b")
            assets.append(
                Asset(
                    key=f"{site}.a-{i}",
                    name=f"{kind}-{s}-{i}",
                    kind=kind,
                    purdue_level=level,
                    zone=f"{site}.{zone}",
                    ips=[f"10.{s}.{i // 250}.{i % 250 + 1}"],
                )
            )
        for i in range(n_flows):
            proto, port = PROTOCOLS[i % len(PROTOCOLS)]
            src = f"{site}.sys-{i % n_sys}" if i % 3 == 0 else f"{site}.a-{(i * 7) % n_assets}"
            flows.append(
                Flow(
                    key=f"{site}.f-{i}",
                    source=src,
                    target=f"{site}.a-{i % n_assets}",
                    protocol=proto,
                    port=port,
                    origin="observed" if i % 2 else "declared",
                )
            )
    return PlantModel(
        locations=locations, zones=zones, conduits=conduits, systems=systems, assets=assets, flows=flows
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size


def main() -> None:
    """Run every step and print one JSON document with the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/plantarch-outputs"))
    parser.add_argument("--skip", default="", help="comma-separated steps to skip")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    results: dict[str, Any] = {"scale": args.scale, "python": platform.python_version(), "steps": {}}

    def step(name: str, fn: Callable[[], Any], out: Path | None = None) -> Any:
        if name in skip:
            return None
        started, cpu = time.perf_counter(), time.process_time()
        value = fn()
        record: dict[str, Any] = {
            "seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),  # this process only; dot runs as a child
            "max_rss_mb": round(_rss_mb()),
        }
        if out is not None:
            record["bytes"] = _size(out)
        results["steps"][name] = record
        print(name, record, flush=True)
        return value

    model: PlantModel = step("build model", lambda: build_plant(args.scale))
    results["counts"] = model.counts()
    step("key metrics", lambda: key_metrics(model))
    for view in VIEWS:
        diagram = step(f"build view {view}", lambda v=view: build_view(model, v))
        svg = args.out / f"{view}.svg"
        step(f"graphviz svg {view}", lambda d=diagram, p=svg: p.write_bytes(run_dot(to_dot(d), "svg")), svg)
        results["steps"][f"build view {view}"]["nodes"] = len(diagram.nodes)
    report = args.out / "plant.html"
    step("report html", lambda: write_report(model, report, use_standards=False, use_analysis=False), report)
    step("export archimate", lambda: write_archimate(model, args.out / "plant.xml"), args.out / "plant.xml")
    step(
        "export graphml", lambda: write_graphml(model, args.out / "plant.graphml"), args.out / "plant.graphml"
    )
    step("export csv", lambda: write_csv_dir(model, args.out / "csv"), args.out / "csv")
    step(
        "export cyclonedx",
        lambda: write_cyclonedx(model, args.out / "plant.cdx.json"),
        args.out / "plant.cdx.json",
    )
    xml = args.out / "plant.xml"
    if xml.exists():
        read_back = step("import archimate", lambda: read_archimate(xml))
        if read_back is not None:
            results["steps"]["import archimate"]["equal"] = read_back == model
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
