"""Text and CSV renderings of a roadmap."""

from __future__ import annotations

import csv
import io

from plantarch.roadmap.plan import Roadmap

CSV_COLUMNS = (
    "phase",
    "start_month",
    "end_month",
    "action",
    "kind",
    "system",
    "target",
    "one_off",
    "one_off_basis",
    "annual_saving",
    "annual_saving_basis",
    "risk",
    "risk_basis",
    "high_risk",
    "depends_on",
)


def render_csv(roadmap: Roadmap) -> str:
    """One row per action, with its phase, amounts and the basis of each amount."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    span = roadmap.settings.phase_months
    for a in roadmap.actions:
        writer.writerow(
            (
                a.phase,
                (a.phase - 1) * span,
                a.phase * span,
                a.key,
                a.kind,
                a.system,
                a.target or "",
                f"{a.one_off.value:.2f}",
                a.one_off.basis,
                f"{a.annual_saving.value:.2f}",
                a.annual_saving.basis,
                f"{a.risk.value:.3f}",
                a.risk.basis,
                "yes" if a.high_risk else "no",
                " ".join(a.depends_on),
            )
        )
    return out.getvalue()


def render_text(roadmap: Roadmap) -> str:
    """The roadmap as text: TIME summary, consolidations, phases, totals."""
    cur = roadmap.settings.currency
    lines = [f"Consolidation roadmap ({roadmap.today.isoformat()}, amounts in {cur})", ""]
    counts: dict[str, int] = {}
    for t in roadmap.time_classes:
        counts[t.time_class] = counts.get(t.time_class, 0) + 1
    lines.append(
        "TIME: "
        + ", ".join(f"{c} {counts.get(c, 0)}" for c in ("tolerate", "invest", "migrate", "eliminate"))
    )
    for t in roadmap.time_classes:
        if t.time_class in ("migrate", "eliminate"):
            lines.append(
                f"  {t.time_class:<9} {t.system:<24} tech {t.technical_fit:.2f} "
                f"func {t.functional_fit:.2f}  {t.why}"
            )
    lines += ["", f"Consolidations ({len(roadmap.consolidations)})"]
    for c in roadmap.consolidations:
        retired = ", ".join(r.system for r in c.retire)
        lines.append(
            f"  {', '.join(c.capabilities)} at {c.scope or 'enterprise'}: keep {c.target}, retire {retired}"
        )
        for r in c.retire:
            moves = [m for m in r.interfaces if m.action == "re-point"]
            for move in moves:
                lines.append(f"    {r.system}: {move.why} ({', '.join(move.flows)})")
    lines += ["", "Phases"]
    for p in roadmap.phases:
        lines.append(
            f"  phase {p.number} (months {p.start_month}–{p.end_month}): one-off {p.one_off.value:,.0f}, "
            f"savings {p.annual_savings.value:,.0f}/year, risk {p.risk.value:.2f}, NPV {p.npv.value:,.0f}"
        )
        for key in p.actions:
            lines.append(f"    - {key}")
    cash = roadmap.cash_flow
    payback = cash.payback_month.value
    lines += [
        "",
        f"Total one-off {cash.one_off.value:,.0f}; annual savings {cash.annual_savings.value:,.0f}; "
        f"payback {'month ' + str(int(payback)) if payback >= 0 else 'beyond the horizon'}; "
        f"NPV {cash.npv.value:,.0f}",
        "Cumulative net by year: " + ", ".join(f"y{p.year} {p.cumulative:,.0f}" for p in cash.curve),
    ]
    if roadmap.recommendations:
        total = sum(r.one_off.value for r in roadmap.recommendations)
        lines += ["", f"Also recommended (not in the savings; one-off estimate {total:,.0f})"]
        for rec in roadmap.recommendations[:15]:
            where = f"[{rec.site}] " if rec.site else ""
            lines.append(f"  - {rec.kind}: {where}{rec.one_off.value:,.0f} — {rec.why[:140]}")
        if len(roadmap.recommendations) > 15:
            lines.append(f"  … and {len(roadmap.recommendations) - 15} more (see --format json)")
    if roadmap.review:
        lines.append(f"Review by hand (Eliminate, no target): {', '.join(roadmap.review)}")
    return "\n".join(lines) + "\n"
