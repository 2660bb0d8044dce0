"""Pages over the whole model: the dashboard (key metrics), findings with waivers, the roadmap, and the
topology with its graph endpoint. All read the per-revision snapshot (plantarch.web.snapshot)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from plantarch.report.inputs import TIME_COLOURS, quadrant_points, savings_curve
from plantarch.standards import Severity
from plantarch.web.session import PageUser, may_waive
from plantarch.web.snapshot import Snapshot
from plantarch.web.templating import render
from plantarch.web.topology import View, graph_key, topology_graph

router = APIRouter()

FINDINGS_PAGE = 100
"""Findings shown per page."""
MEMO_LIMIT = 256
"""Most topology graphs kept per snapshot (the filters come from the query string)."""


def snapshot(request: Request) -> Snapshot | None:
    """The current revision's snapshot, or None while a large model is being analysed."""
    found: Snapshot | None = request.app.state.web_snapshots.get(request.app.state.store)
    return found


def _computing(request: Request, user: Any, title: str) -> HTMLResponse:
    return render(request, "computing.html", status_code=202, user=user, title=title)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, user: PageUser) -> HTMLResponse:
    """Key metrics of the plant and per site, finding counts, and the latest changes."""
    store = request.app.state.store
    snap = snapshot(request)
    return render(
        request,
        "dashboard.html",
        user=user,
        counts=snap.model.counts() if snap else store.counts(),
        revision=store.revision,
        history=_history(store, snap),
        snap=snap,
        analysis=snap.analysis if snap else None,
        findings=snap.check.counts() if snap and snap.check else None,
    )


def _history(store: Any, snap: Snapshot | None) -> list[Any]:
    """The latest change sets (kept with the snapshot: history only grows with the revision)."""
    if snap is None:
        return list(store.history(limit=8))
    if "history" not in snap.memo:
        snap.memo["history"] = store.history(limit=8)
    history: list[Any] = snap.memo["history"]
    return history


@router.get("/findings", response_class=HTMLResponse, include_in_schema=False)
def findings(
    request: Request,
    user: PageUser,
    severity: str = "",
    status: str = "",
    rule: str = "",
    q: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
    waived: str = "",
    revoked: str = "",
) -> HTMLResponse:
    """Standards findings (baseline pack), most severe first, with the waivers that cover them; reviewers
    get a Waive link on each finding no valid waiver covers and a Revoke button on each waiver (`waived` and
    `revoked` name a waiver just recorded or revoked)."""
    snap = snapshot(request)
    if snap is None:
        return _computing(request, user, "Findings")
    items: list[Any] = snap.findings
    if severity:
        items = [f for f in items if f.severity.value == severity]
    if status:
        items = [f for f in items if f.status == status]
    if rule:
        items = [f for f in items if f.rule == rule]
    if q:
        needle = q.lower()
        items = [f for f in items if needle in f.key.lower() or needle in f.message.lower()]
    total = len(items)
    shown = items[(page - 1) * FINDINGS_PAGE : page * FINDINGS_PAGE]
    return render(
        request,
        "findings.html",
        user=user,
        snap=snap,
        counts=snap.check.counts() if snap.check else {},
        rules=snap.rules,
        severities=[s.value for s in reversed(Severity)],
        findings=shown,
        total=total,
        page=page,
        pages=max(1, -(-total // FINDINGS_PAGE)),
        chosen={"severity": severity, "status": status, "rule": rule, "q": q},
        waivers=snap.model.waivers[:200],
        waiver_total=len(snap.model.waivers),
        recorded=next((w for w in snap.model.waivers if w.key == waived), None) if waived else None,
        revoked=revoked if revoked and all(w.key != revoked for w in snap.model.waivers) else "",
        today=snap.day,
        may_waive=may_waive(user),
    )


@router.get("/roadmap", response_class=HTMLResponse, include_in_schema=False)
def roadmap(request: Request, user: PageUser) -> HTMLResponse:
    """The consolidation roadmap: TIME quadrant, phases, actions and the savings curve."""
    snap = snapshot(request)
    if snap is None:
        return _computing(request, user, "Roadmap")
    plan = snap.roadmap
    curve, marks, zero = savings_curve(plan) if plan else ("", [], 0.0)
    return render(
        request,
        "roadmap.html",
        user=user,
        snap=snap,
        roadmap=plan,
        quadrant=quadrant_points(plan) if plan else [],
        time_colours=TIME_COLOURS,
        time_counts=_time_counts(plan),
        curve=curve,
        curve_marks=marks,
        curve_zero=zero,
        names={s.key: s.name for s in snap.model.systems},
    )


def _time_counts(plan: Any) -> dict[str, int]:
    counts = dict.fromkeys(TIME_COLOURS, 0)
    for a in plan.time_classes if plan else []:
        counts[str(a.time_class)] = counts.get(str(a.time_class), 0) + 1
    return counts


@router.get("/topology", response_class=HTMLResponse, include_in_schema=False)
def topology(
    request: Request,
    user: PageUser,
    view: View = "purdue",
    site: str = "",
    zone: str = "",
    protocol: str = "",
) -> HTMLResponse:
    """The interactive topology page (the graph itself comes from /topology/graph)."""
    snap = snapshot(request)
    if snap is None:
        return _computing(request, user, "Topology")
    return render(
        request,
        "topology.html",
        user=user,
        view=view,
        chosen={"site": site, "zone": zone, "protocol": protocol},
        choices=snap.topology.choices(),
    )


@router.get("/topology/graph", include_in_schema=False)
def topology_json(
    request: Request,
    user: PageUser,
    view: View = "purdue",
    site: str = "",
    zone: str = "",
    protocol: str = "",
) -> JSONResponse:
    """The Cytoscape elements of a view; aggregated by site, zone or level above the app's threshold."""
    snap = snapshot(request)
    if snap is None:
        return JSONResponse({"computing": True}, status_code=202)
    threshold: int = request.app.state.web_threshold
    memo_key = graph_key(view, site, zone, protocol, threshold)
    if memo_key not in snap.memo:
        if len(snap.memo) > MEMO_LIMIT:
            for old in [k for k in snap.memo if isinstance(k, tuple)]:
                del snap.memo[old]
        snap.memo[memo_key] = topology_graph(
            snap.topology,
            view,
            site=site or None,
            zone=zone or None,
            protocol=protocol or None,
            threshold=threshold,
        )
    return JSONResponse(snap.memo[memo_key])
