"""Benchmark: `analyze` and `roadmap` on a 250,000-asset / 2,000,000-flow / 50-site plant.

Run:  nice python benchmarks/analysis/bench_analysis.py [--sites 50] [--assets-per-site 5000]
      [--flows-per-site 40000] [--step analyze|roadmap|both]
Prints the time of each phase and the peak resident memory of the process (model included).
Run `--step analyze` and `--step roadmap` in separate processes to see each one's own peak.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import build

from plantarch.analysis import analyze, build_flow_graph
from plantarch.roadmap import build_roadmap

TODAY = date(2026, 11, 24)


def rss_mb() -> float:
    """Peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def now_mb() -> float:
    """Current resident memory of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu() -> float:
    """CPU seconds used by this process (what one core spends; immune to a busy shared machine)."""
    return time.process_time()


def main() -> None:
    """Generate the plant, then time the flow graph, the analysis and the roadmap."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--assets-per-site", type=int, default=5000)
    parser.add_argument("--flows-per-site", type=int, default=40000)
    parser.add_argument("--step", choices=["analyze", "roadmap", "both"], default="both")
    parser.add_argument("--conformance", action="store_true", help="Also run the standards checker.")
    args = parser.parse_args()
    t0 = time.perf_counter()
    model = build(args.sites, args.assets_per_site, args.flows_per_site)
    t1 = time.perf_counter()
    gc.freeze()  # the model is long-lived; keep the collector from rescanning it
    print(
        f"model: {len(model.assets):,} assets, {len(model.flows):,} flows, {len(model.systems):,} systems; "
        f"generated in {t1 - t0:.1f} s; peak so far {rss_mb():,.0f} MB"
    )
    base = now_mb()
    print(f"model in memory: {base:,.0f} MB resident")
    t2, c2 = time.perf_counter(), cpu()
    graph = build_flow_graph(model)
    t3, c3 = time.perf_counter(), cpu()
    print(
        f"flow graph: {len(graph.nodes):,} nodes, {len(graph.pair_a):,} interfaces in {t3 - t2:.1f} s wall, "
        f"{c3 - c2:.1f} s CPU; +{now_mb() - base:,.0f} MB"
    )
    report = analyze(model, TODAY, conformance=args.conformance, graph=graph)
    t4, c4 = time.perf_counter(), cpu()
    m = report.metrics
    print(
        f"analyze: {t4 - t2:.1f} s wall, {c4 - c2:.1f} s CPU (graph included); +{now_mb() - base:,.0f} MB; "
        f"{m.silos} silos, {m.redundancy_groups} redundancies, {m.integration_gaps} gaps, "
        f"{m.point_to_point_interfaces:,} p2p, {m.single_points_of_failure} SPoF, {m.end_of_support} EoS; "
        f"peak {rss_mb():,.0f} MB"
    )
    if args.step in ("roadmap", "both"):
        t5, c5 = time.perf_counter(), cpu()
        roadmap = build_roadmap(model, today=TODAY, report=report, graph=graph)
        t6, c6 = time.perf_counter(), cpu()
        print(
            f"roadmap: {t6 - t5:.1f} s wall, {c6 - c5:.1f} s CPU on top of the analysis "
            f"({c6 - c5 + c4 - c2:.1f} s CPU from the model); +{now_mb() - base:,.0f} MB; "
            f"{len(roadmap.actions)} actions in {len(roadmap.phases)} phases, savings "
            f"{roadmap.cash_flow.annual_savings.value:,.0f}/year; peak {rss_mb():,.0f} MB"
        )
        t7 = time.perf_counter()
        roadmap.model_dump_json()
        report.model_dump_json()
        print(f"JSON of both reports: {time.perf_counter() - t7:.1f} s")
    print(f"peak memory: {rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
