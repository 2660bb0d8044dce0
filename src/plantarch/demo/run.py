"""`plantarch demo`: build a workspace from the demo plant and run the chain, one named step at a time.

A step is a function `(DemoRun) -> StepOutcome`; its name is the function's name and its title the
first line of its docstring. To add a step, write the function and append it to DEMO_STEPS. A step
whose plantarch capability is not installed (importing it raises ImportError naming a plantarch
module) is simply absent from the run; any other error stops the demo with a clear message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from plantarch.demo.plant_model import DEMO_REFERENCE_DATE, demo_plant_dir
from plantarch.model import PlantModel
from plantarch.store import Store

DEMO_AUTHOR = "plantarch demo"
DEMO_ENTERPRISE = "riverside-group"
CAPTURE_FILE = "riverside-demo.pcap"


@dataclass
class DemoRun:
    """What the steps share: the open store, the output directory, and facts earlier steps left."""

    store: Store
    out_dir: Path
    author: str = DEMO_AUTHOR
    today: date = field(default_factory=lambda: date.fromisoformat(DEMO_REFERENCE_DATE))
    facts: dict[str, Any] = field(default_factory=dict)
    _model: PlantModel | None = None

    def model(self) -> PlantModel:
        """The stored model (declared and observed), reloaded after any step that changed the store."""
        if self._model is None or self.facts.get("_model_revision") != self.store.revision:
            self._model = self.store.load_model()
            self.facts["_model_revision"] = self.store.revision
        return self._model


@dataclass
class StepOutcome:
    """What one step did: counts for the summary, files it wrote, and one line of detail."""

    counts: dict[str, int | float | str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    detail: str = ""


@dataclass
class StepResult:
    """One step as run: its name, title, outcome and duration."""

    name: str
    title: str
    outcome: StepOutcome
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "name": self.name,
            "title": self.title,
            "seconds": round(self.seconds, 3),
            "counts": self.outcome.counts,
            "files": [str(f) for f in self.outcome.files],
            "detail": self.outcome.detail,
        }


@dataclass
class DemoResult:
    """Everything `plantarch demo` did, in order, with the model's counts at the end."""

    database: str
    out_dir: Path
    steps: list[StepResult]
    counts: dict[str, int]
    absent: list[str]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "database": self.database,
            "out_dir": str(self.out_dir),
            "counts": self.counts,
            "steps": [s.as_dict() for s in self.steps],
            "absent_steps": self.absent,
        }


DemoStep = Callable[[DemoRun], StepOutcome]


def step_title(step: DemoStep) -> str:
    """The first line of a step's docstring, or its name."""
    doc = (step.__doc__ or "").strip().splitlines()
    return doc[0].rstrip(".") if doc else step.__name__.replace("_", " ")


def model_counts(model: PlantModel) -> dict[str, int]:
    """Sites, systems, assets, flows (and how many observed), zones and conduits of a model."""
    observed = sum(1 for f in model.flows if f.origin == "observed")
    counts = {
        "sites": sum(1 for loc in model.locations if loc.kind == "site"),
        "systems": len(model.systems),
        "assets": len(model.assets),
        "flows": len(model.flows),
        "observed flows": observed,
        "zones": len(model.zones),
        "conduits": len(model.conduits),
        "capabilities": len(model.capabilities),
    }
    if not observed:
        del counts["observed flows"]
    return counts


# ---------------------------------------------------------------- the steps


def init_workspace(run: DemoRun) -> StepOutcome:
    """Create or migrate the workspace."""
    return StepOutcome({"revision": run.store.revision}, detail=run.store.url)


def import_demo_model(run: DemoRun) -> StepOutcome:
    """Import the demo plant's architecture-as-code model."""
    from plantarch.interchange.model_io import import_model

    reason = "demo: import the demo plant"
    result = import_model(run.store, demo_plant_dir(), author=run.author, reason=reason)
    counts: dict[str, int | float | str] = dict(model_counts(run.model()))
    detail = f"change set {result.revision}" if result.revision else "already imported: nothing changed"
    return StepOutcome(counts, detail=detail)


def write_capture(run: DemoRun) -> StepOutcome:
    """Write the demo plant's network capture."""
    from plantarch.demo.capture import write_demo_capture

    summary = write_demo_capture(run.out_dir / CAPTURE_FILE)  # the shipped plant's traffic, not the store's
    run.facts["capture"] = summary.path
    counts: dict[str, int | float | str] = {"packets": summary.packets, "bytes": summary.bytes}
    return StepOutcome(counts, files=[summary.path])


def discover_capture(run: DemoRun) -> StepOutcome:
    """Discover hosts and flows in the capture and reconcile them."""
    from plantarch.discovery.pcap.source import discover_pcap
    from plantarch.discovery.reconcile import reconcile

    batch = discover_pcap([run.facts["capture"]])
    result = reconcile(run.store, batch, author=run.author, reason="demo: discover the demo capture")
    counts: dict[str, int | float | str] = {
        "observed hosts": len(batch.hosts),
        "observed flows": len(batch.flows),
        "new assets": len(result.created.get("asset", [])),
        "new flows": len(result.created.get("flow", [])),
    }
    return StepOutcome(counts, detail=f"change set {result.revision}" if result.revision else "nothing new")


