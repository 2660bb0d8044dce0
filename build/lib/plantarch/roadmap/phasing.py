"""Phasing: changes in dependency order, risky low-level changes spread out, with cash flows.

Order: a consolidation target is upgraded before anything is retired into it, and a system is
retired only after the systems that consume its data have been dealt with (consumers first: the
topological order of the flow graph among retiring systems; systems feeding each other are retired
together). Quick wins (annual saving per one-off cost) go first among changes that are free to go.
Each phase takes at most `max_actions_per_phase` changes and at most `max_high_risk_per_phase`
high-risk changes at low Purdue levels per site (sites change independently; enterprise-wide systems
count as one more site).

Cash flows: a phase's one-off cost is spread evenly over its months; its savings start the month
after it ends. NPV discounts monthly cash flows at `discount_rate` per year over `horizon_years`.
"""

from __future__ import annotations

from typing import Literal

import rustworkx as rx
from pydantic import BaseModel, ConfigDict, Field

from plantarch.roadmap.figure import Figure, money
from plantarch.roadmap.settings import RoadmapSettings


class Action(BaseModel):
    """One change of the roadmap: retire a system into a target, or upgrade an unsupported one."""

    model_config = ConfigDict(extra="forbid")

    key: str
    kind: Literal["retire", "upgrade"]
    system: str
    site: str | None = Field(default=None, description="Site of the system; phase limits apply per site.")
    target: str | None = None
    purdue_level: float | None
    one_off: Figure
    annual_saving: Figure
    risk: Figure
    high_risk: bool = Field(description="Risk at or above the threshold at a low Purdue level.")
    depends_on: list[str] = Field(default_factory=list, description="Actions that must be done first.")
    why: str
    phase: int = 0


class CurvePoint(BaseModel):
    """Cash flows of one year of the horizon and the running total."""

    model_config = ConfigDict(extra="forbid")

    year: int
    one_off: float
    savings: float
    net: float
    cumulative: float


class Phase(BaseModel):
    """One phase: its changes, one-off cost, savings, risk and what it earns."""

    model_config = ConfigDict(extra="forbid")

    number: int
    start_month: int
    end_month: int
    actions: list[str]
    one_off: Figure
    annual_savings: Figure
    run_rate_savings: Figure = Field(description="Annual savings of this and every earlier phase.")
    risk: Figure
    high_risk_changes: int
    payback_months: Figure
    npv: Figure


class CashFlow(BaseModel):
    """The cash flows of the whole plan: curve, payback, NPV."""

    model_config = ConfigDict(extra="forbid")

    curve: list[CurvePoint]
    one_off: Figure
    annual_savings: Figure
    payback_month: Figure
    npv: Figure


def order_and_phase(actions: list[Action], settings: RoadmapSettings) -> list[Action]:
    """Give every action a phase number respecting dependencies and the per-phase limits."""
    if not actions:
        return []
    position = {a.key: i for i, a in enumerate(actions)}
    graph = rx.PyDiGraph()
    graph.add_nodes_from(range(len(actions)))
    for i, action in enumerate(actions):
        for dep in action.depends_on:
            if dep in position:
                graph.add_edge(position[dep], i, None)
    units = [sorted(c) for c in rx.strongly_connected_components(graph)]
    unit_of = {m: u for u, members in enumerate(units) for m in members}
    dag = rx.PyDiGraph()
    dag.add_nodes_from(range(len(units)))
    for u, v in graph.edge_list():
        if unit_of[u] != unit_of[v]:
            dag.add_edge(unit_of[u], unit_of[v], None)

    def gain(unit: int) -> float:
        saving = sum(actions[m].annual_saving.value for m in units[unit])
        cost = sum(actions[m].one_off.value for m in units[unit])
        return saving / cost if cost > 0 else saving * 1e6

    ranked = sorted(range(len(units)), key=lambda u: (-gain(u), actions[units[u][0]].key))
    rank = {u: f"{i:09d}" for i, u in enumerate(ranked)}
    order = rx.lexicographical_topological_sort(dag, key=lambda u: rank[u])
    phase_of_unit: dict[int, int] = {}
    load: dict[tuple[int, str | None], int] = {}
    risky: dict[tuple[int, str | None], int] = {}
    for unit in order:
        members = units[unit]
        earliest = 1 + max((phase_of_unit[p] for p in dag.predecessor_indices(unit)), default=0)
        sizes: dict[str | None, int] = {}
        highs: dict[str | None, int] = {}
        for m in members:
            sizes[actions[m].site] = sizes.get(actions[m].site, 0) + 1
            highs[actions[m].site] = highs.get(actions[m].site, 0) + int(actions[m].high_risk)
        phase = earliest
        while True:
            fits = all(
                load.get((phase, site), 0) == 0 or load[(phase, site)] + n <= settings.max_actions_per_phase
                for site, n in sizes.items()
            )
            calm = all(
                high == 0
                or risky.get((phase, site), 0) == 0
                or risky[(phase, site)] + high <= settings.max_high_risk_per_phase
                for site, high in highs.items()
            )
            if fits and calm:
                break
            phase += 1
        phase_of_unit[unit] = phase
        for site, n in sizes.items():
            load[(phase, site)] = load.get((phase, site), 0) + n
            risky[(phase, site)] = risky.get((phase, site), 0) + highs[site]
        for m in members:
            actions[m].phase = phase
    return sorted(actions, key=lambda a: (a.phase, -a.annual_saving.value, a.key))


