"""What the pages show of the whole model, computed once per model revision and shared by every request.

Counting and listing objects go straight to the store (indexed SQL); the dashboard, the findings, the
roadmap and the topology need the whole model, its analysis and its standards check. Those are built
once per revision: at once for a small model, in a background thread for a large one (pages then say
that the figures are being computed instead of making the request wait).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from plantarch.analysis import AnalysisReport, analyze, build_flow_graph
from plantarch.analysis.metrics import conformance_of
from plantarch.model import PlantModel
from plantarch.roadmap import Roadmap, build_roadmap
from plantarch.standards import CheckResult, check_model, load_baseline
from plantarch.store import Store
from plantarch.web.topology import THRESHOLD, VIEWS, TopologyIndex, graph_key, topology_graph

BACKGROUND_ABOVE = 20_000
"""Models with more objects than this are analysed in a background thread."""


@dataclass
class Snapshot:
    """The model of one revision with its analysis, standards check and roadmap."""

    revision: int
    model: PlantModel
    analysis: AnalysisReport | None
    check: CheckResult | None
    roadmap: Roadmap | None
    seconds: float
    problems: list[str] = field(default_factory=list)
    memo: dict[Any, Any] = field(default_factory=dict)
    """Derived views (topology graphs, ...) keyed by what they were computed from."""
    day: date = field(default_factory=date.today)
    """The date the check and analysis were made for (waivers and end of support depend on it)."""

    @cached_property
    def findings(self) -> list[Any]:
        """The check's findings, most severe first (none when the check failed)."""
        return self.check.sorted_findings() if self.check else []

    @cached_property
    def rules(self) -> list[str]:
        """The rules that have findings, sorted (the findings page's rule filter)."""
        return sorted({f.rule for f in self.findings})

    @cached_property
    def topology(self) -> TopologyIndex:
        """The model's topology index (sites, zones, protocols, endpoints)."""
        return TopologyIndex.build(self.model)


def build_snapshot(store: Store, today: date | None = None, *, threshold: int = THRESHOLD) -> Snapshot:
    """Load the model and run the analysis, the baseline standards check and the roadmap on it; index
    the topology and draw both unfiltered views (aggregated above `threshold` endpoints)."""
    started = time.perf_counter()
    today = today or date.today()
    revision = store.revision
    model = store.load_model()
    problems: list[str] = []
    check: CheckResult | None = None
    analysis: AnalysisReport | None = None
    roadmap: Roadmap | None = None
    try:
        check = check_model(model, [load_baseline()], today=today)
    except Exception as exc:  # a broken rule must not take the UI down; the page says what failed
        problems.append(f"standards check failed: {exc}")
    try:
        graph = build_flow_graph(model)
        analysis = analyze(model, today, conformance=False, graph=graph)
        if check is not None:  # the conformance figure from the check above, not a second check
            metrics = analysis.metrics
            metrics.standards_conformance, metrics.standards_note, analysis.standards_findings = (
                conformance_of(model, check.findings)
            )
        roadmap = build_roadmap(model, today=today, report=analysis, graph=graph)
    except Exception as exc:  # same: show the rest of the UI and the reason
        problems.append(f"analysis failed: {exc}")
    snapshot = Snapshot(revision, model, analysis, check, roadmap, 0.0, problems, day=today)
    for view in VIEWS:  # computed here, off the request path
        snapshot.memo[graph_key(view, "", "", "", threshold)] = topology_graph(
            snapshot.topology, view, threshold=threshold
        )
    snapshot.rules  # noqa: B018 (computes and keeps the findings and rules now)
    snapshot.memo["history"] = store.history(limit=8)
    snapshot.seconds = time.perf_counter() - started
    return snapshot


class SnapshotCache:
    """The newest snapshot, rebuilt when the store's revision moves on or the day changes (a waiver that
    ran out at midnight is open again, without any change to the model)."""

    def __init__(self, background_above: int = BACKGROUND_ABOVE, threshold: int = THRESHOLD) -> None:
        self.background_above = background_above
        self.threshold = threshold
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._building: int | None = None
        self._thread: threading.Thread | None = None

    def get(self, store: Store) -> Snapshot | None:
        """The snapshot of the current revision, or None while a large model is analysed in the background."""
        revision = store.revision
        with self._lock:
            current = self._current
            if current is not None and current.revision == revision and current.day == date.today():
                return current
            if self._building == revision:
                return None
            size = sum(store.counts().values())
            if size > self.background_above:
                self._building = revision
                self._thread = threading.Thread(
                    target=self._build, args=(store, revision), name="plantarch-snapshot", daemon=True
                )
                self._thread.start()
                return None
        snapshot = build_snapshot(store, threshold=self.threshold)
        with self._lock:
            self._current = snapshot
        return snapshot

    def _build(self, store: Store, revision: int) -> None:
        try:
            snapshot = build_snapshot(store, threshold=self.threshold)
        finally:
            with self._lock:
                self._building = None
        with self._lock:
            self._current = snapshot

    def wait(self, store: Store, timeout: float = 3600) -> Snapshot:
        """Block until the current revision's snapshot exists (benchmarks, warm-up)."""
        deadline = time.monotonic() + timeout
        while True:
            snapshot = self.get(store)
            if snapshot is not None:
                return snapshot
            if time.monotonic() > deadline:
                raise TimeoutError("the model's analysis did not finish in time")
            time.sleep(0.2)