def detect_demo_drift(run: DemoRun) -> StepOutcome:
    """Compare declared and observed: hidden dependencies and stale documentation."""
    from plantarch.analysis.drift import detect_drift

    report = detect_drift(run.model())
    run.facts["drift"] = report
    return StepOutcome(dict(report.summary()))


def check_standards(run: DemoRun) -> StepOutcome:
    """Check the model against the baseline standards pack."""
    from plantarch.standards.checker import check_model
    from plantarch.standards.ci import render_sarif
    from plantarch.standards.pack import load_packs
    from plantarch.standards.writers import render_json

    result = check_model(run.model(), load_packs([], baseline=True), today=run.today)
    run.facts["check"] = result
    path = run.out_dir / "findings.json"
    path.write_text(render_json(result), encoding="utf-8")
    sarif = run.out_dir / "findings.sarif"  # what a CI gate would upload
    sarif.write_text(render_sarif(result), encoding="utf-8")
    counts: dict[str, int | float | str] = {k: v for k, v in result.counts().items() if v}
    counts["rules"] = len(result.rules)
    return StepOutcome(counts, files=[path, sarif], detail=f"{len(result.open)} open findings")


def analyze_architecture(run: DemoRun) -> StepOutcome:
    """Analyse silos, redundancy, gaps, complexity, resilience, lifecycle and cost."""
    from plantarch.analysis import analyze

    report = analyze(run.model(), run.today)
    run.facts["analysis"] = report
    path = run.out_dir / "analysis.json"
    path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    m = report.metrics
    counts: dict[str, int | float | str] = {
        "silos": m.silos,
        "redundancy groups": m.redundancy_groups,
        "redundant spend": m.redundant_spend,
        "integration gaps": m.integration_gaps,
        "point-to-point interfaces": m.point_to_point_interfaces,
        "single points of failure": m.single_points_of_failure,
        "end of support": m.end_of_support,
    }
    return StepOutcome(counts, files=[path], detail=f"annual TCO {m.annual_tco:,.0f}")


def plan_roadmap(run: DemoRun) -> StepOutcome:
    """Plan the consolidation roadmap: TIME classes, phases, savings."""
    from plantarch.roadmap import build_roadmap, render_csv

    roadmap = build_roadmap(run.model(), today=run.today, report=run.facts.get("analysis"))
    json_path = run.out_dir / "roadmap.json"
    csv_path = run.out_dir / "roadmap.csv"
    json_path.write_text(roadmap.model_dump_json(indent=2), encoding="utf-8")
    csv_path.write_text(render_csv(roadmap), encoding="utf-8")
    run.facts["roadmap"] = roadmap
    cash = roadmap.cash_flow
    counts: dict[str, int | float | str] = {
        "phases": len(roadmap.phases),
        "actions": len(roadmap.actions),
        "one-off": cash.one_off.value,
        "annual savings": cash.annual_savings.value,
        "payback month": cash.payback_month.value,
        "NPV": cash.npv.value,
    }
    return StepOutcome(counts, files=[json_path, csv_path])


def write_report(run: DemoRun) -> StepOutcome:
    """Write the HTML report and the Purdue, zones, flows and capabilities diagrams."""
    from plantarch.report.html import render_report
    from plantarch.report.render import write_views

    check = run.facts.get("check")
    findings = list(check.findings) if check is not None else None
    model = run.model()
    html = render_report(
        model,
        title="Riverside Packaging: plant architecture report",
        findings=findings,
        analysis=run.facts.get("analysis"),
        roadmap=run.facts.get("roadmap"),
        use_standards=findings is None,
        today=run.today,
    )
    path = run.out_dir / "report.html"
    path.write_text(html, encoding="utf-8")
    diagrams = write_views(model, run.out_dir / "diagrams", findings)
    counts: dict[str, int | float | str] = {"report bytes": len(html.encode()), "diagrams": len(diagrams)}
    return StepOutcome(counts, files=[path, *diagrams], detail=f"open {path} in a browser")


DEMO_STEPS: list[DemoStep] = [
    init_workspace,
    import_demo_model,
    write_capture,
    discover_capture,
    detect_demo_drift,
    check_standards,
    analyze_architecture,
    plan_roadmap,
    write_report,
]
"""The demo chain, in order. Append a step function to add a capability to `plantarch demo`."""


def _absent(exc: ImportError) -> bool:
    return (exc.name or "").startswith("plantarch")


def run_demo(
    store: Store,
    out_dir: Path,
    *,
    author: str = DEMO_AUTHOR,
    steps: list[DemoStep] | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run every demo step against `store`, writing files under `out_dir`; idempotent on rerun."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = DemoRun(store=store, out_dir=out_dir, author=author)
    results: list[StepResult] = []
    absent: list[str] = []
    for step in DEMO_STEPS if steps is None else steps:
        if progress is not None:
            progress(step_title(step))
        started = time.perf_counter()
        try:
            outcome = step(run)
        except ImportError as exc:
            if not _absent(exc):
                raise
            absent.append(step.__name__)
            continue
        results.append(StepResult(step.__name__, step_title(step), outcome, time.perf_counter() - started))
    return DemoResult(store.url, out_dir, results, model_counts(run.model()), absent)
