"""Resilience: single points of failure on the data paths between critical systems.

The flow graph is restricted to critical systems (criticality `critical`): an articulation point
of that graph (a system whose loss splits it) or a bridge (an interface whose loss does) cuts the data
paths between critical systems. The parts on each side are counted on the block-cut tree in linear
time, so the analysis scales to millions of flows.
"""

from __future__ import annotations

from typing import Literal

import rustworkx as rx
from pydantic import Field

from plantarch.analysis.graph import FlowGraph
from plantarch.analysis.item import AnalysisItem

SAMPLE = 5
"""Critical systems named per side of a cut; the rest are counted."""


class SinglePointOfFailure(AnalysisItem):
    """A system or interface whose failure cuts the data paths between critical systems."""

    kind: Literal["system", "interface"]
    parts: list[int] = Field(description="Critical systems on each side of the cut, largest first.")
    cut_off: int = Field(description="Critical systems cut off from the largest part.")
    sides: list[list[str]] = Field(description=f"Up to {SAMPLE} critical systems named per side.")
    flows: list[str] = Field(default_factory=list, description="Flows of the interface (for kind interface).")


class _BlockCutTree:
    """The block-cut tree of an undirected graph with critical-node counts per subtree."""

    def __init__(self, graph: rx.PyGraph, critical: list[bool]) -> None:
        self.aps = sorted(rx.articulation_points(graph))
        ap_slot = {v: i for i, v in enumerate(self.aps)}
        edge_block = rx.biconnected_components(graph)
        block_nodes: dict[int, set[int]] = {}
        self.block_edges: dict[int, list[tuple[int, int]]] = {}
        for (u, v), block in edge_block.items():
            block_nodes.setdefault(block, set()).update((u, v))
            self.block_edges.setdefault(block, []).append((u, v))
        self.blocks = sorted(block_nodes)
        nb = len(self.blocks)
        slot = {b: i for i, b in enumerate(self.blocks)}
        self.size = nb + len(self.aps)
        self.members: list[list[int]] = [[] for _ in range(self.size)]  # graph nodes counted at tree node
        self.adjacent: list[list[int]] = [[] for _ in range(self.size)]
        for block, nodes in block_nodes.items():
            t = slot[block]
            for node in nodes:
                if node in ap_slot:
                    a = nb + ap_slot[node]
                    self.adjacent[t].append(a)
                    self.adjacent[a].append(t)
                else:
                    self.members[t].append(node)
        for i, node in enumerate(self.aps):
            self.members[nb + i].append(node)
        self.block_count = nb
        self.weight = [sum(1 for n in m if critical[n]) for m in self.members]
        self._walk(critical)

    def _walk(self, critical: list[bool]) -> None:
        size = self.size
        self.parent = [-1] * size
        self.subtree = list(self.weight)
        self.tin = [-1] * size
        self.tout = [0] * size
        self.root = [-1] * size
        self.sample: list[list[int]] = [[n for n in m if critical[n]][:SAMPLE] for m in self.members]
        self.root_sample: dict[int, list[tuple[int, int]]] = {}
        seen = [False] * size
        clock = 0
        for start in range(size):
            if seen[start]:
                continue
            order: list[int] = []
            stack = [start]
            seen[start] = True
            while stack:
                t = stack.pop()
                self.tin[t] = clock  # preorder: each subtree is a contiguous run of tin values
                clock += 1
                self.root[t] = start
                order.append(t)
                for nxt in self.adjacent[t]:
                    if not seen[nxt]:
                        seen[nxt] = True
                        self.parent[nxt] = t
                        stack.append(nxt)
            span = {t: 1 for t in order}
            for t in reversed(order):
                p = self.parent[t]
                if p >= 0:
                    span[p] += span[t]
                    self.subtree[p] += self.subtree[t]
                    if len(self.sample[p]) < SAMPLE:
                        self.sample[p].extend(self.sample[t][: SAMPLE - len(self.sample[p])])
            for t in order:
                self.tout[t] = self.tin[t] + span[t] - 1
            self.root_sample[start] = [
                (self.tin[t], n) for t in order for n in self.members[t] if critical[n]
            ][: SAMPLE * 4]

    def outside(self, t: int) -> list[int]:
        """Sampled critical nodes of t's tree that are not under t."""
        lo, hi = self.tin[t], self.tout[t]
        return [n for tin, n in self.root_sample[self.root[t]] if not lo <= tin <= hi][:SAMPLE]


def find_single_points_of_failure(graph: FlowGraph) -> list[SinglePointOfFailure]:
    """Systems and interfaces whose loss separates critical systems from each other."""
    chosen = [i for i, n in enumerate(graph.nodes) if n.critical]
    if len(chosen) < 2:
        return []
    sub = graph.graph.subgraph(chosen)
    original: list[int] = [sub[i] for i in sub.node_indices()]
    critical = [True] * len(original)
    tree = _BlockCutTree(sub, critical)

    def key(node: int) -> str:
        return graph.key(original[node])

    result: list[SinglePointOfFailure] = []

    def add(
        kind: Literal["system", "interface"], objects: list[str], sides: list[tuple[int, list[int]]]
    ) -> None:
        sides = sorted((s for s in sides if s[0] > 0), key=lambda s: -s[0])
        if len(sides) < 2:
            return
        named = [[key(n) for n in sample] for _, sample in sides]
        parts = [count for count, _ in sides]
        cut_off = sum(parts[1:])
        examples = [k for side in named[1:] for k in side][:SAMPLE]
        node = graph.node(objects[0])
        flows = [f.key for f in graph.flows_between(objects[0], objects[1])] if kind == "interface" else []
        what = objects[0] if kind == "system" else f"the interface {objects[0]} ↔ {objects[1]}"
        result.append(
            SinglePointOfFailure(
                site=node.site if node else None,
                objects=objects,
                why=f"Losing {what} cuts {cut_off} critical system(s) (e.g. {', '.join(examples)}) off "
                f"from {parts[0]} others (e.g. {', '.join(named[0])}).",
                kind=kind,
                parts=parts,
                cut_off=cut_off,
                sides=named,
                flows=flows,
            )
        )

    nb = tree.block_count
    for i, ap in enumerate(tree.aps):
        t = nb + i
        total = tree.subtree[tree.root[t]]
        sides = [(tree.subtree[c], tree.sample[c]) for c in tree.adjacent[t] if tree.parent[c] == t]
        if tree.parent[t] >= 0:
            sides.append((total - tree.subtree[t], tree.outside(t)))
        add("system", [key(ap)], sides)
    for b in range(nb):
        edges = tree.block_edges[tree.blocks[b]]
        if len(edges) != 1:
            continue
        u, v = edges[0]
        total = tree.subtree[tree.root[b]]
        if tree.parent[b] >= 0:
            sides = [(tree.subtree[b], tree.sample[b]), (total - tree.subtree[b], tree.outside(b))]
        else:  # the whole component is this one interface
            sides = [
                (int(critical[u]), [u] if critical[u] else []),
                (int(critical[v]), [v] if critical[v] else []),
            ]
        add("interface", sorted([key(u), key(v)]), sides)
    result.sort(key=lambda s: (-s.cut_off, s.kind, s.objects))
    return result