def _monthly(
    actions: list[Action], settings: RoadmapSettings, months: int
) -> tuple[list[float], list[float]]:
    """One-off spend and savings per month of the horizon for a set of phased actions."""
    spend = [0.0] * months
    earn = [0.0] * months
    span = settings.phase_months
    for action in actions:
        start = (action.phase - 1) * span
        for m in range(start, min(start + span, months)):
            spend[m] += action.one_off.value / span
        for m in range(start + span, months):
            earn[m] += action.annual_saving.value / 12
    return spend, earn


def _net(spend: list[float], earn: list[float]) -> list[float]:
    return [e - s for s, e in zip(spend, earn, strict=True)]


def _npv(flows: list[float], rate: float) -> float:
    return float(sum(cf / (1 + rate) ** ((m + 1) / 12) for m, cf in enumerate(flows)))


def _payback(flows: list[float]) -> int | None:
    total = 0.0
    spent = False
    for m, cf in enumerate(flows):
        total += cf
        spent = spent or cf < 0
        if spent and total >= 0:
            return m + 1
    return None if spent else 0


def build_phases(actions: list[Action], settings: RoadmapSettings) -> tuple[list[Phase], CashFlow]:
    """Group phased actions into phases and compute each phase's and the plan's cash flows."""
    months = settings.horizon_years * 12
    rate = settings.discount_rate
    phases: list[Phase] = []
    run_rate = 0.0
    for number in sorted({a.phase for a in actions}):
        mine = [a for a in actions if a.phase == number]
        one_off = sum(a.one_off.value for a in mine)
        saving = sum(a.annual_saving.value for a in mine)
        run_rate += saving
        riskiest = max(mine, key=lambda a: a.risk.value)
        flows = _net(*_monthly(mine, settings, months))
        payback = _payback(flows)
        phases.append(
            Phase(
                number=number,
                start_month=(number - 1) * settings.phase_months,
                end_month=number * settings.phase_months,
                actions=[a.key for a in mine],
                one_off=Figure(
                    value=round(one_off, 2),
                    basis=" + ".join(f"{a.key} {money(a.one_off.value)}" for a in mine),
                ),
                annual_savings=Figure(
                    value=round(saving, 2),
                    basis=" + ".join(f"{a.key} {money(a.annual_saving.value)}" for a in mine),
                ),
                run_rate_savings=Figure(
                    value=round(run_rate, 2), basis=f"annual savings of phases 1–{number}, summed"
                ),
                risk=Figure(value=riskiest.risk.value, basis=f"highest action risk: {riskiest.key}"),
                high_risk_changes=sum(1 for a in mine if a.high_risk),
                payback_months=Figure(
                    value=float(payback) if payback is not None else -1.0,
                    basis="month (from the plan's start) in which this phase's cumulative net cash flow "
                    "turns positive; -1 = not within the horizon"
                    if payback is not None or one_off > 0
                    else "no one-off cost",
                ),
                npv=Figure(
                    value=round(_npv(flows, rate), 2),
                    basis=f"this phase's monthly cash flows over {settings.horizon_years} years "
                    f"discounted at {rate:.1%} a year",
                ),
            )
        )
    spend, earn = _monthly(actions, settings, months)
    flows = _net(spend, earn)
    curve: list[CurvePoint] = []
    cumulative = 0.0
    for year in range(settings.horizon_years):
        spent = sum(spend[year * 12 : (year + 1) * 12])
        earned = sum(earn[year * 12 : (year + 1) * 12])
        cumulative += earned - spent
        curve.append(
            CurvePoint(
                year=year + 1,
                one_off=round(spent, 2),
                savings=round(earned, 2),
                net=round(earned - spent, 2),
                cumulative=round(cumulative, 2),
            )
        )
    payback = _payback(flows)
    total_one_off = sum(a.one_off.value for a in actions)
    cash = CashFlow(
        curve=curve,
        one_off=Figure(value=round(total_one_off, 2), basis="sum of every phase's one-off cost"),
        annual_savings=Figure(
            value=round(run_rate, 2), basis="sum of every phase's annual savings (run rate once all are done)"
        ),
        payback_month=Figure(
            value=float(payback) if payback is not None else -1.0,
            basis="first month in which the plan's cumulative net cash flow turns positive (0 = nothing "
            "spent); -1 = not within "
            f"the {settings.horizon_years}-year horizon",
        ),
        npv=Figure(
            value=round(_npv(flows, rate), 2),
            basis=f"monthly net cash flows over {settings.horizon_years} years discounted at {rate:.1%} a "
            f"year (one-off spread over each phase's {settings.phase_months} months, savings from the "
            "month after)",
        ),
    )
    return phases, cash
