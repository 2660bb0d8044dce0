"""Benchmark: the analysis's graph steps on networkx, rustworkx and igraph, on the same edge list.

Run:  nice python benchmarks/analysis/bench_graphs.py [--sites 50] [--library rustworkx]
The edge list is the system-level interface graph `build_flow_graph` makes from the benchmark plant
(benchmarks/analysis/generate.py). Steps: build, connected components (silos), induced subgraph of
critical systems + articulation points + biconnected components (resilience), bridges. Run one
library per process (--library) to read each one's own peak memory; networkx and igraph are not
plantarch dependencies (pip install networkx igraph to compare).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import build

from plantarch.analysis import build_flow_graph


def rss_mb() -> float:
    """Peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def now_mb() -> float:
    """Current resident memory of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(label: str, step: Callable[[], Any]) -> Any:
    """Run one step and print its wall and CPU time (CPU is what counts on a busy shared machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = step()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"  {label:<36}{wall:7.2f} s wall {used:7.2f} s CPU {now_mb():9,.0f} MB resident")
    return result


def run_rustworkx(n: int, edges: list[tuple[int, int]], critical: list[int]) -> None:
    """The steps as plantarch runs them."""
    import rustworkx as rx

    def make() -> Any:
        g = rx.PyGraph(multigraph=False)
        g.add_nodes_from(range(n))
        g.add_edges_from_no_data(edges)
        return g

    g = timed("build", make)
    timed("connected components", lambda: rx.connected_components(g))
    sub = timed("critical subgraph", lambda: g.subgraph(critical))
    timed("articulation points (critical)", lambda: rx.articulation_points(sub))
    timed("biconnected components (critical)", lambda: rx.biconnected_components(sub))
    timed("bridges (critical)", lambda: rx.bridges(sub))
    timed("articulation points (whole graph)", lambda: rx.articulation_points(g))
    timed("bridges (whole graph)", lambda: rx.bridges(g))


def run_igraph(n: int, edges: list[tuple[int, int]], critical: list[int]) -> None:
    """The same steps on python-igraph."""
    import igraph as ig

    g = timed("build", lambda: ig.Graph(n=n, edges=edges))
    timed("connected components", lambda: g.connected_components())
    sub = timed("critical subgraph", lambda: g.induced_subgraph(critical))
    timed("articulation points (critical)", lambda: sub.articulation_points())
    timed("biconnected components (critical)", lambda: sub.biconnected_components())
    timed("bridges (critical)", lambda: sub.bridges())
    timed("articulation points (whole graph)", lambda: g.articulation_points())
    timed("bridges (whole graph)", lambda: g.bridges())


def run_networkx(n: int, edges: list[tuple[int, int]], critical: list[int]) -> None:
    """The same steps on networkx."""
    import networkx as nx

    def make() -> Any:
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(edges)
        return g

    g = timed("build", make)
    timed("connected components", lambda: list(nx.connected_components(g)))
    sub = timed("critical subgraph", lambda: g.subgraph(critical).copy())
    timed("articulation points (critical)", lambda: list(nx.articulation_points(sub)))
    timed("biconnected components (critical)", lambda: list(nx.biconnected_components(sub)))
    timed("bridges (critical)", lambda: list(nx.bridges(sub)))
    timed("articulation points (whole graph)", lambda: list(nx.articulation_points(g)))
    timed("bridges (whole graph)", lambda: list(nx.bridges(g)))


LIBRARIES = {"rustworkx": run_rustworkx, "igraph": run_igraph, "networkx": run_networkx}


def main() -> None:
    """Build the plant's interface graph once, then time each library's steps on it."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--library", choices=[*LIBRARIES, "all"], default="all")
    args = parser.parse_args()
    model = build(args.sites)
    graph = build_flow_graph(model)
    n = len(graph.nodes)
    edges = list(zip(graph.pair_a.tolist(), graph.pair_b.tolist(), strict=True))
    critical = [i for i, node in enumerate(graph.nodes) if node.critical]
    del model, graph
    gc.collect()
    print(f"graph: {n:,} nodes, {len(edges):,} edges, {len(critical):,} critical; peak {rss_mb():,.0f} MB")
    for name, run in LIBRARIES.items():
        if args.library in (name, "all"):
            print(name)
            started, cpu, base = time.perf_counter(), time.process_time(), now_mb()
            try:
                run(n, edges, critical)
            except ImportError:
                print("  not installed")
                continue
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            print(f"  {'total':<36}{wall:7.2f} s wall {used:7.2f} s CPU (resident before: {base:,.0f} MB)")


if __name__ == "__main__":
    main()
